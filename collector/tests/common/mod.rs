//! Helpers shared by the integration tests: an app over a fresh database, events, requests.
#![allow(dead_code)] // each test file uses a different subset

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sqlx::Connection;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use survey_collector::auth::Role;
use survey_collector::config::{Config, KnownSurveys, LogFormat};
use survey_collector::store::Store;
use survey_collector::{app, AppState};
use tower::ServiceExt;

/// Runs each listed `async fn(Db)` as two tests, `sqlite::NAME` and `postgres::NAME`; the
/// PostgreSQL one passes with a notice when `TEST_DATABASE_URL_PG` is unset.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { super::$name(crate::common::Db::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(db) = crate::common::Db::postgres() { super::$name(db).await }
            })*
        }
    };
}

/// The database a test runs against.
#[derive(Clone, Debug)]
pub enum Db {
    /// A fresh in-memory SQLite database per collector.
    Sqlite,
    /// A fresh database per collector on the PostgreSQL server at this URL.
    Postgres(String),
}

impl Db {
    /// PostgreSQL at `TEST_DATABASE_URL_PG`, or `None` after saying that the test is skipped.
    pub fn postgres() -> Option<Db> {
        match std::env::var("TEST_DATABASE_URL_PG") {
            Ok(url) if !url.is_empty() => Some(Db::Postgres(url)),
            _ => {
                eprintln!("TEST_DATABASE_URL_PG is not set: skipping this PostgreSQL test (see scripts/with-postgres.sh)");
                None
            }
        }
    }

    /// The URL of a new, empty database: in-memory SQLite, or a database created on the
    /// PostgreSQL server (named `survey_test_*`; the throwaway server is deleted afterwards).
    pub async fn fresh_url(&self) -> String {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let Db::Postgres(server) = self else {
            return "sqlite::memory:".into();
        };
        let name = format!(
            "survey_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::any::install_default_drivers();
        let mut admin = sqlx::AnyConnection::connect(server)
            .await
            .expect("cannot connect to TEST_DATABASE_URL_PG");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        // Same server and parameters, other database: postgres://AUTHORITY/NAME?PARAMS.
        let (base, params) = server
            .split_once('?')
            .map_or((server.as_str(), String::new()), |(b, p)| {
                (b, format!("?{p}"))
            });
        let authority = base.find("://").map_or(0, |i| i + 3);
        let root = base[authority..]
            .find('/')
            .map_or(base, |i| &base[..authority + i]);
        format!("{root}/{name}{params}")
    }

    /// The collector over a fresh database, allowing any origin.
    pub async fn collector(&self) -> Router {
        collector_with(config(&self.fresh_url().await)).await
    }
}

/// The collector over a fresh in-memory SQLite database, allowing any origin.
pub async fn collector() -> Router {
    Db::Sqlite.collector().await
}

/// The test configuration over `database_url`: any origin, no write key, static test files.
pub fn config(database_url: &str) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: database_url.into(),
        static_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/static"),
        cors_origins: vec!["*".into()],
        write_key: None,
        write_key_file: None,
        database_url_file: None,
        header_timeout_seconds: 10,
        request_timeout_seconds: 30,
        shutdown_timeout_seconds: 10,
        log_format: LogFormat::Text,
        public_url: None,
        session_idle_minutes: 60,
        known_surveys_only: KnownSurveys::Auto,
        events_per_minute: 0,
        trust_forwarded_for: false,
        webhook_settle_seconds: 120,
        allow_private_webhooks: true,
        retention_days: None,
        admin_email: None,
        admin_password: None,
    }
}

/// The collector as `config` says, every request signed in as an admin (an API token added
/// to requests that carry no `Authorization`): for the tests of ingest and reports. The
/// access tests use [`bare_collector`].
pub async fn collector_with(config: Config) -> Router {
    let (app, store) = bare_collector(config).await;
    let (token, _) = store.add_token("tests", Role::Admin).await.unwrap();
    let bearer = axum::http::HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
    app.layer(axum::middleware::map_request(
        move |mut request: Request<Body>| {
            let bearer = bearer.clone();
            async move {
                if !request.headers().contains_key("authorization") {
                    request.headers_mut().insert("authorization", bearer);
                }
                request
            }
        },
    ))
}

/// The collector as `config` says and its store, with no credentials added.
pub async fn bare_collector(config: Config) -> (Router, Store) {
    let store = Store::connect(&config.database_url).await.unwrap();
    (app(AppState::new(store.clone(), &config).unwrap()), store)
}

/// A UUID standing for a short test label (`"a"`, `"r1"`): the same label, the same id; the
/// empty label stays empty (for the tests of a missing id).
pub fn uuid(label: &str) -> String {
    if label.is_empty() {
        return String::new();
    }
    let hash = label.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    format!("00000000-0000-4000-8000-{:012x}", hash & 0xffff_ffff_ffff)
}

/// A wire-format event (SPEC 3.5) at 2026-11-23T10:00:00Z.
pub fn event(
    id: &str,
    event: &str,
    survey: &str,
    kind: &str,
    score: Option<u8>,
    comment: Option<&str>,
) -> Value {
    event_at(
        id,
        event,
        survey,
        kind,
        score,
        comment,
        "2026-11-23T10:00:00Z",
    )
}

/// A wire-format event at `at`.
pub fn event_at(
    id: &str,
    event: &str,
    survey: &str,
    kind: &str,
    score: Option<u8>,
    comment: Option<&str>,
    at: &str,
) -> Value {
    json!({
        "id": uuid(id), "event": event, "survey_id": survey, "kind": kind, "score": score,
        "category": null, "comment": comment, "visitor_id": "v1", "locale": "en",
        "page_url": "https://example.com/app", "at": at, "widget_version": "0.1.0",
        "survey_version": "h1"
    })
}

/// Sends a request; returns status, headers and body.
pub async fn send(app: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.unwrap().to_bytes(),
    )
}

/// POSTs `body` to `/v1/events` with `content_type` (none when `None`); returns status and JSON.
pub async fn post_events(
    app: &Router,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> (StatusCode, Value) {
    let mut request = Request::post("/v1/events");
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let (status, _, body) = send(app, request.body(body.into()).unwrap()).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// POSTs a JSON value as `text/plain;charset=UTF-8` (what the widget sends) and expects 200;
/// an array goes in requests of at most 20 events (the collector's limit).
pub async fn post_ok(app: &Router, events: Value) {
    let batches = match events {
        Value::Array(items) => items
            .chunks(20)
            .map(|chunk| Value::from(chunk.to_vec()))
            .collect(),
        one => vec![one],
    };
    for batch in batches {
        let (status, body) =
            post_events(app, Some("text/plain;charset=UTF-8"), batch.to_string()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
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
