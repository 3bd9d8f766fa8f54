//! JSON handlers under `/v1`, `/health` and `/openapi.json`.

use crate::config::KnownSurveys;
use crate::extract::{ApiPath, ApiQuery};
use crate::filter::{Filter, FilterQuery};
use crate::ingest::{self, Valid};
use crate::report::Report;
use crate::store::{EventRow, InsertError};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use survey_widget::core::config::check_survey_id;

/// An error answered as JSON: `{"error": "...", "index": N}` (`index` only for an event of an
/// array body).
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error: error.into(),
            index: None,
            path: None,
        }
    }

    /// A 400 for the field at JSON `path`: `{"error": "PATH: MESSAGE", "path": "PATH"}`.
    pub fn invalid(path: &str, message: &str) -> ApiError {
        let error = if path.is_empty() {
            message.to_owned()
        } else {
            format!("{path}: {message}")
        };
        ApiError {
            path: Some(path.to_owned()),
            ..ApiError::new(StatusCode::BAD_REQUEST, error)
        }
    }

    /// Its HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What went wrong, in words.
    pub fn message(&self) -> &str {
        &self.error
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
    request: Request,
) -> Result<Response, ApiError> {
    let client = state.client_ip(&request);
    let (mut parts, body) = request.into_parts();
    let headers = parts.headers.clone();
    let query = Query::<PostQuery>::from_request_parts(&mut parts, &state).await;
    let body = Bytes::from_request(Request::from_parts(parts, body), &state).await;
    let Query(query) = query?;
    if let Some(expected) = &state.write_key {
        let given = headers
            .get(WRITE_KEY_HEADER)
            .map(|v| v.as_bytes())
            .or(query.write_key.as_deref().map(str::as_bytes));
        if !given.is_some_and(|given| crate::auth::secrets::same_bytes(given, expected.as_bytes()))
        {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "write key missing or wrong (X-Write-Key header or write_key parameter)",
            ));
        }
    }
    if let Some(wait) = state.event_limit.wait(client) {
        let mut error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too many events from this client; retry later",
        )
        .into_response();
        error.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(wait.as_secs().max(1)),
        );
        return Ok(error);
    }
    let body =
        body.map_err(|rejection| ApiError::new(rejection.status(), rejection.body_text()))?;
    let events = ingest::parse_body(&body, Utc::now()).map_err(|rejection| ApiError {
        index: rejection.index,
        ..ApiError::new(StatusCode::BAD_REQUEST, rejection.message)
    })?;
    check_known_surveys(&state, &events).await?;
    let received_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    match state
        .store
        .insert(&events, &received_at, state.webhook_settle_ms)
        .await
    {
        Ok(()) => Ok(Json(json!({"accepted": events.len()})).into_response()),
        Err(InsertError::Conflict(index)) => Err(ApiError {
            index: (events.len() > 1).then_some(index),
            ..ApiError::new(
                StatusCode::CONFLICT,
                "id: already stored for another event, survey, kind or visitor",
            )
        }),
        Err(InsertError::Database(error)) => Err(error.into()),
    }
}

/// With `--known-surveys-only`, refuses (404) events for surveys the console does not manage.
async fn check_known_surveys(state: &AppState, events: &[Valid]) -> Result<(), ApiError> {
    if state.known_surveys == KnownSurveys::Never {
        return Ok(());
    }
    let snapshot = state.hosted.snapshot(&state.store).await?;
    if state.known_surveys == KnownSurveys::Auto && snapshot.known.is_empty() {
        return Ok(());
    }
    match events
        .iter()
        .position(|valid| !snapshot.known.contains(&valid.event.survey_id))
    {
        None => Ok(()),
        Some(index) => Err(ApiError {
            index: (events.len() > 1).then_some(index),
            ..ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "survey_id: unknown survey {:?}",
                    events[index].event.survey_id
                ),
            )
        }),
    }
}

/// Longest page of `GET /v1/events`.
pub const MAX_EVENTS_PAGE: u32 = 1000;

/// Query of `GET /v1/events`.
#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    survey_id: Option<String>,
    limit: Option<u32>,
    after: Option<String>,
}

/// A page of events and the cursor of the next one.
#[derive(Debug, Serialize)]
pub struct EventsPage {
    /// The events, oldest first.
    pub events: Vec<EventRow>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<String>,
}

/// `GET /v1/events?survey_id=X&limit=N&after=CURSOR`: a survey's stored events, oldest first,
/// `limit` (default 100, at most 1000) at a time.
pub async fn list_events(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<EventsQuery>,
) -> Result<Json<EventsPage>, ApiError> {
    let bad = |message: &str| ApiError::new(StatusCode::BAD_REQUEST, message);
    let survey_id = query
        .survey_id
        .ok_or_else(|| bad("survey_id: query parameter required"))?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=MAX_EVENTS_PAGE).contains(&limit) {
        return Err(bad("limit: must be 1-1000"));
    }
    let after = match query.after.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(
            cursor
                .split_once('_')
                .and_then(|(at, id)| Some((at.parse::<i64>().ok()?, id)))
                .ok_or_else(|| bad("after: not a cursor from an earlier page"))?,
        ),
    };
    let events = state.store.events(&survey_id, after, limit).await?;
    let next = (events.len() == limit as usize)
        .then(|| events.last().map(|e| format!("{}_{}", e.at_ms, e.id)))
        .flatten();
    Ok(Json(EventsPage { events, next }))
}

/// `GET /v1/surveys/{id}/report?from=&to=&category=&q=`.
pub async fn survey_report(
    State(state): State<AppState>,
    ApiPath(survey_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<FilterQuery>,
) -> Result<Json<Report>, ApiError> {
    let (survey_id, filter) = survey_and_filter(survey_id, query)?;
    Report::load(&state.store, &survey_id, &filter)
        .await?
        .map(Json)
        .ok_or_else(|| unknown_survey(&survey_id))
}

/// The survey id and the filter of a `/v1/surveys/{id}/...` request.
pub fn survey_and_filter(
    survey_id: String,
    query: FilterQuery,
) -> Result<(String, Filter), ApiError> {
    // An id no survey can have (NUL, slashes, 500 characters) is unknown, not a database error.
    if check_survey_id(&survey_id).is_err() {
        return Err(unknown_survey(&survey_id));
    }
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
