//! Webhooks (SPEC 7.3): one signed delivery per matching response once it is final (its comment
//! arrived, or `--webhook-settle-seconds` after its score), queued in the database so a restart
//! or a crash loses nothing, retried with backoff for 24 hours.
//!
//! - [`target`]: where a webhook may send (the SSRF guard).
//! - [`sign`]: the HMAC-SHA256 signature.
//! - [`worker`]: claims due deliveries and sends them.
//! - [`api`]: `/v1/webhooks` and the delivery log.

pub mod api;
pub mod sign;
pub mod target;
pub mod worker;

use crate::auth::accounts::now_ms;
use crate::auth::secrets;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use survey_widget::core::config::check_survey_id;
use survey_widget::core::event::Event;
use survey_widget::core::metric::Category;

/// How a delivery's body looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `{"delivery_id", "event", "report_url"}`.
    #[default]
    Json,
    /// `{"text": "..."}` for a Slack incoming webhook.
    Slack,
}

/// `POST /v1/webhooks`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where to POST.
    pub url: String,
    /// The HMAC key of the signature.
    pub secret: String,
    /// Which events: `["response"]` (the only kind delivered).
    #[serde(default = "responses_only")]
    pub events: Vec<String>,
    /// Only these surveys (none: all).
    #[serde(default)]
    pub surveys: Vec<String>,
    /// Only these categories (none: all).
    #[serde(default)]
    pub categories: Vec<String>,
    /// `json` or `slack`.
    #[serde(default)]
    pub format: Format,
}

fn responses_only() -> Vec<String> {
    vec!["response".into()]
}

/// A webhook as listed (never its secret).
#[derive(Clone, Debug, Serialize)]
pub struct Webhook {
    /// Random id.
    pub id: String,
    /// Where it POSTs.
    pub url: String,
    /// `["response"]`.
    pub events: Vec<String>,
    /// Survey filter (empty: all).
    pub surveys: Vec<String>,
    /// Category filter (empty: all).
    pub categories: Vec<String>,
    /// `json` or `slack`.
    pub format: Format,
}

#[derive(FromRow)]
struct WebhookRow {
    id: String,
    url: String,
    surveys: String,
    categories: String,
    format: String,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Webhook {
        Webhook {
            id: row.id,
            url: row.url,
            events: responses_only(),
            surveys: serde_json::from_str(&row.surveys).unwrap_or_default(),
            categories: serde_json::from_str(&row.categories).unwrap_or_default(),
            format: if row.format == "slack" {
                Format::Slack
            } else {
                Format::Json
            },
        }
    }
}

impl Webhook {
    /// Whether a response of this survey and category is delivered to this webhook.
    pub fn matches(&self, survey_id: &str, category: Option<&str>) -> bool {
        filters_match(&self.surveys, &self.categories, survey_id, category)
    }
}

/// Whether a response of `survey_id` and `category` passes a webhook's filters (an empty
/// filter passes everything): at enqueue time and again at send time.
pub fn filters_match(
    surveys: &[String],
    categories: &[String],
    survey_id: &str,
    category: Option<&str>,
) -> bool {
    (surveys.is_empty() || surveys.iter().any(|s| s == survey_id))
        && (categories.is_empty() || category.is_some_and(|c| categories.iter().any(|k| k == c)))
}

/// One delivery as the log lists it.
#[derive(Clone, Debug, Serialize, FromRow)]
pub struct Delivery {
    /// The delivery id (`X-Survey-Delivery`), the same on every attempt.
    pub id: String,
    /// The response it delivers.
    pub event_id: String,
    /// `pending`, `delivered`, `failed` (gave up after 24 hours) or `cancelled` (erased).
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The last answer's HTTP status.
    pub last_status: Option<i64>,
    /// The last error (network, timeout, refused target, or the start of the answer's body).
    pub last_error: Option<String>,
    /// When the next attempt is due (Unix milliseconds).
    pub due_at: i64,
    /// When it was queued.
    pub created_at: i64,
}

impl NewWebhook {
    /// Checks the fields other than the URL's target (see [`target::TargetPolicy::check`]).
    pub fn check(&self) -> Result<(), (String, String)> {
        let bad = |field: &str, message: &str| Err((field.to_owned(), message.to_owned()));
        // Any secret the owner's receiver shares will do; the console suggests a random one.
        if self.secret.is_empty() {
            return bad("secret", "must not be empty: it signs every delivery");
        }
        if self.events != ["response"] {
            return bad("events", "only [\"response\"] is delivered");
        }
        if let Some(id) = self.surveys.iter().find(|id| check_survey_id(id).is_err()) {
            return Err(("surveys".into(), format!("{id:?} is not a survey id")));
        }
        if let Some(key) = self
            .categories
            .iter()
            .find(|k| Category::from_key(k).is_none())
        {
            return Err(("categories".into(), format!("{key:?} is not a category")));
        }
        Ok(())
    }
}

impl Store {
    /// Saves a webhook (checked by the caller); returns its listing.
    pub async fn add_webhook(&self, new: &NewWebhook) -> Result<Webhook, sqlx::Error> {
        let id = secrets::random_hex(16);
        let format = match new.format {
            Format::Json => "json",
            Format::Slack => "slack",
        };
        sqlx::query(
            "INSERT INTO webhooks (id, url, secret, surveys, categories, format, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(&new.url)
        .bind(&new.secret)
        .bind(serde_json::to_string(&new.surveys).unwrap_or_default())
        .bind(serde_json::to_string(&new.categories).unwrap_or_default())
        .bind(format)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(Webhook {
            id,
            url: new.url.clone(),
            events: responses_only(),
            surveys: new.surveys.clone(),
            categories: new.categories.clone(),
            format: new.format,
        })
    }

    /// Every webhook, oldest first.
    pub async fn webhooks(&self) -> Result<Vec<Webhook>, sqlx::Error> {
        let rows: Vec<WebhookRow> = sqlx::query_as(
            "SELECT id, url, surveys, categories, format FROM webhooks ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Webhook::from).collect())
    }

    /// Deletes a webhook and its queue; false when there was none.
    pub async fn delete_webhook(&self, id: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        for sql in [
            "DELETE FROM delivery_attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE webhook_id = $1)",
            "DELETE FROM deliveries WHERE webhook_id = $1",
        ] {
            sqlx::query(sql).bind(id).execute(&mut *tx).await?;
        }
        let deleted = sqlx::query("DELETE FROM webhooks WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected() > 0)
    }

    /// The newest deliveries of a webhook (at most 100).
    pub async fn deliveries(&self, webhook_id: &str) -> Result<Vec<Delivery>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, event_id, status, attempts, last_status, last_error, due_at, created_at \
             FROM deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT 100",
        )
        .bind(webhook_id)
        .fetch_all(&self.reports)
        .await
    }
}

/// Queues the deliveries of a stored response, in the transaction that stored it (an
/// acknowledged response always has its deliveries). Due at once when it carries its comment,
/// else after `settle_ms`; a comment arriving later brings a pending delivery forward, and a
/// repeat never queues a second one.
pub async fn enqueue(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    webhooks: &[Webhook],
    event: &Event,
    settle_ms: i64,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let due = if event.comment.is_some() {
        now
    } else {
        now + settle_ms
    };
    for webhook in webhooks
        .iter()
        .filter(|w| w.matches(&event.survey_id, event.category.map(Category::key)))
    {
        sqlx::query(
            "INSERT INTO deliveries (id, webhook_id, event_id, visitor_id, status, attempts, \
             due_at, claimed_until, created_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, 0, $6) \
             ON CONFLICT (webhook_id, event_id) DO UPDATE SET due_at = excluded.due_at \
             WHERE deliveries.status = 'pending' AND deliveries.attempts = 0 \
             AND excluded.due_at < deliveries.due_at",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&webhook.id)
        .bind(&event.id)
        .bind(event.visitor_id.as_deref())
        .bind(due)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
