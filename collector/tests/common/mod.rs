//! Helpers shared by the integration tests: an app over a fresh database, events, requests.
#![allow(dead_code)] // each test file uses a different subset

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::path::PathBuf;
use survey_collector::config::Config;
use survey_collector::store::Store;
use survey_collector::{app, AppState};
use tower::ServiceExt;

/// The collector over a fresh in-memory database, allowing any origin.
pub async fn collector() -> Router {
    collector_at("sqlite::memory:", &["*"]).await
}

/// The collector over `database_url`, allowing `origins`.
pub async fn collector_at(database_url: &str, origins: &[&str]) -> Router {
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.into(),
        static_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/static"),
        cors_origins: origins.iter().map(|o| o.to_string()).collect(),
    };
    let store = Store::connect(&config.database_url).await.unwrap();
    app(AppState::new(store, &config).unwrap())
}

/// A wire-format event (SPEC 3.5) at 2026-11-23T10:00:00Z.
pub fn event(id: &str, event: &str, survey: &str, kind: &str, score: Option<u8>, comment: Option<&str>) -> Value {
    event_at(id, event, survey, kind, score, comment, "2026-11-23T10:00:00Z")
}

/// A wire-format event at `at`.
pub fn event_at(id: &str, event: &str, survey: &str, kind: &str, score: Option<u8>, comment: Option<&str>, at: &str) -> Value {
    json!({
        "id": id, "event": event, "survey_id": survey, "kind": kind, "score": score,
        "category": null, "comment": comment, "visitor_id": "v1", "locale": "en",
        "page_url": "https://example.com/app", "at": at, "widget_version": "0.1.0",
        "survey_version": "h1"
    })
}

/// Sends a request; returns status, headers and body.
pub async fn send(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.unwrap().to_bytes())
}

/// POSTs `body` to `/v1/events` with `content_type` (none when `None`); returns status and JSON.
pub async fn post_events(app: &Router, content_type: Option<&str>, body: impl Into<Body>) -> (StatusCode, Value) {
    let mut request = Request::post("/v1/events");
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let (status, _, body) = send(app, request.body(body.into()).unwrap()).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// POSTs a JSON value as `text/plain;charset=UTF-8` (what the widget sends) and expects 200.
pub async fn post_ok(app: &Router, events: Value) {
    let (status, body) = post_events(app, Some("text/plain;charset=UTF-8"), events.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// GETs `uri`; returns status, headers and the body as text.
pub async fn get(app: &Router, uri: &str) -> (StatusCode, HeaderMap, String) {
    let (status, headers, body) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

/// GETs `uri` as JSON.
pub async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, _, body) = get(app, uri).await;
    (status, serde_json::from_str(&body).unwrap())
}
