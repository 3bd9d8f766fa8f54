//! A visitor's answers (SPEC 7.3): their latest score, category, comment, date and survey per
//! kind (HubSpot's contact properties "latest NPS rating / comment / date"), their events, and
//! erasure: `DELETE /v1/visitors/{id}` removes every event of theirs and cancels the webhook
//! deliveries still pending for them. `--retention-days N` erases events older than N days.

use crate::api::ApiError;
use crate::auth::accounts::now_ms;
use crate::extract::ApiPath;
use crate::store::{EventRow, Store, EVENT_COLUMNS};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::time::Duration;

/// Most events a profile lists (newest first).
pub const MAX_PROFILE_EVENTS: u32 = 1000;

/// A visitor's profile.
#[derive(Debug, Serialize)]
pub struct Profile {
    /// The identity cookie's value.
    pub visitor_id: String,
    /// Per kind (`nps`, `ces`, `csat`): the latest response's score, category, comment, date and
    /// survey.
    pub latest: Map<String, Value>,
    /// Their events, newest first.
    pub events: Vec<EventRow>,
}

impl Store {
    /// The profile of `visitor_id` (`None` when nothing of theirs is stored).
    pub async fn visitor(&self, visitor_id: &str) -> Result<Option<Profile>, sqlx::Error> {
        let events: Vec<EventRow> = sqlx::query_as(&format!(
            "SELECT {}, at_ms FROM events WHERE visitor_id = $1 ORDER BY at_ms DESC, id \
             LIMIT {MAX_PROFILE_EVENTS}",
            EVENT_COLUMNS.join(", ")
        ))
        .bind(visitor_id)
        .fetch_all(&self.reports)
        .await?;
        if events.is_empty() {
            return Ok(None);
        }
        let mut latest = Map::new();
        for event in events.iter().filter(|e| e.event == "response") {
            latest.entry(event.kind.clone()).or_insert_with(|| {
                json!({"score": event.score, "category": event.category, "comment": event.comment,
                       "at": event.at, "survey_id": event.survey_id})
            });
        }
        Ok(Some(Profile {
            visitor_id: visitor_id.to_owned(),
            latest,
            events,
        }))
    }

    /// Erases every event of `visitor_id` and cancels their pending deliveries; returns how
    /// many events were erased.
    pub async fn erase_visitor(&self, visitor_id: &str) -> Result<u64, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        for sql in [
            "UPDATE deliveries SET status = 'cancelled' WHERE visitor_id = $1 AND status = 'pending'",
            // The logs' copies of their answers (receivers often echo them) go, and the
            // deliveries forget who they were for.
            "DELETE FROM delivery_attempts WHERE delivery_id IN \
             (SELECT id FROM deliveries WHERE visitor_id = $1)",
            "UPDATE deliveries SET visitor_id = NULL, last_error = NULL WHERE visitor_id = $1",
            "DELETE FROM event_attributes WHERE event_id IN \
             (SELECT id FROM events WHERE visitor_id = $1)",
        ] {
            sqlx::query(sql).bind(visitor_id).execute(&mut *tx).await?;
        }
        let deleted =
            crate::store::delete_counted(&mut tx, "visitor_id = $1", visitor_id.to_owned()).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Erases events that happened before `before_ms` and cancels their pending deliveries;
    /// returns how many events were erased.
    pub async fn erase_before(&self, before_ms: i64) -> Result<u64, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        for sql in [
            "UPDATE deliveries SET status = 'cancelled' WHERE status = 'pending' AND event_id IN \
             (SELECT id FROM events WHERE at_ms < $1)",
            "DELETE FROM delivery_attempts WHERE at < $1",
            "DELETE FROM deliveries WHERE created_at < $1 AND status <> 'pending'",
            "DELETE FROM event_attributes WHERE event_id IN (SELECT id FROM events WHERE at_ms < $1)",
        ] {
            sqlx::query(sql).bind(before_ms).execute(&mut *tx).await?;
        }
        let deleted = crate::store::delete_counted(&mut tx, "at_ms < $1", before_ms).await?;
        tx.commit().await?;
        Ok(deleted)
    }
}

/// `GET /v1/visitors/{id}`: their profile; empty `latest` and `events` when nothing of theirs
/// is stored (never stored, or erased).
pub async fn profile(
    State(state): State<AppState>,
    ApiPath(visitor_id): ApiPath<String>,
) -> Result<Json<Profile>, ApiError> {
    let profile = state.store.visitor(&visitor_id).await?;
    Ok(Json(profile.unwrap_or(Profile {
        visitor_id,
        latest: Map::new(),
        events: Vec::new(),
    })))
}

/// `DELETE /v1/visitors/{id}`: `{"deleted": n}`.
pub async fn erase(
    State(state): State<AppState>,
    ApiPath(visitor_id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let deleted = state.store.erase_visitor(&visitor_id).await?;
    tracing::info!(deleted, "erased a visitor's events");
    Ok(Json(json!({"deleted": deleted})))
}

/// Erases events older than `days` now and then once a day, until `stop`.
pub async fn retention(store: Store, days: u32, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        let before = now_ms() - i64::from(days) * 24 * 60 * 60 * 1000;
        match store.erase_before(before).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, days, "erased events past the retention"),
            Err(error) => tracing::error!(%error, "retention"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(24 * 60 * 60)) => {}
            _ = stop.changed() => return,
        }
    }
}
