//! The delivery worker: every second it claims the due deliveries (PostgreSQL: `FOR UPDATE SKIP
//! LOCKED`, so replicas never send one twice; SQLite: one collector per database file), sends
//! each once, records the attempt, and schedules a retry with exponential backoff and jitter on
//! network errors, timeouts and non-2xx answers, for 24 hours.

use crate::auth::accounts::now_ms;
use crate::store::{EventRow, Store, EVENT_COLUMNS};
use crate::webhooks::filters_match;
use crate::webhooks::sign::signature;
use crate::webhooks::target::TargetPolicy;
use rand::Rng;
use serde_json::json;
use sqlx::FromRow;
use std::time::Duration;

/// How deliveries are sent.
#[derive(Clone, Debug)]
pub struct WorkerOptions {
    /// Where they may go.
    pub policy: TargetPolicy,
    /// The first retry's delay; each next one doubles (at most an hour), with jitter.
    pub retry_base: Duration,
    /// How long a delivery is retried before it is given up.
    pub give_up_after: Duration,
    /// One attempt's deadline.
    pub timeout: Duration,
    /// The collector's base URL, for the `report_url` of each delivery.
    pub report_base: String,
}

impl WorkerOptions {
    /// The production settings: retries from 10 s on, for 24 hours, 10 s per attempt.
    pub fn new(policy: TargetPolicy, report_base: String) -> WorkerOptions {
        WorkerOptions {
            policy,
            retry_base: Duration::from_secs(10),
            give_up_after: Duration::from_secs(24 * 60 * 60),
            timeout: Duration::from_secs(10),
            report_base,
        }
    }
}

/// A claimed delivery.
#[derive(FromRow)]
struct Claimed {
    id: String,
    webhook_id: String,
    event_id: String,
    attempts: i64,
    created_at: i64,
    /// The claim, also its token: the attempt is recorded only while the claim holds.
    claimed_until: i64,
}

/// Where a delivery goes, and how.
#[derive(Clone, Debug, FromRow)]
pub struct Destination {
    /// The webhook's URL.
    pub url: String,
    /// The HMAC key.
    pub secret: String,
    /// `json` or `slack`.
    pub format: String,
    /// The survey filter (JSON array; empty: all).
    pub surveys: String,
    /// The category filter (JSON array; empty: all).
    pub categories: String,
}

impl Destination {
    /// Whether the stored answer still matches the webhook's filters.
    fn matches(&self, event: &EventRow) -> bool {
        let list = |text: &str| serde_json::from_str::<Vec<String>>(text).unwrap_or_default();
        filters_match(
            &list(&self.surveys),
            &list(&self.categories),
            &event.survey_id,
            event.category.as_deref(),
        )
    }
}

/// How long a claim holds before another worker may take the delivery (a crashed worker's
/// claims expire).
const CLAIM_MS: i64 = 60_000;

/// Runs until `stop` says so: delivers what is due, then waits a second.
pub async fn run(
    store: Store,
    options: WorkerOptions,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match deliver_due(&store, &options).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "webhook deliveries"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Claims and sends the deliveries due now, one at a time (a claim always outlives its one
/// attempt), at most 16; returns how many.
pub async fn deliver_due(store: &Store, options: &WorkerOptions) -> Result<usize, sqlx::Error> {
    let lock = if store.is_postgres() {
        "FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    let claim = format!(
        "UPDATE deliveries SET claimed_until = $1 WHERE id IN (SELECT id FROM deliveries \
         WHERE status = 'pending' AND due_at <= $2 AND claimed_until < $2 \
         ORDER BY due_at, id LIMIT 1 {lock}) \
         RETURNING id, webhook_id, event_id, attempts, created_at, claimed_until"
    );
    let mut sent = 0;
    while sent < 16 {
        let now = now_ms();
        let claimed: Option<Claimed> = sqlx::query_as(&claim)
            .bind(now + CLAIM_MS)
            .bind(now)
            .fetch_optional(&store.pool)
            .await?;
        let Some(delivery) = claimed else { break };
        deliver(store, options, &delivery).await?;
        sent += 1;
    }
    Ok(sent)
}

async fn deliver(
    store: &Store,
    options: &WorkerOptions,
    delivery: &Claimed,
) -> Result<(), sqlx::Error> {
    let destination: Option<Destination> = sqlx::query_as(
        "SELECT url, secret, format, surveys, categories FROM webhooks WHERE id = $1",
    )
    .bind(&delivery.webhook_id)
    .fetch_optional(&store.pool)
    .await?;
    let event: Option<EventRow> = sqlx::query_as(&format!(
        "SELECT {} FROM events WHERE id = $1",
        EVENT_COLUMNS.join(", ")
    ))
    .bind(&delivery.event_id)
    .fetch_optional(&store.pool)
    .await?;
    // The webhook was deleted, the visitor erased, or the answer changed (a new score) so that
    // it no longer matches the webhook's filters: nothing to send.
    let matching = match (destination, event) {
        (Some(destination), Some(event)) if destination.matches(&event) => {
            Some((destination, event))
        }
        _ => None,
    };
    let Some((destination, event)) = matching else {
        sqlx::query(
            "UPDATE deliveries SET status = 'cancelled' WHERE id = $1 AND claimed_until = $2",
        )
        .bind(&delivery.id)
        .bind(delivery.claimed_until)
        .execute(&store.pool)
        .await?;
        return Ok(());
    };
    let attributes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, value FROM event_attributes WHERE event_id = $1 ORDER BY name",
    )
    .bind(&event.id)
    .fetch_all(&store.pool)
    .await?;
    let body = body(
        &destination.format,
        &delivery.id,
        &event,
        &attributes,
        &options.report_base,
    );
    let outcome = send(options, &destination, &delivery.id, body).await;
    record(store, options, delivery, outcome).await
}

/// What one attempt gave: the answer's status, or an error.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    /// What went wrong (network, timeout, refused target, or the start of a non-2xx body).
    pub error: Option<String>,
}

impl Outcome {
    /// A 2xx answer.
    pub fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The body of a delivery: JSON `{"delivery_id", "event", "report_url"}` (the event as stored,
/// with its attributes), or Slack's `{"text"}`.
pub fn body(
    format: &str,
    delivery_id: &str,
    event: &EventRow,
    attributes: &[(String, String)],
    report_base: &str,
) -> Vec<u8> {
    let report_url = format!("{report_base}/report/{}", event.survey_id);
    let body = if format == "slack" {
        json!({"text": slack_text(event, &report_url)})
    } else {
        let mut wire = serde_json::to_value(event).unwrap_or_default();
        let attributes: serde_json::Map<String, serde_json::Value> = attributes
            .iter()
            .map(|(name, value)| (name.clone(), serde_json::Value::from(value.as_str())))
            .collect();
        wire["attributes"] = serde_json::Value::Object(attributes);
        json!({"delivery_id": delivery_id, "event": wire, "report_url": report_url})
    };
    body.to_string().into_bytes()
}

/// One line for a Slack channel, with Slack's three characters escaped.
fn slack_text(event: &EventRow, report_url: &str) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let score = event.score.map_or("–".into(), |s| s.to_string());
    let category = event.category.as_deref().unwrap_or("");
    let comment = event
        .comment
        .as_deref()
        .map(|c| format!(": “{}”", escape(c)))
        .unwrap_or_default();
    format!(
        "{} {score} ({category}) on {}{comment} <{report_url}|Open the report>",
        event.kind.to_uppercase(),
        escape(&event.survey_id)
    )
}

/// Sends one attempt (no redirects followed, the checked addresses pinned).
pub async fn send(
    options: &WorkerOptions,
    destination: &Destination,
    delivery_id: &str,
    body: Vec<u8>,
) -> Outcome {
    let failed = |error: String| Outcome {
        status: None,
        error: Some(error),
    };
    let target = match options.policy.check(&destination.url).await {
        Ok(target) => target,
        Err(why) => return failed(format!("refused target: {why}")),
    };
    // No proxy: it would resolve the name itself and undo the pinned, checked addresses.
    let client = match reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(options.timeout)
        .resolve_to_addrs(&target.host, &target.addrs)
        .build()
    {
        Ok(client) => client,
        Err(error) => return failed(format!("cannot build the HTTP client: {error}")),
    };
    let timestamp = now_ms() / 1000;
    let sent = client
        .post(target.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Survey-Delivery", delivery_id)
        .header("X-Survey-Timestamp", timestamp.to_string())
        .header(
            "X-Survey-Signature",
            signature(&destination.secret, timestamp, &body),
        )
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) => {
            let status = response.status().as_u16();
            let error = (!response.status().is_success()).then(|| excerpt(response));
            let error = match error {
                Some(text) => Some(text.await),
                None => None,
            };
            Outcome {
                status: Some(status),
                error,
            }
        }
        Err(error) if error.is_timeout() => failed("timed out".into()),
        Err(error) => failed(error.to_string()),
    }
}

/// At most 1 KB of a response's body, as text.
async fn excerpt(mut response: reqwest::Response) -> String {
    let mut kept = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        kept.extend_from_slice(&chunk);
        if kept.len() >= 1024 {
            break;
        }
    }
    kept.truncate(1024);
    String::from_utf8_lossy(&kept).into_owned()
}

async fn record(
    store: &Store,
    options: &WorkerOptions,
    delivery: &Claimed,
    outcome: Outcome,
) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let attempts = delivery.attempts + 1;
    let give_up_at = delivery.created_at + options.give_up_after.as_millis() as i64;
    let next = now + backoff_ms(options.retry_base, attempts);
    let status = if outcome.delivered() {
        "delivered"
    } else if next > give_up_at {
        "failed"
    } else {
        "pending"
    };
    let mut tx = store.pool.begin().await?;
    sqlx::query(
        "INSERT INTO delivery_attempts (delivery_id, at, status, error) VALUES ($1, $2, $3, $4)",
    )
    .bind(&delivery.id)
    .bind(now)
    .bind(outcome.status.map(i64::from))
    .bind(outcome.error.as_deref())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE deliveries SET status = $1, attempts = $2, last_status = $3, last_error = $4, \
         due_at = $5, claimed_until = 0 WHERE id = $6 AND claimed_until = $7 AND status = 'pending'",
    )
    .bind(status)
    .bind(attempts)
    .bind(outcome.status.map(i64::from))
    .bind(outcome.error.as_deref())
    .bind(next)
    .bind(&delivery.id)
    .bind(delivery.claimed_until)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The delay before attempt `attempts + 1`: base × 2^(attempts - 1), at most an hour, then
/// ±25% jitter so failed receivers are not hit by every retry at once.
pub fn backoff_ms(base: Duration, attempts: i64) -> i64 {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    let delay = (base.as_millis() as i64)
        .saturating_mul(1 << exponent)
        .min(3_600_000);
    let jitter = rand::thread_rng().gen_range(-(delay / 4)..=(delay / 4));
    (delay + jitter).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour_with_jitter() {
        let base = Duration::from_secs(10);
        for (attempts, nominal) in [(1, 10_000), (2, 20_000), (3, 40_000), (30, 3_600_000)] {
            let delay = backoff_ms(base, attempts);
            assert!(
                (nominal * 3 / 4..=nominal * 5 / 4).contains(&delay),
                "{attempts}: {delay}"
            );
        }
    }
}
