//! The one place where access is decided. Every route of [`crate::routes::ROUTES`] that is not
//! public passes through [`guard`]: it finds the caller (a session cookie or
//! `Authorization: Bearer TOKEN`), checks the route's role, checks CSRF on state-changing
//! requests made with a session cookie, and hands the [`Principal`] to the handler.
//!
//! Unknown callers get `401 {"error"}` on JSON routes (`/v1/...`, `*.json`) and a 303 to
//! `/login?next=...` on pages; callers without the role get 403. What a private route answers
//! is marked `Cache-Control: no-store`.

use crate::api::ApiError;
use crate::auth::{secrets, Access, Principal, Role};
use crate::pages;
use crate::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "survey_session";

/// The header that carries the CSRF token of a session on `fetch` requests (forms send the
/// field `csrf` instead).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What [`guard`] needs: the app and the access of the route it guards.
#[derive(Clone)]
pub struct GuardState {
    /// The app.
    pub app: AppState,
    /// Who may call the route.
    pub access: Access,
}

/// The middleware: see the module docs.
pub async fn guard(State(guard): State<GuardState>, request: Request, next: Next) -> Response {
    let Some(needed) = guard.access.role() else {
        return next.run(request).await;
    };
    let json = is_json_route(request.uri().path());
    let found = match authenticate(&guard.app, request.headers()).await {
        Ok(found) => found,
        Err(error) => return error.into_response(),
    };
    let Some((principal, via_session)) = found else {
        return if json {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "sign in (POST /login) or send Authorization: Bearer TOKEN",
            )
            .into_response()
        } else {
            let next = request
                .uri()
                .path_and_query()
                .map_or("/admin", |p| p.as_str());
            Redirect::to(&format!(
                "/login?next={}",
                utf8_percent_encode(next, NON_ALPHANUMERIC)
            ))
            .into_response()
        };
    };
    if principal.role < needed {
        return refuse(json, StatusCode::FORBIDDEN, "this needs the admin role");
    }
    let mut request = request;
    if via_session && !is_safe(request.method()) {
        let csrf = principal.csrf.as_deref().unwrap_or_default();
        request = match check_csrf(&guard.app, request, csrf).await {
            Ok(request) => request,
            Err((status, why)) => return refuse(json, status, why),
        };
    }
    request.extensions_mut().insert(principal);
    let mut response = next.run(request).await;
    // Answers behind sign-in (reports, comments, the console) stay out of every cache: the
    // browser's too, so that Back after signing out shows nothing private.
    (response.headers_mut().entry(header::CACHE_CONTROL))
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Routes that answer JSON (or CSV) rather than pages.
pub fn is_json_route(path: &str) -> bool {
    path.starts_with("/v1/") || path.ends_with(".json")
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// An error in the route's language: JSON or an HTML page.
fn refuse(json: bool, status: StatusCode, why: &str) -> Response {
    if json {
        ApiError::new(status, why).into_response()
    } else {
        pages::error_page(status, why)
    }
}

/// The caller: a bearer token, else a live session cookie; with whether it was a session.
pub async fn authenticate(
    app: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Principal, bool)>, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        return Ok(app.store.token(token.trim()).await?.map(|(name, role)| {
            let principal = Principal {
                role,
                name: format!("token:{name}"),
                csrf: None,
            };
            (principal, false)
        }));
    }
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let session = app
        .store
        .session(cookie.value(), app.session_idle_ms)
        .await?;
    Ok(session.and_then(|session| {
        let principal = Principal {
            role: Role::from_key(&session.role)?,
            name: session.email,
            csrf: Some(session.csrf),
        };
        Some((principal, true))
    }))
}

/// Whether a request comes from a page of this site: `Sec-Fetch-Site`, when the browser sends
/// it, is `same-origin` (or `none`: typed by the person), and `Origin`, when sent, is this
/// collector's origin (its `--public-url`, else the `Host` it was reached at).
pub fn same_site_request(app: &AppState, headers: &HeaderMap) -> Result<(), &'static str> {
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|site| site != "same-origin" && site != "none");
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let foreign_origin = origin.is_some_and(|origin| match app.public_url.as_deref() {
        Some(public) => !origin.eq_ignore_ascii_case(public),
        None => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            origin.split_once("://").map(|(_, authority)| authority) != host
        }
    });
    if cross_site || foreign_origin {
        Err("cross-site request refused")
    } else {
        Ok(())
    }
}

/// A state-changing request made with a session cookie must come from this site
/// ([`same_site_request`]) and carry the session's CSRF token, in the `X-CSRF-Token` header
/// or, for a form, the `csrf` field. Gives the request back (its body re-assembled) or the
/// status and reason of its refusal.
async fn check_csrf(
    app: &AppState,
    request: Request,
    expected: &str,
) -> Result<Request, (StatusCode, &'static str)> {
    const WRONG_TOKEN: (StatusCode, &str) = (
        StatusCode::FORBIDDEN,
        "CSRF token missing or wrong; reload the page",
    );
    let headers = request.headers();
    same_site_request(app, headers).map_err(|why| (StatusCode::FORBIDDEN, why))?;
    if let Some(token) = headers.get(CSRF_HEADER).and_then(|t| t.to_str().ok()) {
        return if secrets::same(token, expected) {
            Ok(request)
        } else {
            Err(WRONG_TOKEN)
        };
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(WRONG_TOKEN);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, crate::BODY_LIMIT)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, "request body too large"))?;
    let token = form_urlencoded_field(&bytes, "csrf");
    if !token.is_some_and(|token| secrets::same(&token, expected)) {
        return Err(WRONG_TOKEN);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// The value of `name` in a `application/x-www-form-urlencoded` body.
fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    fields.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}
