//! The built widget and the demo page, served from `--static-dir` with precompressed copies,
//! and only what is inside it: no dotfiles (`/.env`), nothing a symlink reaches outside the
//! directory, and no `//host` path (which a directory redirect would turn into another site).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use percent_encoding::percent_decode_str;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The file service for `dir`.
pub fn service(dir: &Path) -> MethodRouter<crate::AppState> {
    let root: Arc<Path> = Arc::from(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    axum::routing::get_service(files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::VARY,
            HeaderValue::from_static("Accept-Encoding"),
        ))
        .layer(middleware::from_fn_with_state(root, inside))
}

/// Lets through only requests for paths inside the directory.
async fn inside(State(root): State<Arc<Path>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let hidden = decoded.split('/').any(|segment| segment.starts_with('.'));
    if path.starts_with("//") || decoded.contains('\\') || hidden || !within(&root, &decoded) {
        return (StatusCode::NOT_FOUND, Body::from("not found")).into_response();
    }
    next.run(request).await
}

/// Whether `path` (an URL path) names a file that, symlinks resolved, lies inside `root`. A
/// path that does not exist is let through (ServeDir answers 404).
fn within(root: &Path, path: &str) -> bool {
    let relative: PathBuf = path.trim_start_matches('/').split('/').collect();
    match root.join(relative).canonicalize() {
        Ok(real) => real.starts_with(root),
        Err(_) => true,
    }
}
