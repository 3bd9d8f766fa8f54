//! `survey-collector`: see the library docs and `--help`.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use survey_collector::config::{Cli, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let Cli { command, config } = Cli::parse();
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
