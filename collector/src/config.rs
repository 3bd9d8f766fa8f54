//! Command-line options (each also readable from an environment variable).

use crate::auth::Role;
use clap::{Args, Parser, Subcommand, ValueEnum};
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
pub struct Cli {
    /// Without a command: serve.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The server's options (`--database-url` applies to the commands too).
    #[command(flatten)]
    pub config: Config,
}

/// Account and data commands, run against the server's database (`--database-url`).
#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Console users.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens (`Authorization: Bearer TOKEN`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Synthetic data for benchmarks.
    #[command(subcommand)]
    Generate(GenerateCommand),
}

/// `survey-collector generate ...`.
#[derive(Clone, Debug, Subcommand)]
pub enum GenerateCommand {
    /// Adds synthetic events of one NPS survey (shown, responses with some comments,
    /// dismissals, over the last 180 days).
    Events {
        /// The survey's id.
        #[arg(long)]
        survey: String,
        /// How many events to add.
        #[arg(long)]
        count: u64,
    },
}

/// `survey-collector user ...`.
#[derive(Clone, Debug, Subcommand)]
pub enum UserCommand {
    /// Adds a user; reads the password from standard input (its first line).
    Add {
        /// The user's email, their sign-in name.
        email: String,
        /// `admin` (changes surveys and settings) or `viewer` (reads reports).
        #[arg(long, value_enum)]
        role: Role,
    },
}

/// `survey-collector token ...`.
#[derive(Clone, Debug, Subcommand)]
pub enum TokenCommand {
    /// Creates a token and prints it once (only its SHA-256 is stored).
    Create {
        /// What the token is for (shown in the console).
        name: String,
        /// `admin` or `viewer`.
        #[arg(long, value_enum)]
        role: Role,
    },
}

/// The server's options.
#[derive(Clone, Debug, Args)]
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
        default_value = "sqlite://survey-collector.db?mode=rwc",
        global = true,
        hide_env_values = true
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

    /// A file holding the write key. When a key is set (this file, or the environment variable
    /// COLLECTOR_WRITE_KEY; never on the command line, where `ps` shows it), `POST /v1/events`
    /// needs it in the `X-Write-Key` header or (for `navigator.sendBeacon`, which cannot set
    /// headers) the `write_key` query parameter. It only keeps out casual junk: a key in a
    /// public page is not a secret.
    #[arg(long, env = "COLLECTOR_WRITE_KEY_FILE")]
    pub write_key_file: Option<PathBuf>,

    /// The write key (from COLLECTOR_WRITE_KEY, or `--write-key-file`).
    #[arg(skip = std::env::var("COLLECTOR_WRITE_KEY").ok().filter(|key| !key.is_empty()))]
    pub write_key: Option<String>,

    /// A file holding the database URL (instead of `--database-url`, so that a password in it
    /// never shows in `ps`).
    #[arg(long, env = "DATABASE_URL_FILE", global = true)]
    pub database_url_file: Option<PathBuf>,

    /// The collector's public URL, like `https://collect.example.com`: the hosted config's
    /// default `collector`, the console's script tag, and `Secure` session cookies when https.
    /// Without it, the URL a request arrived at is used.
    #[arg(long, env = "COLLECTOR_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Minutes a console session may stay unused before it ends.
    #[arg(long, env = "COLLECTOR_SESSION_IDLE_MINUTES", default_value_t = 480)]
    pub session_idle_minutes: u32,

    /// Whether events for surveys the console does not manage are refused (404): `auto` does
    /// so once at least one survey is managed in the console.
    #[arg(long, env = "COLLECTOR_KNOWN_SURVEYS_ONLY", value_enum, default_value_t = KnownSurveys::Auto)]
    pub known_surveys_only: KnownSurveys,

    /// Requests to `POST /v1/events` one client may make per minute (bursts up to as many);
    /// more get 429 with `Retry-After`. 0: no limit.
    #[arg(long, env = "COLLECTOR_EVENTS_PER_MINUTE", default_value_t = 600)]
    pub events_per_minute: u32,

    /// Seconds a client may take to send a request's headers (slowloris protection).
    #[arg(long, env = "COLLECTOR_HEADER_TIMEOUT_SECONDS", default_value_t = 10)]
    pub header_timeout_seconds: u16,

    /// Seconds a request may take, body and answer included (408 after that).
    #[arg(long, env = "COLLECTOR_REQUEST_TIMEOUT_SECONDS", default_value_t = 30)]
    pub request_timeout_seconds: u16,

    /// Seconds open requests get to finish after SIGTERM or Ctrl-C.
    #[arg(long, env = "COLLECTOR_SHUTDOWN_TIMEOUT_SECONDS", default_value_t = 10)]
    pub shutdown_timeout_seconds: u16,

    /// Seconds a webhook delivery of a score without a comment waits for the comment (one
    /// delivery per response, sent once it is final).
    #[arg(long, env = "COLLECTOR_WEBHOOK_SETTLE_SECONDS", default_value_t = 120)]
    pub webhook_settle_seconds: u32,

    /// Let webhooks reach loopback and private addresses (tests, trusted networks). Without it
    /// such targets are refused, and so are link-local and cloud metadata addresses.
    #[arg(long, env = "COLLECTOR_ALLOW_PRIVATE_WEBHOOKS")]
    pub allow_private_webhooks: bool,

    /// Erase events older than this many days (checked at start-up and daily).
    #[arg(long, env = "COLLECTOR_RETENTION_DAYS", value_parser = clap::value_parser!(u32).range(1..))]
    pub retention_days: Option<u32>,

    /// Behind a reverse proxy or load balancer: rate limits count the last address of
    /// `X-Forwarded-For` (the client the proxy saw) instead of the TCP peer (the proxy). Only
    /// with a proxy that sets the header; otherwise clients could choose their own address.
    #[arg(long, env = "COLLECTOR_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// With `COLLECTOR_ADMIN_PASSWORD`: the first admin, created at start-up when the database
    /// has no user yet.
    #[arg(long, env = "COLLECTOR_ADMIN_EMAIL", hide = true)]
    pub admin_email: Option<String>,

    /// The first admin's password (environment only, so it never shows in `ps`).
    #[arg(skip = std::env::var("COLLECTOR_ADMIN_PASSWORD").ok())]
    pub admin_password: Option<String>,

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

/// Which survey ids `POST /v1/events` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KnownSurveys {
    /// Only managed surveys once any survey is managed in the console; any before that.
    Auto,
    /// Only surveys managed in the console.
    Always,
    /// Any survey id.
    Never,
}

impl Config {
    /// Reads the secrets kept in files (`--database-url-file`, `--write-key-file`) into the
    /// config.
    pub fn read_secret_files(&mut self) -> anyhow::Result<()> {
        let read = |path: &PathBuf, what: &str| -> anyhow::Result<String> {
            let text = std::fs::read_to_string(path).map_err(|error| {
                anyhow::anyhow!("cannot read {what} {}: {error}", path.display())
            })?;
            Ok(text.trim().to_owned())
        };
        if let Some(path) = &self.database_url_file {
            self.database_url = read(path, "--database-url-file")?;
        }
        if let Some(path) = &self.write_key_file {
            self.write_key = Some(read(path, "--write-key-file")?).filter(|key| !key.is_empty());
        }
        Ok(())
    }
}

/// Whether a database URL carries a password (`postgres://user:secret@host/db`).
pub fn has_password(url: &str) -> bool {
    url.split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .is_some_and(|(credentials, _)| credentials.contains(':'))
}
