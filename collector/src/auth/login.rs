//! `GET /login` (the form), `POST /login` (sign in) and `POST /logout` (SPEC 7.1).
//!
//! Wrong email and wrong password give the same answer in the same time. More than
//! [`MAX_FAILURES`] failures for one email or one client within [`FAILURE_WINDOW_MS`] give 429
//! with `Retry-After`. A successful sign-in always starts a new session id.

use crate::api::ApiError;
use crate::auth::accounts::{normalize_email, now_ms};
use crate::auth::guard::{same_site_request, SESSION_COOKIE};
use crate::pages::layout;
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use maud::html;
use serde::Deserialize;

/// Failed sign-ins allowed per email and per client within the window.
pub const MAX_FAILURES: i64 = 5;

/// The window failed sign-ins count in: 15 minutes.
pub const FAILURE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Query of `GET /login`.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Form of `POST /login`.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// `GET /login`.
pub async fn login_page(query: Result<Query<LoginQuery>, QueryRejection>) -> Html<String> {
    let next = query.ok().and_then(|Query(q)| q.next);
    Html(login_form(next.as_deref(), "", None))
}

fn login_form(next: Option<&str>, email: &str, error: Option<&str>) -> String {
    let body = html! {
        section.card.signin {
            h1 { "Sign in" }
            p.muted { "survey-collector console" }
            @if let Some(error) = error {
                p.error role="alert" { (error) }
            }
            form method="post" action="/login" {
                label for="email" { "Email" }
                input #email type="email" name="email" autocomplete="username" required value=(email);
                label for="password" { "Password" }
                input #password type="password" name="password" autocomplete="current-password" required;
                @if let Some(next) = next.and_then(safe_next) {
                    input type="hidden" name="next" value=(next);
                }
                button type="submit" { "Sign in" }
            }
        }
    };
    layout("Sign in", None, body)
}

/// `next` when it is a path on this site (`/admin/...`), never another site (`//host`,
/// `https://...`, `/\host`): printable ASCII only (what the console's own links are, and what
/// a `Location` header can carry).
pub fn safe_next(next: &str) -> Option<&str> {
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && next.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    local.then_some(next)
}

/// `POST /login`.
pub async fn login(State(state): State<AppState>, request: Request) -> Response {
    if let Err(why) = same_site_request(&state, request.headers()) {
        return crate::pages::error_page(StatusCode::FORBIDDEN, why);
    }
    let client = state.client_ip(&request).to_string();
    let secure = state.secure_cookies(request.headers());
    let form = match Form::<LoginForm>::from_request(request, &state).await {
        Ok(Form(form)) => form,
        Err(rejection) => {
            return ApiError::new(StatusCode::BAD_REQUEST, rejection.body_text()).into_response()
        }
    };
    match sign_in(&state, &form, &client).await {
        Ok(SignIn::Done(session)) => {
            let cookie = Cookie::build((SESSION_COOKIE, session))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Lax)
                .secure(secure)
                .build();
            let target = form.next.as_deref().and_then(safe_next).unwrap_or("/admin");
            (CookieJar::new().add(cookie), Redirect::to(target)).into_response()
        }
        Ok(SignIn::Wrong) => (
            StatusCode::UNAUTHORIZED,
            Html(login_form(
                form.next.as_deref(),
                &form.email,
                Some("Wrong email or password."),
            )),
        )
            .into_response(),
        Ok(SignIn::TooMany(wait_s)) => {
            let body = login_form(
                form.next.as_deref(),
                &form.email,
                Some("Too many failed sign-ins. Try again later."),
            );
            let mut response = (StatusCode::TOO_MANY_REQUESTS, Html(body)).into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(wait_s));
            response
        }
        Err(error) => error.into_response(),
    }
}

enum SignIn {
    /// Signed in: the new session's cookie value.
    Done(String),
    /// Wrong email or password.
    Wrong,
    /// Too many failures; retry after this many seconds.
    TooMany(i64),
}

async fn sign_in(state: &AppState, form: &LoginForm, client: &str) -> Result<SignIn, ApiError> {
    let email = normalize_email(&form.email).unwrap_or_else(|| form.email.trim().to_lowercase());
    let subjects = [format!("email:{email}"), format!("client:{client}")];
    // The attempt counts before the password is checked: parallel guesses see each other.
    let attempt = state.store.record_attempt(&subjects).await?;
    let now = now_ms();
    let mut wait_ms = 0;
    for subject in &subjects {
        let (attempts, oldest) = state
            .store
            .login_failures(subject, now - FAILURE_WINDOW_MS)
            .await?;
        if attempts > MAX_FAILURES {
            let until = oldest.unwrap_or(now) + FAILURE_WINDOW_MS;
            wait_ms = wait_ms.max(until - now);
        }
    }
    if wait_ms > 0 {
        // A refused attempt is not a failure: waiting the advertised time is enough.
        state.store.forget_attempt(&attempt).await?;
        return Ok(SignIn::TooMany((wait_ms + 999) / 1000));
    }
    match state
        .store
        .check_password(&form.email, &form.password)
        .await?
    {
        Some(user_id) => {
            state.store.forget_attempt(&attempt).await?;
            state.store.clear_login_failures(&subjects[0]).await?;
            Ok(SignIn::Done(state.store.create_session(&user_id).await?))
        }
        None => Ok(SignIn::Wrong),
    }
}

/// `POST /logout`: ends the session (the guard checked its CSRF token) and goes to `/login`.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let jar = CookieJar::from_headers(&headers);
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        state.store.delete_session(cookie.value()).await?;
    }
    let removal = Cookie::build((SESSION_COOKIE, "")).path("/").build();
    Ok((jar.remove(removal), Redirect::to("/login")).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next("/admin/surveys/x?tab=1"),
            Some("/admin/surveys/x?tab=1")
        );
        for foreign in [
            "https://elsewhere.example",
            "//elsewhere.example",
            "/\\elsewhere",
            "admin",
            "/a\nb",
            "",
        ] {
            assert_eq!(safe_next(foreign), None, "{foreign:?}");
        }
    }
}
