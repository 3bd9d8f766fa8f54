//! `survey-collector`: see the library docs and `--help`.

use clap::Parser;
use std::process::ExitCode;
use survey_collector::config::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    match survey_collector::run(Config::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("survey-collector: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
