//! `/v1/webhooks` (admin): create, list, delete, the delivery log, and a test delivery.

use crate::api::ApiError;
use crate::auth::accounts::now_ms;
use crate::manage::deleted_or_404;
use crate::store::EventRow;
use crate::webhooks::worker::{body, send, Destination};
use crate::webhooks::{Delivery, NewWebhook, Webhook};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

/// `POST /v1/webhooks`: `{"url", "secret", "events", "surveys", "categories", "format"}` ->
/// 201 with the webhook. The URL must be http(s) and reach a public address (unless
/// `--allow-private-webhooks`); the error names the field.
pub async fn create(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Webhook>), ApiError> {
    let new: NewWebhook = serde_json::from_slice(&body)
        .map_err(|error| ApiError::new(StatusCode::BAD_REQUEST, format!("body: {error}")))?;
    new.check()
        .map_err(|(path, message)| ApiError::invalid(&path, &message))?;
    state
        .webhooks
        .policy
        .check(&new.url)
        .await
        .map_err(|why| ApiError::invalid("url", &why))?;
    Ok((
        StatusCode::CREATED,
        Json(state.store.add_webhook(&new).await?),
    ))
}

/// `GET /v1/webhooks`.
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(state.store.webhooks().await?))
}

/// `DELETE /v1/webhooks/{id}` (its queued deliveries go too).
pub async fn delete(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(id) = path?;
    deleted_or_404(state.store.delete_webhook(&id).await?, "webhook")
}

/// `GET /v1/webhooks/{id}/deliveries`: the newest deliveries with their attempts and errors.
pub async fn deliveries(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Vec<Delivery>>, ApiError> {
    let Path(id) = path?;
    if !state.store.webhooks().await?.iter().any(|w| w.id == id) {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no such webhook"));
    }
    Ok(Json(state.store.deliveries(&id).await?))
}

/// `POST /v1/webhooks/{id}/test`: sends a made-up response now (signed like a real one, not
/// queued, not retried); answers the receiver's status or the error.
pub async fn test(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Result<Json<Value>, ApiError> {
    let Path(id) = path?;
    let destination: Option<Destination> = sqlx::query_as(
        "SELECT url, secret, format, surveys, categories FROM webhooks WHERE id = $1",
    )
    .bind(&id)
    .fetch_optional(&state.store.pool)
    .await?;
    let destination =
        destination.ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "no such webhook"))?;
    let delivery_id = format!("test-{}", uuid::Uuid::new_v4());
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let event = EventRow {
        id: uuid::Uuid::new_v4().to_string(),
        event: "response".into(),
        survey_id: "test".into(),
        kind: "nps".into(),
        score: Some(10),
        category: Some("promoter".into()),
        comment: Some("A test delivery from the survey-collector console.".into()),
        visitor_id: None,
        locale: "en".into(),
        page_url: String::new(),
        at: at.clone(),
        received_at: at,
        widget_version: String::new(),
        survey_version: String::new(),
        at_ms: now_ms(),
    };
    let body = body(
        &destination.format,
        &delivery_id,
        &event,
        &[],
        &state.webhooks.report_base,
    );
    let outcome = send(&state.webhooks, &destination, &delivery_id, body).await;
    Ok(Json(json!({
        "delivery_id": delivery_id,
        "delivered": outcome.delivered(),
        "status": outcome.status,
        "error": outcome.error,
    })))
}
