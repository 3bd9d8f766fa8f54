//! Accounts and access (SPEC 7.1): every route of the route table swept without credentials
//! and as a viewer, sign-in (same answer for a wrong email and a wrong password, the 6th failure
//! is 429, `next` stays on this site, cookie flags), CSRF, and sessions ending at sign-out.

#[macro_use]
mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use serde_json::{json, Value};
use survey_collector::auth::{Access, Role};
use survey_collector::routes::endpoints;
use survey_collector::store::Store;

on_both_databases!(
    every_private_route_needs_credentials,
    no_private_answer_is_stored_by_a_cache,
    a_viewer_reads_but_changes_nothing,
    sign_in_says_the_same_for_a_wrong_email_and_a_wrong_password,
    the_sixth_failed_sign_in_is_429_with_retry_after,
    sign_in_goes_only_to_paths_on_this_site_and_sets_a_safe_cookie,
    cross_site_and_token_less_requests_with_the_session_cookie_change_nothing,
    signing_out_ends_the_session,
    parallel_guesses_are_counted_before_any_password_is_checked,
    the_last_admin_cannot_be_removed,
);

/// A concrete URI for a route path (`{id}` -> `x`).
fn concrete(path: &str) -> String {
    path.replace("{id}", "x")
}

fn request(method: &Method, uri: &str, headers: &[(&str, &str)], body: &str) -> Request<Body> {
    let mut builder = Request::builder().method(method.clone()).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

async fn bare(db: &Db) -> (Router, Store) {
    bare_collector(config(&db.fresh_url().await)).await
}

async fn every_private_route_needs_credentials(db: Db) {
    let (app, _) = bare(&db).await;
    let private: Vec<_> = endpoints()
        .into_iter()
        .filter(|e| e.access != Access::Public)
        .collect();
    assert!(
        private.len() >= 25,
        "the sweep sees the whole table: {}",
        private.len()
    );
    for endpoint in private {
        let uri = concrete(endpoint.path);
        let (status, headers, body) = send(&app, request(&endpoint.method, &uri, &[], "{}")).await;
        let what = format!("{} {}", endpoint.method, endpoint.path);
        if endpoint.path.starts_with("/v1/") || endpoint.path.ends_with(".json") {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
            let error: Value = serde_json::from_slice(&body).unwrap();
            assert!(error["error"].is_string(), "{what}: {error}");
        } else {
            assert_eq!(status, StatusCode::SEE_OTHER, "{what}");
            let location = headers[header::LOCATION].to_str().unwrap();
            assert!(
                location.starts_with("/login?next=%2F"),
                "{what}: {location}"
            );
        }
    }
    // The public ones answer without credentials.
    for (uri, expected) in [
        ("/health", StatusCode::OK),
        ("/login", StatusCode::OK),
        ("/v1/config.json", StatusCode::OK),
    ] {
        assert_eq!(
            send(&app, request(&Method::GET, uri, &[], "")).await.0,
            expected,
            "{uri}"
        );
    }
}

async fn no_private_answer_is_stored_by_a_cache(db: Db) {
    let (app, store) = bare(&db).await;
    let (token, _) = store.add_token("admin", Role::Admin).await.unwrap();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    for endpoint in endpoints() {
        if endpoint.access == Access::Public || endpoint.method != Method::GET {
            continue;
        }
        let uri = concrete(endpoint.path);
        let (status, headers, _) = send(&app, request(&Method::GET, &uri, &auth, "")).await;
        assert_eq!(
            headers
                .get(header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "GET {} ({status})",
            endpoint.path
        );
    }
    let (_, headers, _) = send(&app, request(&Method::GET, "/v1/config.json", &[], "")).await;
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=60",
        "the public hosted config stays cacheable"
    );
}

async fn a_viewer_reads_but_changes_nothing(db: Db) {
    let (app, store) = bare(&db).await;
    let (token, _) = store.add_token("reader", Role::Viewer).await.unwrap();
    let bearer = format!("Bearer {token}");
    let auth = [
        ("authorization", bearer.as_str()),
        ("content-type", "application/json"),
    ];
    // Only these state-changing routes are open to more than admins: the widget's events,
    // signing in and signing out. Every other one must be admin-only, so a route added later
    // with a weaker access fails here.
    let open = [
        (Method::POST, "/v1/events"),
        (Method::POST, "/login"),
        (Method::POST, "/logout"),
    ];
    for endpoint in endpoints() {
        let what = format!("{} {}", endpoint.method, endpoint.path);
        let changes = endpoint.method != Method::GET;
        if changes && !open.contains(&(endpoint.method.clone(), endpoint.path)) {
            assert_eq!(
                endpoint.access,
                Access::Admin,
                "{what} changes state: admin only"
            );
        }
        if endpoint.access == Access::Admin {
            let (status, _, body) = send(
                &app,
                request(&endpoint.method, &concrete(endpoint.path), &auth, "{}"),
            )
            .await;
            assert_eq!(
                status,
                StatusCode::FORBIDDEN,
                "{what}: {}",
                String::from_utf8_lossy(&body)
            );
        }
    }
    for uri in [
        "/v1/surveys",
        "/v1/events?survey_id=s",
        "/report",
        "/admin",
        "/openapi.json",
    ] {
        let (status, _, _) = send(&app, request(&Method::GET, uri, &auth, "")).await;
        assert_eq!(status, StatusCode::OK, "a viewer reads {uri}");
    }
    let wrong = [("authorization", "Bearer sct_not-a-token")];
    assert_eq!(
        send(&app, request(&Method::GET, "/v1/surveys", &wrong, ""))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

async fn sign_in(app: &Router, body: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let (status, headers, body) = send(app, request(&Method::POST, "/login", &[FORM], body)).await;
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

async fn with_admin(db: &Db) -> (Router, Store) {
    let (app, store) = bare(db).await;
    store
        .add_user("admin@example.com", Role::Admin, "correct horse battery")
        .await
        .unwrap();
    (app, store)
}

async fn sign_in_says_the_same_for_a_wrong_email_and_a_wrong_password(db: Db) {
    let (app, _) = with_admin(&db).await;
    let wrong_email = sign_in(
        &app,
        "email=nobody%40example.com&password=correct+horse+battery",
    )
    .await;
    let wrong_password = sign_in(
        &app,
        "email=admin%40example.com&password=correct+horse+batterY",
    )
    .await;
    assert_eq!(wrong_email.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.0, wrong_email.0);
    let without_email = |page: &str, email: &str| page.replace(email, "EMAIL");
    assert_eq!(
        without_email(&wrong_password.2, "admin@example.com"),
        without_email(&wrong_email.2, "nobody@example.com"),
        "the pages differ only in the email typed"
    );
    assert!(wrong_email.2.contains("Wrong email or password."));
    assert!(!wrong_email.1.contains_key(header::SET_COOKIE));
}

async fn the_sixth_failed_sign_in_is_429_with_retry_after(db: Db) {
    let (app, _) = with_admin(&db).await;
    for attempt in 1..=5 {
        let (status, _, _) = sign_in(&app, "email=admin%40example.com&password=guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let (status, headers, _) = sign_in(&app, "email=admin%40example.com&password=guess").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    // Even the right password waits now: guessing gains nothing.
    let (status, _, _) = sign_in(
        &app,
        "email=admin%40example.com&password=correct+horse+battery",
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

async fn sign_in_goes_only_to_paths_on_this_site_and_sets_a_safe_cookie(db: Db) {
    let (app, _) = with_admin(&db).await;
    let ok = "email=Admin%40Example.com&password=correct+horse+battery";
    for (next, expected) in [
        (
            "%2Freport%2Fs%3Ffrom%3D2026-01-01",
            "/report/s?from=2026-01-01",
        ),
        ("https%3A%2F%2Felsewhere.example%2F", "/admin"),
        ("%2F%2Felsewhere.example", "/admin"),
        ("%2F%5Celsewhere.example", "/admin"),
    ] {
        let (status, headers, _) = sign_in(&app, &format!("{ok}&next={next}")).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], expected, "next={next}");
        let cookie = headers[header::SET_COOKIE].to_str().unwrap();
        assert!(cookie.starts_with("survey_session="), "{cookie}");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "{flag} in {cookie}");
        }
        assert!(
            !cookie.contains("Secure"),
            "plain http on loopback: {cookie}"
        );
    }
    // Behind a TLS proxy the cookie is Secure; every sign-in gets a new session id.
    let https = [FORM, ("x-forwarded-proto", "https")];
    let (_, first, _) = send(&app, request(&Method::POST, "/login", &https, ok)).await;
    let (_, second, _) = send(&app, request(&Method::POST, "/login", &https, ok)).await;
    let (first, second) = (
        first[header::SET_COOKIE].to_str().unwrap(),
        second[header::SET_COOKIE].to_str().unwrap(),
    );
    assert!(first.contains("Secure"), "{first}");
    assert_ne!(first.split(';').next(), second.split(';').next());
}

/// Signs in as the admin; returns the session cookie (`survey_session=...`) and the CSRF token
/// the console page carries.
async fn admin_session(app: &Router) -> (String, String) {
    let (_, headers, _) = sign_in(
        app,
        "email=admin%40example.com&password=correct+horse+battery",
    )
    .await;
    let cookie = headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (_, _, page) = send(
        app,
        request(&Method::GET, "/admin", &[("cookie", &cookie)], ""),
    )
    .await;
    let page = String::from_utf8(page.to_vec()).unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no CSRF token in the console page: {page}"))
        .to_owned();
    (cookie, csrf)
}

async fn cross_site_and_token_less_requests_with_the_session_cookie_change_nothing(db: Db) {
    let (app, store) = with_admin(&db).await;
    let (cookie, csrf) = admin_session(&app).await;
    let body = json!({"company": "Evil"}).to_string();
    let cases: [(&str, Vec<(&str, &str)>); 3] = [
        ("no token", vec![("cookie", &cookie)]),
        (
            "wrong token",
            vec![("cookie", &cookie), ("x-csrf-token", "0000")],
        ),
        (
            "another site's page, with the token",
            vec![
                ("cookie", &cookie),
                ("x-csrf-token", &csrf),
                ("origin", "https://evil.example"),
                ("host", "collector.example"),
            ],
        ),
    ];
    for (what, headers) in cases {
        let (status, _, _) = send(&app, request(&Method::PUT, "/v1/site", &headers, &body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
    }
    // A cross-site HTML form (it cannot set headers) posting to sign-out or a survey.
    let form = [
        ("cookie", cookie.as_str()),
        FORM,
        ("sec-fetch-site", "cross-site"),
    ];
    let (status, _, _) = send(&app, request(&Method::POST, "/logout", &form, "csrf=guess")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        store.site_settings().await.unwrap().is_empty(),
        "nothing changed"
    );
    // The console's own request (same origin, with the token) works, and the session lives on.
    let own = [
        ("cookie", cookie.as_str()),
        ("x-csrf-token", csrf.as_str()),
        ("origin", "http://collector.example"),
        ("host", "collector.example"),
    ];
    let (status, _, _) = send(&app, request(&Method::PUT, "/v1/site", &own, &body)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(store.site_settings().await.unwrap()["company"], "Evil");
}

async fn signing_out_ends_the_session(db: Db) {
    let (app, _) = with_admin(&db).await;
    let (cookie, csrf) = admin_session(&app).await;
    let form = [("cookie", cookie.as_str()), FORM];
    let (status, headers, _) = send(
        &app,
        request(&Method::POST, "/logout", &form, &format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/login");
    let (status, _, _) = send(
        &app,
        request(&Method::GET, "/v1/surveys", &[("cookie", &cookie)], ""),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old cookie no longer works"
    );
}

async fn parallel_guesses_are_counted_before_any_password_is_checked(db: Db) {
    let (app, _) = with_admin(&db).await;
    let guesses: Vec<_> = (0..12)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let body = format!("email=admin%40example.com&password=guess{i}");
                sign_in(&app, &body).await.0
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 5, "at most 5 passwords checked: {statuses:?}");
    assert_eq!(checked + refused, 12, "{statuses:?}");
}

async fn the_last_admin_cannot_be_removed(db: Db) {
    let (app, store) = with_admin(&db).await;
    let (token, _) = store.add_token("ops", Role::Admin).await.unwrap();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let (_, _, users) = send(&app, request(&Method::GET, "/v1/users", &auth, "")).await;
    let users: Value = serde_json::from_slice(&users).unwrap();
    let admin = users[0]["id"].as_str().unwrap().to_owned();
    let (status, _, _) = send(
        &app,
        request(&Method::DELETE, &format!("/v1/users/{admin}"), &auth, ""),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let body = json!({"email": "second@example.com", "role": "admin", "password": "another long password"});
    let (status, _, _) = send(
        &app,
        request(&Method::POST, "/v1/users", &auth, &body.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _, _) = send(
        &app,
        request(&Method::DELETE, &format!("/v1/users/{admin}"), &auth, ""),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "with another admin left");
}
