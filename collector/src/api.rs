//! JSON handlers under `/v1`, `/health` and `/openapi.json`.

use crate::filter::{Filter, FilterQuery};
use crate::ingest;
use crate::report::Report;
use crate::store::{EventRow, SurveyCounts};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
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
        ApiError {
            status,
            error: error.into(),
            index: None,
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        tracing::error!(%error, "database error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "database error")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text())
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

/// `GET /openapi.json`: the OpenAPI 3.1 description of the API.
pub async fn openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
}

/// Any other path under `/v1`.
pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such endpoint; see /openapi.json")
}

/// The header that carries the write key.
pub const WRITE_KEY_HEADER: &str = "x-write-key";

/// Query of `POST /v1/events`.
#[derive(Debug, Deserialize)]
pub struct PostQuery {
    write_key: Option<String>,
}

/// `POST /v1/events`: one event object or an array of them, whatever the content type.
/// Answers `{"accepted": n}`; all or nothing. With a write key configured, the request must
/// carry it (header or query parameter), or gets 401.
pub async fn post_events(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<PostQuery>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) = query?;
    if let Some(expected) = &state.write_key {
        let given = headers
            .get(WRITE_KEY_HEADER)
            .map(|v| v.as_bytes())
            .or(query.write_key.as_deref().map(str::as_bytes));
        if !given.is_some_and(|given| same_bytes(given, expected.as_bytes())) {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "write key missing or wrong (X-Write-Key header or write_key parameter)",
            ));
        }
    }
    let body =
        body.map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))?;
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
    query: Result<Query<EventsQuery>, QueryRejection>,
) -> Result<Json<Vec<EventRow>>, ApiError> {
    let Query(query) = query?;
    let survey_id = query.survey_id.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "survey_id: query parameter required",
        )
    })?;
    Ok(Json(state.store.events(&survey_id).await?))
}

/// `GET /v1/surveys`: every survey with its counts.
pub async fn list_surveys(
    State(state): State<AppState>,
) -> Result<Json<Vec<SurveyCounts>>, ApiError> {
    Ok(Json(state.store.surveys().await?))
}

/// `GET /v1/surveys/{id}/report?from=&to=&category=&q=`.
pub async fn survey_report(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> Result<Json<Report>, ApiError> {
    let (survey_id, filter) = survey_and_filter(path, query)?;
    Report::load(&state.store, &survey_id, &filter)
        .await?
        .map(Json)
        .ok_or_else(|| unknown_survey(&survey_id))
}

/// The survey id and the filter of a `/v1/surveys/{id}/...` request.
pub fn survey_and_filter(
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<FilterQuery>, QueryRejection>,
) -> Result<(String, Filter), ApiError> {
    let (Path(survey_id), Query(query)) = (path?, query?);
    let filter =
        Filter::parse(query).map_err(|message| ApiError::new(StatusCode::BAD_REQUEST, message))?;
    Ok((survey_id, filter))
}

/// The 404 of a survey nothing was stored for.
pub fn unknown_survey(survey_id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("unknown survey {survey_id:?}"),
    )
}

/// Compares two byte strings in time independent of where they differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}
