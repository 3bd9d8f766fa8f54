//! Command-line options (each also readable from an environment variable).

use clap::{Parser, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// The reference collector of survey-widget: accepts the widget's events at `POST /v1/events`,
/// stores them in SQLite or PostgreSQL, and reports NPS / CES / CSAT per survey at `/report`
/// (HTML) and `/v1/surveys/{id}/report` (JSON). The API is described at `/openapi.json`.
///
/// Every option can also be set by the environment variable shown with it. Log verbosity
/// follows `RUST_LOG` (default `info`); logs go to stderr.
#[derive(Clone, Debug, Parser)]
#[command(name = "survey-collector", version, about, long_about)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "COLLECTOR_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Database URL: `sqlite://FILE?mode=rwc` (creates the file), `sqlite::memory:`, or
    /// `postgres://USER:PASSWORD@HOST:PORT/DB`. Several collectors may share one PostgreSQL
    /// database; the schema is migrated at startup.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://survey-collector.db?mode=rwc"
    )]
    pub database_url: String,

    /// Directory served at `/` (the built widget and the demo page).
    #[arg(long, env = "COLLECTOR_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// Origin allowed to call `/v1` from a browser (repeatable or comma-separated; `*` allows
    /// any origin).
    #[arg(
        long = "cors-origin",
        env = "COLLECTOR_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = "*"
    )]
    pub cors_origins: Vec<String>,

    /// When set, `POST /v1/events` needs this key, in the `X-Write-Key` header or (for
    /// `navigator.sendBeacon`, which cannot set headers) the `write_key` query parameter.
    /// It only keeps out casual junk: a key in a public page is not a secret.
    #[arg(long, env = "COLLECTOR_WRITE_KEY", hide_env_values = true)]
    pub write_key: Option<String>,

    /// Log format: `text` for people, `json` for log collectors (one object per line).
    #[arg(long, env = "COLLECTOR_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}
