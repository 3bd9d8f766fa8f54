//! JSON handlers under `/v1` and `/health`.

use crate::ingest;
use crate::report::Report;
use crate::store::{EventRow, SurveyCounts};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// An error answered as JSON: `{"error": "...", "index": N}` (`index` only for an event of an
/// array body).
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError { status, error: error.into(), index: None }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        tracing::error!(%error, "database error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}

/// `GET /health`.
pub async fn health() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `POST /v1/events`: one event object or an array of them, whatever the content type.
/// Answers `{"accepted": n}`; all or nothing.
pub async fn post_events(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = body.map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))?;
    let events = ingest::parse_body(&body).map_err(|rejection| ApiError {
        status: StatusCode::BAD_REQUEST,
        error: rejection.message,
        index: rejection.index,
    })?;
    let received_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    state.store.insert(&events, &received_at).await?;
    Ok(Json(json!({"accepted": events.len()})))
}

/// Query of `GET /v1/events`.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    survey_id: Option<String>,
}

/// `GET /v1/events?survey_id=X`: the stored events of a survey, oldest first.
pub async fn list_events(
    State(state): State<AppState>,
    Query(query): Query<EventsQuery>,
) -> Result<Json<Vec<EventRow>>, ApiError> {
    let survey_id = query
        .survey_id
        .ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "survey_id: query parameter required"))?;
    Ok(Json(state.store.events(&survey_id).await?))
}

/// `GET /v1/surveys`: every survey with its counts.
pub async fn list_surveys(State(state): State<AppState>) -> Result<Json<Vec<SurveyCounts>>, ApiError> {
    Ok(Json(state.store.surveys().await?))
}

/// `GET /v1/surveys/{id}/report`.
pub async fn survey_report(
    State(state): State<AppState>,
    Path(survey_id): Path<String>,
) -> Result<Json<Report>, ApiError> {
    Report::load(&state.store, &survey_id)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, format!("unknown survey {survey_id:?}")))
}
