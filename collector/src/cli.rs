//! The commands (`user add`, `token create`, `generate events`) and the first admin from the
//! environment.

use crate::auth::accounts::AccountError;
use crate::auth::Role;
use crate::config::{Command, Config, GenerateCommand, TokenCommand, UserCommand};
use crate::store::Store;
use anyhow::Context;
use std::io::BufRead;

/// Runs a command against `--database-url`; prints what it did.
pub async fn run(command: Command, config: &Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url)
        .await
        .map_err(|error| anyhow::anyhow!("cannot open the database (--database-url): {error}"))?;
    match command {
        Command::User(UserCommand::Add { email, role }) => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            let user = store.add_user(&email, role, password).await?;
            println!("added {} ({})", user.email, user.role);
        }
        Command::Token(TokenCommand::Create { name, role }) => {
            let (token, _) = store.add_token(&name, role).await?;
            eprintln!("token {name:?} ({role}); it is shown only this once:");
            println!("{token}");
        }
        Command::Generate(GenerateCommand::Events { survey, count }) => {
            let written = crate::generate::events(&store, &survey, count).await?;
            println!("added {written} events of survey {survey}");
        }
    }
    Ok(())
}

/// Creates the first admin from `COLLECTOR_ADMIN_EMAIL` / `COLLECTOR_ADMIN_PASSWORD` when the
/// database has no user.
pub async fn bootstrap_admin(store: &Store, config: &Config) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) else {
        return Ok(());
    };
    if store.user_count().await? > 0 {
        return Ok(());
    }
    match store.add_user(email, Role::Admin, password).await {
        Ok(user) => tracing::info!(email = user.email, "created the first admin"),
        Err(AccountError::Exists) => {}
        Err(error) => anyhow::bail!("COLLECTOR_ADMIN_EMAIL / COLLECTOR_ADMIN_PASSWORD: {error}"),
    }
    Ok(())
}
