//! survey-collector: the reference collector of survey-widget (SPEC 5). It accepts events at
//! `POST /v1/events`, stores them (SQLite, or PostgreSQL with the default `postgres` feature),
//! reports per survey as JSON (`/v1/surveys/{id}/report`), HTML (`/report/{id}`) and CSV
//! (`/v1/surveys/{id}/responses.csv`), describes its API at `/openapi.json`, and serves the built
//! widget from a static directory.

pub mod api;
pub mod config;
pub mod export;
pub mod filter;
pub mod html;
pub mod ingest;
pub mod report;
pub mod store;

use anyhow::Context;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use config::Config;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Store;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

/// Largest accepted request body; bigger ones get 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The Content-Security-Policy of the static files and the HTML report.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:";

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The event store.
    pub store: Store,
    /// Directory served at `/`.
    pub static_dir: PathBuf,
    /// Origins allowed to call `/v1` from a browser.
    pub cors_origin: AllowOrigin,
    /// The key `POST /v1/events` needs, if any.
    pub write_key: Option<Arc<str>>,
}

impl AppState {
    /// The state for `config` over an opened store; fails on an origin that is not a valid header.
    pub fn new(store: Store, config: &Config) -> anyhow::Result<AppState> {
        let cors_origin = if config.cors_origins.iter().any(|origin| origin == "*") {
            AllowOrigin::any()
        } else {
            let origins = config
                .cors_origins
                .iter()
                .map(|origin| {
                    HeaderValue::from_str(origin)
                        .with_context(|| format!("bad --cors-origin {origin:?}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            AllowOrigin::list(origins)
        };
        Ok(AppState {
            store,
            static_dir: config.static_dir.clone(),
            cors_origin,
            write_key: config.write_key.as_deref().map(Arc::from),
        })
    }
}

/// The whole HTTP service.
pub fn app(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(state.cors_origin.clone())
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(api::WRITE_KEY_HEADER),
        ])
        .max_age(Duration::from_secs(24 * 60 * 60));
    let csp = HeaderValue::from_static(CSP);
    let api = Router::new()
        .route("/events", post(api::post_events).get(api::list_events))
        .route("/surveys", get(api::list_surveys))
        .route("/surveys/{id}/report", get(api::survey_report))
        .route("/surveys/{id}/responses.csv", get(export::responses_csv))
        .fallback(api::not_found)
        .layer(cors);
    let pages = Router::new()
        .route("/report", get(html::index))
        .route("/report/{id}", get(html::survey))
        .route("/report.css", get(html::stylesheet))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp.clone(),
        ));
    let files = ServeDir::new(&state.static_dir)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest("/v1", api)
        .merge(pages)
        .route("/health", get(api::health))
        .route("/openapi.json", get(api::openapi))
        .fallback_service(SetResponseHeader::overriding(
            files,
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// Logs one line per request: method, path (never the query, which may hold the write key),
/// status and latency in milliseconds.
async fn log_request(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let start = Instant::now();
    let response = next.run(request).await;
    let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(%method, path, status = response.status().as_u16(), latency_ms, "request");
    response
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes open requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Opens the database, binds, prints `survey-collector listening on http://ADDR` and serves
/// until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
    // Not `.context()`: sqlx errors repeat their cause in their message.
    let store = Store::connect(&config.database_url)
        .await
        .map_err(|error| anyhow::anyhow!("cannot open the database (--database-url): {error}"))?;
    let state = AppState::new(store, &config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    if !config.static_dir.is_dir() {
        tracing::warn!(dir = %config.static_dir.display(), "static directory not found; only the API and reports are served");
    }
    println!("survey-collector listening on http://{addr}");
    serve(listener, state, shutdown_signal())
        .await
        .context("server failed")?;
    tracing::info!("stopped");
    Ok(())
}

/// Completes on Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
