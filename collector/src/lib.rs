//! survey-collector: the reference collector of survey-widget (SPEC 5). It accepts events at
//! `POST /v1/events`, stores them (SQLite, or PostgreSQL with the default `postgres` feature),
//! reports per survey as JSON (`/v1/surveys/{id}/report`), HTML (`/report/{id}`) and CSV
//! (`/v1/surveys/{id}/responses.csv`), describes its API at `/openapi.json`, and serves the built
//! widget from a static directory.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod console;
pub mod export;
pub mod extract;
pub mod filter;
pub mod generate;
pub mod group_commit;
pub mod hosted;
pub mod html;
pub mod ingest;
pub mod limit;
pub mod manage;
pub mod pages;
pub mod report;
pub mod routes;
pub mod static_files;
pub mod store;
pub mod surveys;
pub mod visitors;
pub mod webhooks;

use anyhow::Context;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, MethodRouter};
use axum::Router;
use config::Config;
use hosted::HostedConfig;
use routes::Cors;
use std::collections::BTreeMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use store::Store;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest accepted request body; bigger ones get 413.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The Content-Security-Policy of every response but scripts and wasm (see [`runs_as_code`]):
/// pages, reports, the console, the API and the other static files.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; \
    form-action 'self'";

/// What every handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The event store.
    pub store: Store,
    /// Directory served at `/`.
    pub static_dir: PathBuf,
    /// Origins allowed to post events from a browser.
    pub cors_origin: AllowOrigin,
    /// The key `POST /v1/events` needs, if any.
    pub write_key: Option<Arc<str>>,
    /// The hosted config, served from memory.
    pub hosted: Arc<HostedConfig>,
    /// A session ends after this long unused, in milliseconds.
    pub session_idle_ms: i64,
    /// The collector's public URL (`https://collect.example.com`), when configured.
    pub public_url: Option<Arc<str>>,
    /// Which survey ids events may name.
    pub known_surveys: config::KnownSurveys,
    /// The per-client limit of `POST /v1/events`.
    pub event_limit: limit::EventLimit,
    /// Whether the client is the last address of `X-Forwarded-For` (behind a proxy).
    pub trust_forwarded_for: bool,
    /// How webhook deliveries are sent (and where they may go).
    pub webhooks: Arc<webhooks::worker::WorkerOptions>,
    /// How long after a score without a comment its webhook deliveries wait for the comment.
    pub webhook_settle_ms: i64,
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
            hosted: Arc::default(),
            session_idle_ms: i64::from(config.session_idle_minutes) * 60_000,
            public_url: config
                .public_url
                .as_deref()
                .map(|url| Arc::from(url.trim_end_matches('/'))),
            known_surveys: config.known_surveys_only,
            event_limit: limit::EventLimit::per_minute(config.events_per_minute),
            trust_forwarded_for: config.trust_forwarded_for,
            webhooks: Arc::new(webhooks::worker::WorkerOptions::new(
                webhooks::target::TargetPolicy {
                    resolver: Arc::new(webhooks::target::SystemResolver),
                    allow_private: config.allow_private_webhooks,
                },
                config
                    .public_url
                    .clone()
                    .map(|url| url.trim_end_matches('/').to_owned())
                    .unwrap_or_else(|| format!("http://{}", config.listen)),
            )),
            webhook_settle_ms: i64::from(config.webhook_settle_seconds) * 1000,
        })
    }

    /// Whether the console is reached over https (the public URL says so, or the TLS proxy in
    /// front does): then cookies are `Secure`.
    pub fn secure_cookies(&self, headers: &HeaderMap) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
            || headers
                .get("x-forwarded-proto")
                .is_some_and(|proto| proto == "https")
    }

    /// This collector's own base URL: the public URL, else as this request reached it.
    pub fn own_url(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.to_string();
        }
        let scheme = if self.secure_cookies(headers) {
            "https"
        } else {
            "http"
        };
        match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
            Some(host) => format!("{scheme}://{host}"),
            None => String::new(),
        }
    }

    /// The client of a request, for rate limits: the last address of `X-Forwarded-For` (the
    /// one the nearest proxy saw) with `--trust-forwarded-for`, else the TCP peer.
    pub fn client_ip(&self, request: &Request) -> IpAddr {
        let forwarded = self
            .trust_forwarded_for
            .then(|| request.headers().get("x-forwarded-for"))
            .flatten()
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| last.trim().parse().ok());
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        forwarded.or(peer).unwrap_or(IpAddr::from([127, 0, 0, 1]))
    }

    /// Where the widget posts events by default: this collector's `/v1/events`.
    pub fn own_events_url(&self, headers: &HeaderMap) -> String {
        format!("{}/v1/events", self.own_url(headers))
    }
}

/// The whole HTTP service: the routes of [`routes::endpoints`], each behind its guard, then the
/// static files.
pub fn app(state: AppState) -> Router {
    let mut paths: BTreeMap<&str, (Cors, MethodRouter<AppState>)> = BTreeMap::new();
    for (endpoint, handler) in routes::guarded(&state) {
        let entry = paths
            .entry(endpoint.path)
            .or_insert_with(|| (endpoint.cors, MethodRouter::new()));
        entry.1 = std::mem::take(&mut entry.1).merge(handler);
    }
    let mut router = Router::new();
    for (path, (cors, handler)) in paths {
        let handler = match cors {
            Cors::None => handler,
            Cors::Configured => handler.layer(cors_layer(state.cors_origin.clone(), Method::POST)),
            Cors::Any => handler.layer(cors_layer(AllowOrigin::any(), Method::GET)),
        };
        router = router.route(path, handler);
    }
    router
        .route("/v1/{*rest}", any(api::not_found))
        .fallback(static_files::service(&state.static_dir))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            |response: &Response| (!runs_as_code(response)).then(|| HeaderValue::from_static(CSP)),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        // A span per request with its method and path (never the query, which may hold the
        // write key), and one line when it is answered: status and latency in milliseconds.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let (method, path) = (request.method(), request.uri().path());
                    tracing::info_span!("request", %method, path)
                })
                .on_request(())
                .on_response(
                    |response: &Response, latency: Duration, _: &tracing::Span| {
                        let latency_ms = latency.as_secs_f64() * 1000.0;
                        tracing::info!(status = response.status().as_u16(), latency_ms, "request");
                    },
                )
                // A 5xx is in that line already (and its cause logged where it happened).
                .on_failure(()),
        )
        .with_state(state)
}

/// A script or a wasm module: it runs under the policy of the page that loads it, never its own,
/// so a CSP on it would only add 260 bytes to every visitor's download (the widget never runs
/// in a worker, which would read one).
fn runs_as_code(response: &Response) -> bool {
    let content_type = response.headers().get(header::CONTENT_TYPE);
    let content_type = content_type
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    [
        "text/javascript",
        "application/javascript",
        "application/wasm",
    ]
    .iter()
    .any(|code| content_type.starts_with(code))
}

fn cors_layer(origins: AllowOrigin, method: Method) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([method])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(api::WRITE_KEY_HEADER),
        ])
        .expose_headers([header::RETRY_AFTER, header::ETAG])
        .max_age(Duration::from_secs(24 * 60 * 60))
}

/// With `--public-url`, only requests for that host are served (421 otherwise): a web page
/// that rebinds its own name to this collector's address (DNS rebinding) cannot read it.
/// `/health` answers any host, for load balancers' probes.
async fn check_host(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some(public) = state.public_url.as_deref() else {
        return next.run(request).await;
    };
    let expected = public.split_once("://").map_or(public, |(_, rest)| rest);
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if request.uri().path() == "/health" || host.is_none_or(|h| h.eq_ignore_ascii_case(expected)) {
        return next.run(request).await;
    }
    api::ApiError::new(
        axum::http::StatusCode::MISDIRECTED_REQUEST,
        "this collector answers only for its public URL (--public-url)",
    )
    .into_response()
}

/// How long the server waits at most for a request's headers, its body, and a response.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// From the connection (or the previous request) to the end of the headers: a client that
    /// sends headers slowly (slowloris) is disconnected after this.
    pub headers: Duration,
    /// For the whole request, body and handler included: 408 after this.
    pub request: Duration,
    /// After a shutdown signal, open connections get this long to finish; then they are
    /// dropped and the process exits.
    pub shutdown: Duration,
}

/// At most this many requests are handled at once; more wait their turn.
pub const MAX_CONCURRENT_REQUESTS: usize = 1024;

/// Serves `state` on `listener` until `shutdown` completes, then lets open requests finish
/// (within `timeouts.shutdown`). Each connection is served by hyper with a header-read timeout;
/// every request has a deadline.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::server::graceful::GracefulShutdown;
    use tower::ServiceExt;

    let router = app(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(
            MAX_CONCURRENT_REQUESTS,
        ));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors and the like: wait instead of spinning.
                        tracing::warn!(%error, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let router = router.clone();
                let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(peer));
                    router.clone().oneshot(request.map(axum::body::Body::new))
                });
                let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                let connection = graceful.watch(connection.into_owned());
                tokio::spawn(async move {
                    if let Err(error) = connection.await {
                        tracing::debug!(%error, "connection ended with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(timeouts.shutdown) => {
            tracing::warn!(seconds = timeouts.shutdown.as_secs(), "connections still open after the shutdown deadline; stopping anyway");
        }
    }
    Ok(())
}

/// Opens the database, binds, prints `survey-collector listening on http://ADDR` and serves
/// until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
    // Not `.context()`: sqlx errors repeat their cause in their message.
    let store = Store::connect(&config.database_url)
        .await
        .map_err(|error| anyhow::anyhow!("cannot open the database (--database-url): {error}"))?;
    cli::bootstrap_admin(&store, &config).await?;
    let state = AppState::new(store, &config)?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    if !config.static_dir.is_dir() {
        tracing::warn!(dir = %config.static_dir.display(), "static directory not found; only the API and reports are served");
    }
    println!("survey-collector listening on http://{addr}");
    // Background work, stopped with the server: webhook deliveries and the retention.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(webhooks::worker::run(
        state.store.clone(),
        (*state.webhooks).clone(),
        stopped.clone(),
    ));
    let retention = config
        .retention_days
        .map(|days| tokio::spawn(visitors::retention(state.store.clone(), days, stopped)));
    let timeouts = Timeouts {
        headers: Duration::from_secs(config.header_timeout_seconds.into()),
        request: Duration::from_secs(config.request_timeout_seconds.into()),
        shutdown: Duration::from_secs(config.shutdown_timeout_seconds.into()),
    };
    let served = serve(listener, state, timeouts, shutdown_signal()).await;
    let _ = stop.send(true);
    let _ = worker.await;
    if let Some(retention) = retention {
        let _ = retention.await;
    }
    served.context("server failed")?;
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
