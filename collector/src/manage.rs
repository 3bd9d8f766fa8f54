//! The owner's JSON API (SPEC 7.1, 7.2): surveys, site settings, the hosted config, users and
//! tokens. Who may call what is decided by the route table (`routes.rs`) and the guard, not
//! here.

use crate::api::ApiError;
use crate::auth::accounts::{AccountError, Token, User};
use crate::auth::Role;
use crate::extract::ApiPath;
use crate::hosted::check_site;
use crate::store::SurveyCounts;
use crate::surveys::{ManagedSurvey, Status, SurveyError};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use survey_widget::core::metric::Kind;

impl From<SurveyError> for ApiError {
    fn from(error: SurveyError) -> ApiError {
        match error {
            SurveyError::Invalid { path, message } => ApiError::invalid(&path, &message),
            SurveyError::Conflict(revision) => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                format!("the survey was changed meanwhile (now revision {revision}); reload it"),
            ),
            SurveyError::NotFound => ApiError::new(StatusCode::NOT_FOUND, "no such survey"),
            SurveyError::Database(error) => error.into(),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> ApiError {
        match error {
            AccountError::Invalid(why) => ApiError::new(StatusCode::BAD_REQUEST, why),
            AccountError::Exists | AccountError::LastAdmin => {
                ApiError::new(StatusCode::CONFLICT, error.to_string())
            }
            AccountError::Hashing(why) => {
                tracing::error!(why, "cannot hash a password");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "cannot hash the password",
                )
            }
            AccountError::Database(error) => error.into(),
        }
    }
}

/// A JSON body, whatever the content type; a clear 400 otherwise.
fn json_body<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|error| ApiError::new(StatusCode::BAD_REQUEST, format!("body: {error}")))
}

/// A managed survey with its revision as `ETag`.
fn with_etag(survey: ManagedSurvey) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", survey.revision))
        .unwrap_or(HeaderValue::from_static("\"0\""));
    ([(header::ETAG, etag)], Json(survey)).into_response()
}

/// The revision an `If-Match` header names (`"3"`, `W/"3"` or `3`).
fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.trim_start_matches("W/").trim_matches('"');
    text.parse().map(Some).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "If-Match: must be the survey's ETag, like \"3\"",
        )
    })
}

/// `GET /v1/surveys/{id}`.
pub async fn get_survey(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let survey = state.store.managed_survey(&id).await?;
    survey
        .map(with_etag)
        .ok_or_else(|| SurveyError::NotFound.into())
}

/// `PUT /v1/surveys/{id}`: create or replace a survey (a draft until published). Honours
/// `If-Match` (412 when someone saved in between).
pub async fn put_survey(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let definition: Value = json_body(&body)?;
    let survey = state
        .store
        .save_survey(&id, definition, if_match(&headers)?)
        .await?;
    state.hosted.invalidate();
    Ok(with_etag(survey))
}

/// `POST /v1/surveys/{id}/check`: checks a definition without saving it (the editor's errors
/// as you type): `{"version"}`, or 400 naming the field.
pub async fn check_survey(
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut definition: Value = json_body(&body)?;
    let version = crate::surveys::check(&id, &mut definition)?;
    Ok(Json(json!({"version": version})))
}

/// `POST /v1/surveys/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let survey = state.store.publish_survey(&id).await?;
    state.hosted.invalidate();
    Ok(with_etag(survey))
}

/// `POST /v1/surveys/{id}/unpublish`.
pub async fn unpublish(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let survey = state.store.withdraw_survey(&id, false).await?;
    state.hosted.invalidate();
    Ok(with_etag(survey))
}

/// `DELETE /v1/surveys/{id}`: archives the survey (no longer published; its answers stay).
pub async fn archive(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let survey = state.store.withdraw_survey(&id, true).await?;
    state.hosted.invalidate();
    Ok(with_etag(survey))
}

/// One line of `GET /v1/surveys`: the event counts and, for a survey managed here, its status.
#[derive(Debug, Serialize)]
pub struct ListedSurvey {
    /// Event counts (zero for a survey nothing was collected for yet).
    #[serde(flatten)]
    pub counts: SurveyCounts,
    /// `draft`, `published` or `archived`; `null` for a survey only known from its events.
    pub status: Option<Status>,
}

/// Every survey: managed ones in the console's order, then those only known from events.
pub async fn listed_surveys(state: &AppState) -> Result<Vec<ListedSurvey>, ApiError> {
    let mut counted = state.store.surveys().await?;
    let mut listed = Vec::new();
    for survey in state.store.managed_surveys().await? {
        let kind = survey.definition["kind"]
            .as_str()
            .and_then(Kind::from_key)
            .unwrap_or(Kind::Nps);
        let counts = match counted.iter().position(|c| c.survey_id == survey.id) {
            Some(at) => counted.remove(at),
            None => SurveyCounts {
                survey_id: survey.id.clone(),
                kind,
                responses: 0,
                shown: 0,
                dismissed: 0,
            },
        };
        listed.push(ListedSurvey {
            counts,
            status: Some(survey.status),
        });
    }
    listed.extend(counted.into_iter().map(|counts| ListedSurvey {
        counts,
        status: None,
    }));
    Ok(listed)
}

/// `GET /v1/surveys`.
pub async fn list_surveys(
    State(state): State<AppState>,
) -> Result<Json<Vec<ListedSurvey>>, ApiError> {
    Ok(Json(listed_surveys(&state).await?))
}

/// `GET /v1/site`: the site settings.
pub async fn get_site(State(state): State<AppState>) -> Result<Json<Map<String, Value>>, ApiError> {
    Ok(Json(state.store.site_settings().await?))
}

/// `PUT /v1/site`: replaces the site settings.
pub async fn put_site(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<Json<Map<String, Value>>, ApiError> {
    let settings: Value = json_body(&body)?;
    let settings =
        check_site(&settings).map_err(|(path, message)| ApiError::invalid(&path, &message))?;
    state.store.save_site_settings(&settings).await?;
    state.hosted.invalidate();
    Ok(Json(settings))
}

/// `GET /v1/config.json` (public, any origin): the hosted config, `ETag` and 304, cached for
/// a minute by browsers and CDNs.
pub async fn hosted_config(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let snapshot = state.hosted.snapshot(&state.store).await?;
    let rendered = snapshot.render(&state.own_events_url(&headers));
    let etag = HeaderValue::from_str(&rendered.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = (
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == rendered.etag || tag == "*")
        });
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response());
    }
    let content_type = (
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok((
        [(header::ETAG, etag), cache, content_type],
        rendered.body.clone(),
    )
        .into_response())
}

/// Body of `POST /v1/users`.
#[derive(Debug, Deserialize)]
pub struct NewUser {
    email: String,
    role: Role,
    password: String,
}

/// `GET /v1/users`.
pub async fn list_users(State(state): State<AppState>) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(state.store.users().await?))
}

/// `POST /v1/users` `{"email", "role", "password"}`.
pub async fn add_user(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let user: NewUser = json_body(&body)?;
    let added = state
        .store
        .add_user(&user.email, user.role, &user.password)
        .await?;
    Ok((StatusCode::CREATED, Json(added)))
}

/// `DELETE /v1/users/{id}` (also ends their sessions).
pub async fn delete_user(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let deleted = state.store.delete_user(&id).await?;
    deleted_or_404(deleted, "user")
}

/// Body of `POST /v1/tokens`.
#[derive(Debug, Deserialize)]
pub struct NewToken {
    name: String,
    role: Role,
}

/// `GET /v1/tokens` (names and roles, never the tokens).
pub async fn list_tokens(State(state): State<AppState>) -> Result<Json<Vec<Token>>, ApiError> {
    Ok(Json(state.store.tokens().await?))
}

/// `POST /v1/tokens` `{"name", "role"}` -> the listing plus `"token"`, shown this once.
pub async fn add_token(
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let token: NewToken = json_body(&body)?;
    let (secret, listed) = state.store.add_token(&token.name, token.role).await?;
    let body = json!({"id": listed.id, "name": listed.name, "role": listed.role, "token": secret});
    Ok((StatusCode::CREATED, Json(body)))
}

/// `DELETE /v1/tokens/{id}`.
pub async fn delete_token(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let deleted = state.store.delete_token(&id).await?;
    deleted_or_404(deleted, "token")
}

/// `{"deleted": 1}`, or 404 naming `what` when there was nothing to delete.
pub fn deleted_or_404(deleted: bool, what: &str) -> Result<Json<Value>, ApiError> {
    if deleted {
        Ok(Json(json!({"deleted": 1})))
    } else {
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no such {what}"),
        ))
    }
}
