//! The collector against hostile clients (one test per finding of the outside probe): reports
//! never starve ingest, bounded and clean input, client mistakes as 4xx, CORS and Host, safe
//! headers and static files, and spreadsheet-safe CSV. Data tests run on SQLite and PostgreSQL.

#[macro_use]
mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

on_both_databases!(
    slow_reports_never_make_an_event_wait,
    nul_and_control_characters_are_client_mistakes,
    ingest_is_bounded_and_at_is_stored_in_one_form,
    a_csv_cell_never_starts_a_formula,
);

fn get_with(uri: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

/// A file-backed database for `db` (reports and ingest need their own pools, which an
/// in-memory SQLite database cannot have), and the file to delete.
async fn file_database(db: &Db, name: &str) -> (String, Option<std::path::PathBuf>) {
    match db {
        Db::Sqlite => {
            let file =
                std::env::temp_dir().join(format!("survey-{name}-{}.db", std::process::id()));
            let _ = std::fs::remove_file(&file);
            (format!("sqlite://{}?mode=rwc", file.display()), Some(file))
        }
        Db::Postgres(_) => (db.fresh_url().await, None),
    }
}

async fn slow_reports_never_make_an_event_wait(db: Db) {
    let (url, file) = file_database(&db, "starve").await;
    let app = collector_with(config(&url)).await;
    // Long comments, and searches of the longest allowed length that match none of them.
    let long = "lorem ipsum dolor sit amet ".repeat(70);
    for chunk in 0..60 {
        let events: Vec<Value> = (0..20)
            .map(|i| {
                event(
                    &format!("c{chunk}-{i}"),
                    "response",
                    "s",
                    "nps",
                    Some(3),
                    Some(&long),
                )
            })
            .collect();
        post_ok(&app, Value::from(events)).await;
    }
    let q = "x".repeat(200);
    let reports: Vec<_> = (0..9)
        .map(|_| {
            let app = app.clone();
            let uri = format!("/v1/surveys/s/report?q={q}");
            tokio::spawn(async move {
                for _ in 0..5 {
                    send(&app, get_with(&uri, &[])).await;
                }
            })
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for i in 0..1000 {
        let start = Instant::now();
        let (status, body) = post_events(
            &app,
            None,
            event(&format!("n{i}"), "shown", "t", "nps", None, None).to_string(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        slowest = slowest.max(start.elapsed());
    }
    assert!(
        slowest < Duration::from_secs(1),
        "an event waited {slowest:?}"
    );
    for report in reports {
        report.await.unwrap();
    }
    if let Some(file) = file {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
    }
}

async fn nul_and_control_characters_are_client_mistakes(db: Db) {
    let app = db.collector().await;
    for (field, value) in [
        ("comment", "a\u{0}b"),
        ("page_url", "https://example.com/\u{0}"),
        ("locale", "e\u{0}n"),
        ("visitor_id", "v\u{7}"),
        ("survey_id", "p\u{0}g"),
    ] {
        let mut bad = event("a", "response", "s", "nps", Some(9), Some("fine"));
        bad[field] = json!(value);
        let (status, answer) = post_events(&app, None, bad.to_string()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().starts_with(field),
            "{answer}"
        );
    }
    // A comment may hold line breaks and tabs.
    post_ok(
        &app,
        event(
            "b",
            "response",
            "s",
            "nps",
            Some(9),
            Some("line one\n\tline two"),
        ),
    )
    .await;
    for uri in [
        "/v1/surveys/s/report?q=a%00b",
        &format!("/v1/surveys/s/report?q={}", "x".repeat(60_000)),
        "/v1/surveys/s/report?category=nonsense",
    ] {
        let (status, _, _) = send(&app, get_with(uri, &[])).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "{}",
            &uri[..uri.len().min(60)]
        );
    }
    let (status, _, _) = send(&app, get_with("/report/p%00g", &[])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(&app, get_with("/v1/surveys/p%00g/report", &[])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn ingest_is_bounded_and_at_is_stored_in_one_form(db: Db) {
    let app = db.collector().await;
    let many: Vec<Value> = (0..21)
        .map(|i| event(&format!("m{i}"), "shown", "s", "nps", None, None))
        .collect();
    let (status, answer) = post_events(&app, None, Value::from(many).to_string()).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("21 events in one request, at most 20")
        )
    );
    let positional = json!([[
        uuid("p"),
        "shown",
        "s",
        "nps",
        null,
        null,
        null,
        "v",
        "en",
        "https://e.x/",
        "2026-11-23T10:00:00Z",
        "0.1.0",
        "h"
    ]]);
    let (status, answer) = post_events(&app, None, positional.to_string()).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("an event must be a JSON object")
        )
    );
    let mut long_fraction = event("f", "shown", "s", "nps", None, None);
    long_fraction["at"] = json!(format!("2026-11-23T10:00:00.{}Z", "1".repeat(60_000)));
    assert_eq!(
        post_events(&app, None, long_fraction.to_string()).await.0,
        StatusCode::BAD_REQUEST
    );
    post_ok(
        &app,
        event_at(
            "z",
            "shown",
            "s",
            "nps",
            None,
            None,
            "2026-11-23T11:30:00.123456+01:00",
        ),
    )
    .await;
    let (_, page) = get_json(&app, "/v1/events?survey_id=s").await;
    assert_eq!(page["events"][0]["at"], "2026-11-23T10:30:00.123Z");
}

async fn a_csv_cell_never_starts_a_formula(db: Db) {
    let app = db.collector().await;
    let attacks = [
        " =1+1",
        "\n=1+1",
        "\u{A0}=1+1",
        "\u{200B}=1+1",
        "\u{FF1D}1+1",
        ";=1+1",
    ];
    for (i, attack) in attacks.iter().enumerate() {
        post_ok(
            &app,
            event(
                &format!("x{i}"),
                "response",
                "s",
                "nps",
                Some(5),
                Some(attack),
            ),
        )
        .await;
    }
    let (status, _, csv) = send(&app, get_with("/v1/surveys/s/responses.csv", &[])).await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_ref());
    let comments: Vec<String> = reader.records().map(|r| r.unwrap()[6].to_owned()).collect();
    assert_eq!(comments.len(), attacks.len());
    for comment in &comments {
        assert!(comment.starts_with('\''), "{comment:?} is defused");
    }
    let text = String::from_utf8(csv.to_vec()).unwrap();
    assert!(
        text.lines().next().unwrap().starts_with("\"id\",\"event\""),
        "every field quoted"
    );
}

#[tokio::test]
async fn cors_only_for_the_widget_and_only_its_own_host_with_a_public_url() {
    let app = collector().await;
    let evil = [("origin", "https://evil.example")];
    let (_, headers, _) = send(&app, get_with("/v1/surveys", &evil)).await;
    assert!(
        !headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN),
        "no CORS on reads"
    );
    let preflight = Request::builder()
        .method(Method::OPTIONS)
        .uri("/v1/events")
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(&app, preflight).await;
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let post = Request::post("/v1/events")
        .header("origin", "https://shop.example")
        .body(Body::from("{}"))
        .unwrap();
    let (_, headers, _) = send(&app, post).await;
    let exposed = headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("retry-after"), "{exposed}");

    let mut config = config("sqlite::memory:");
    config.public_url = Some("https://collect.example.com".into());
    let app = collector_with(config).await;
    let (status, _, _) = send(
        &app,
        get_with("/v1/config.json", &[("host", "127.0.0.1:8787")]),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::MISDIRECTED_REQUEST,
        "a rebound name reaches nothing"
    );
    let (status, _, _) = send(
        &app,
        get_with("/v1/config.json", &[("host", "collect.example.com")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(&app, get_with("/health", &[("host", "10.1.2.3:8787")])).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "probes reach /health by any address"
    );
}

#[tokio::test]
async fn every_response_has_safe_headers_and_static_files_stay_inside() {
    let dir = std::env::temp_dir().join(format!("survey-static-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::write(dir.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(dir.join("app/w.js"), "x").unwrap();
    std::fs::write(dir.join("app/w.js.br"), "x").unwrap();
    std::fs::write(dir.join(".env"), "SECRET=1").unwrap();
    let outside = std::env::temp_dir().join(format!("survey-outside-{}.txt", std::process::id()));
    std::fs::write(&outside, "outside").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dir.join("link.txt")).unwrap();
    let mut config = config("sqlite::memory:");
    config.static_dir = dir.clone();
    let app = collector_with(config).await;

    for uri in ["/", "/v1/surveys", "/report", "/login"] {
        let (_, headers, _) = send(&app, get_with(uri, &[])).await;
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        for directive in [
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{uri}: {csp}");
        }
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin", "{uri}");
    }
    let (status, headers, _) =
        send(&app, get_with("/app/w.js", &[("accept-encoding", "br")])).await;
    assert_eq!(status, StatusCode::OK);
    // Scripts run under their page's policy: one of their own would be bytes for nothing.
    assert!(!headers.contains_key(header::CONTENT_SECURITY_POLICY));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(headers[header::VARY]
        .to_str()
        .unwrap()
        .to_lowercase()
        .contains("accept-encoding"));
    for uri in ["/.env", "/%2eenv", "/app/../.env", "/link.txt"] {
        let (status, _, body) = send(&app, get_with(uri, &[])).await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{uri}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let (status, headers, _) = send(&app, get_with("//app", &[])).await;
    assert!(
        !headers.contains_key(header::LOCATION),
        "//app never redirects to another host ({status})"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&outside);
}
