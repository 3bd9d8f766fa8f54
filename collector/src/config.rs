//! Command-line options (each also readable from an environment variable).

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// How to run the collector.
#[derive(Clone, Debug, Parser)]
#[command(name = "survey-collector", version, about)]
pub struct Config {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "COLLECTOR_LISTEN", default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,

    /// Database URL: `sqlite://FILE?mode=rwc`, `sqlite::memory:`, or `postgres://...`
    /// (with the `postgres` cargo feature).
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://survey-collector.db?mode=rwc")]
    pub database_url: String,

    /// Directory served at `/` (the built widget and the demo page).
    #[arg(long, env = "COLLECTOR_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,

    /// Origin allowed to call `/v1` from a browser (repeatable or comma-separated; `*` allows
    /// any origin).
    #[arg(long = "cors-origin", env = "COLLECTOR_CORS_ORIGINS", value_delimiter = ',', default_value = "*")]
    pub cors_origins: Vec<String>,
}
