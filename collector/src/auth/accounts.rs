//! Users, API tokens, sessions and failed sign-ins in the database. Only digests and Argon2id
//! hashes are stored, never a secret itself.

use crate::auth::secrets::{self, digest};
use crate::auth::Role;
use crate::store::Store;
use serde::Serialize;
use sqlx::FromRow;

/// A user as the console lists them.
#[derive(Clone, Debug, Serialize, FromRow)]
pub struct User {
    /// Random id.
    pub id: String,
    /// Email, lower case.
    pub email: String,
    /// `admin` or `viewer`.
    pub role: String,
}

/// An API token as the console lists it (never the token itself).
#[derive(Clone, Debug, Serialize, FromRow)]
pub struct Token {
    /// Random id.
    pub id: String,
    /// What it is for.
    pub name: String,
    /// `admin` or `viewer`.
    pub role: String,
}

/// A signed-in session, as [`Store::session`] finds it.
#[derive(Clone, Debug, FromRow)]
pub struct Session {
    /// The user's email.
    pub email: String,
    /// The user's role.
    pub role: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// When it was last used (Unix milliseconds).
    pub seen_at: i64,
}

#[derive(FromRow)]
struct Credentials {
    id: String,
    password_hash: String,
}

/// Why an account could not be added.
#[derive(Debug)]
pub enum AccountError {
    /// The email or password is not acceptable; the text says why.
    Invalid(String),
    /// A user with this email exists.
    Exists,
    /// That is the last admin.
    LastAdmin,
    /// The password could not be hashed (a server fault).
    Hashing(String),
    /// The database failed.
    Database(sqlx::Error),
}

impl From<sqlx::Error> for AccountError {
    fn from(error: sqlx::Error) -> AccountError {
        AccountError::Database(error)
    }
}

impl std::fmt::Display for AccountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountError::Invalid(why) => f.write_str(why),
            AccountError::Exists => f.write_str("a user with this email exists"),
            AccountError::LastAdmin => f.write_str("the last admin cannot be removed"),
            AccountError::Hashing(why) => write!(f, "cannot hash the password: {why}"),
            AccountError::Database(error) => write!(f, "database error: {error}"),
        }
    }
}

impl std::error::Error for AccountError {}

/// An email as stored: trimmed, lower case; `None` when it does not look like one.
pub fn normalize_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let plausible = !local.is_empty()
        && !domain.is_empty()
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    plausible.then_some(email)
}

/// The permits for concurrent password checks: one per core.
fn verify_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        tokio::sync::Semaphore::new(cores)
    })
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Store {
    /// Number of users.
    pub async fn user_count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
    }

    /// Adds a user with an Argon2id hash of `password`.
    pub async fn add_user(
        &self,
        email: &str,
        role: Role,
        password: &str,
    ) -> Result<User, AccountError> {
        let email = normalize_email(email)
            .ok_or_else(|| AccountError::Invalid(format!("{email:?} is not an email address")))?;
        if password.chars().count() < secrets::MIN_PASSWORD_CHARS {
            return Err(AccountError::Invalid(format!(
                "the password needs at least {} characters",
                secrets::MIN_PASSWORD_CHARS
            )));
        }
        let hash = secrets::hash_password(password)
            .map_err(|error| AccountError::Hashing(error.to_string()))?;
        let id = secrets::random_hex(16);
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, role, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
        )
        .bind(&id)
        .bind(&email)
        .bind(role.key())
        .bind(&hash)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(AccountError::Exists);
        }
        Ok(User {
            id,
            email,
            role: role.key().into(),
        })
    }

    /// Every user, by email.
    pub async fn users(&self) -> Result<Vec<User>, sqlx::Error> {
        sqlx::query_as("SELECT id, email, role FROM users ORDER BY email")
            .fetch_all(&self.pool)
            .await
    }

    /// Deletes a user and ends their sessions; false when there was none. The last admin
    /// cannot be deleted ([`AccountError::LastAdmin`]): someone must be able to sign in and
    /// change things.
    pub async fn delete_user(&self, id: &str) -> Result<bool, AccountError> {
        let mut tx = self.pool.begin().await?;
        let admins_left: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND id <> $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let is_admin: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if is_admin > 0 && admins_left == 0 {
            return Err(AccountError::LastAdmin);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let deleted = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// The id of the user with this email and password, `None` when either is wrong (in the
    /// same time either way).
    pub async fn check_password(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let credentials: Option<Credentials> = match normalize_email(email) {
            Some(email) => {
                sqlx::query_as("SELECT id, password_hash FROM users WHERE email = $1")
                    .bind(email)
                    .fetch_optional(&self.pool)
                    .await?
            }
            None => None,
        };
        let hash = credentials.as_ref().map(|c| c.password_hash.clone());
        let password = password.to_owned();
        // Argon2 is CPU- and memory-bound by design: off the async workers, and only as many at
        // once as there are cores (a burst of sign-ins queues instead of exhausting memory).
        let _permit = verify_permits().acquire().await;
        let matches = tokio::task::spawn_blocking(move || {
            secrets::verify_password(&password, hash.as_deref())
        })
        .await
        .unwrap_or(false);
        Ok(credentials.filter(|_| matches).map(|c| c.id))
    }

    /// Creates a token; returns it (shown once) with its listing.
    pub async fn add_token(&self, name: &str, role: Role) -> Result<(String, Token), AccountError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AccountError::Invalid(
                "a token needs a name of 1-100 characters".into(),
            ));
        }
        let token = secrets::new_token();
        let id = secrets::random_hex(16);
        sqlx::query(
            "INSERT INTO tokens (id, name, role, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(name)
        .bind(role.key())
        .bind(digest(&token))
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        let listed = Token {
            id,
            name: name.into(),
            role: role.key().into(),
        };
        Ok((token, listed))
    }

    /// Every token, by name.
    pub async fn tokens(&self) -> Result<Vec<Token>, sqlx::Error> {
        sqlx::query_as("SELECT id, name, role FROM tokens ORDER BY name, id")
            .fetch_all(&self.pool)
            .await
    }

    /// Revokes a token; false when there was none.
    pub async fn delete_token(&self, id: &str) -> Result<bool, sqlx::Error> {
        let deleted = sqlx::query("DELETE FROM tokens WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// The token with this value: its name and role.
    pub async fn token(&self, token: &str) -> Result<Option<(String, Role)>, sqlx::Error> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT name, role FROM tokens WHERE token_hash = $1")
                .bind(digest(token))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(name, role)| Some((name, Role::from_key(&role)?))))
    }

    /// Starts a session for a user; returns the cookie's value (the secret session id).
    /// Sessions unused for a week are deleted on the way.
    pub async fn create_session(&self, user_id: &str) -> Result<String, sqlx::Error> {
        let id = secrets::random_hex(32);
        let now = now_ms();
        sqlx::query("DELETE FROM sessions WHERE seen_at < $1")
            .bind(now - 7 * 24 * 60 * 60 * 1000)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(digest(&id))
        .bind(user_id)
        .bind(secrets::random_hex(32))
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(id)
    }

    /// The live session with this cookie value: unused for less than `idle_ms`. Marks it used
    /// (at most once a minute, to spare the database a write per request).
    pub async fn session(&self, id: &str, idle_ms: i64) -> Result<Option<Session>, sqlx::Error> {
        let now = now_ms();
        let session: Option<Session> = sqlx::query_as(
            "SELECT users.email, users.role, sessions.csrf, sessions.seen_at FROM sessions \
             JOIN users ON users.id = sessions.user_id WHERE sessions.id_hash = $1 AND sessions.seen_at > $2",
        )
        .bind(digest(id))
        .bind(now - idle_ms)
        .fetch_optional(&self.pool)
        .await?;
        if session.as_ref().is_some_and(|s| now - s.seen_at > 60_000) {
            sqlx::query("UPDATE sessions SET seen_at = $1 WHERE id_hash = $2")
                .bind(now)
                .bind(digest(id))
                .execute(&self.pool)
                .await?;
        }
        Ok(session)
    }

    /// Ends a session.
    pub async fn delete_session(&self, id: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(digest(id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Counts a sign-in attempt against each subject (`email:...`, `client:...`) before its
    /// password is checked, so parallel guesses cannot all pass the limit; returns the
    /// attempt's id. A successful or refused attempt is taken back with [`Store::forget_attempt`].
    pub async fn record_attempt(&self, subjects: &[String]) -> Result<String, sqlx::Error> {
        let attempt = secrets::random_hex(16);
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        for subject in subjects {
            sqlx::query("INSERT INTO login_failures (attempt, subject, at) VALUES ($1, $2, $3)")
                .bind(&attempt)
                .bind(subject)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        // Old failures no longer count: keep the table small.
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(now - 24 * 60 * 60 * 1000)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(attempt)
    }

    /// Takes back an attempt recorded by [`Store::record_attempt`].
    pub async fn forget_attempt(&self, attempt: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE attempt = $1")
            .bind(attempt)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Attempts counted against `subject` since `since_ms` (failures, and attempts still being
    /// checked): how many, and the time of the oldest.
    pub async fn login_failures(
        &self,
        subject: &str,
        since_ms: i64,
    ) -> Result<(i64, Option<i64>), sqlx::Error> {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM login_failures WHERE subject = $1 AND at >= $2",
        )
        .bind(subject)
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await
    }

    /// Forgets the failed sign-ins of `subject` (after its successful sign-in).
    pub async fn clear_login_failures(&self, subject: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_failures WHERE subject = $1")
            .bind(subject)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_email;

    #[test]
    fn emails_are_trimmed_lower_case_and_plausible() {
        assert_eq!(
            normalize_email(" Ada@Example.COM "),
            Some("ada@example.com".into())
        );
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "a da@example.com",
            "a\u{0}@x",
        ] {
            assert_eq!(normalize_email(bad), None, "{bad:?}");
        }
    }
}
