//! `survey-collector`: see the library docs and `--help`.

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use std::io::IsTerminal;
use std::process::ExitCode;
use survey_collector::config::{has_password, Cli, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let Cli {
        command,
        mut config,
    } = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    match config.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    if let Err(error) = config.read_secret_files() {
        eprintln!("survey-collector: error: {error:#}");
        return ExitCode::FAILURE;
    }
    if matches.value_source("database_url") == Some(ValueSource::CommandLine)
        && has_password(&config.database_url)
    {
        tracing::warn!("--database-url holds a password, which `ps` shows to every user of this machine: use DATABASE_URL or --database-url-file");
    }
    let outcome = match command {
        Some(command) => survey_collector::cli::run(command, &config).await,
        None => survey_collector::run(config).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("survey-collector: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
