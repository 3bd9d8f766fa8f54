//! `POST /v1/events` and `GET /v1/events`: formats, validation, idempotency, limits, CORS,
//! write key. Tests that store something run on SQLite and on PostgreSQL.

#[macro_use]
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use survey_collector::config::Config;

on_both_databases!(
    text_plain_single_event_and_json_array_are_accepted,
    the_comment_update_replaces_the_response_with_the_same_id,
    a_repeated_shown_counts_once,
    concurrent_duplicate_posts_count_once,
    listing_events_needs_a_survey_id,
    events_are_listed_in_pages_with_a_cursor,
);

async fn text_plain_single_event_and_json_array_are_accepted(db: Db) {
    let app = db.collector().await;
    let one = event("a", "shown", "s", "nps", None, None).to_string();
    assert_eq!(
        post_events(&app, Some("text/plain;charset=UTF-8"), one).await,
        (StatusCode::OK, json!({"accepted": 1}))
    );
    let two = json!([
        event("b", "shown", "s", "nps", None, None),
        event("c", "response", "s", "nps", Some(9), None)
    ]);
    assert_eq!(
        post_events(&app, Some("application/json"), two.to_string()).await,
        (StatusCode::OK, json!({"accepted": 2}))
    );
    let three = event("d", "dismissed", "s", "nps", None, None).to_string();
    assert_eq!(post_events(&app, None, three).await.0, StatusCode::OK);

    let (_, page) = get_json(&app, "/v1/events?survey_id=s").await;
    let rows = &page["events"];
    assert_eq!(rows.as_array().unwrap().len(), 4);
    let response = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == uuid("c").as_str())
        .unwrap();
    assert_eq!(response["category"], "promoter");
    assert!(response["received_at"].as_str().unwrap().ends_with('Z'));
}

async fn the_comment_update_replaces_the_response_with_the_same_id(db: Db) {
    let app = db.collector().await;
    post_ok(&app, event("r1", "response", "s", "nps", Some(3), None)).await;
    post_ok(
        &app,
        event(
            "r1",
            "response",
            "s",
            "nps",
            Some(3),
            Some("Too slow <b>really</b>"),
        ),
    )
    .await;
    // A late retry of the score-only post does not erase the comment.
    post_ok(&app, event("r1", "response", "s", "nps", Some(3), None)).await;

    let (_, page) = get_json(&app, "/v1/events?survey_id=s").await;
    let rows = &page["events"];
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["comment"], "Too slow <b>really</b>");
    assert_eq!(rows[0]["category"], "detractor");
    let (_, report) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(report["responses"], 1);
    assert_eq!(report["comments"][0]["comment"], "Too slow <b>really</b>");
}

async fn a_repeated_shown_counts_once(db: Db) {
    let app = db.collector().await;
    for _ in 0..3 {
        post_ok(&app, event("s1", "shown", "s", "csat", None, None)).await;
    }
    let (_, report) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(report["shown"], 1);
    assert_eq!(report["response_rate"], 0.0);
}

async fn concurrent_duplicate_posts_count_once(db: Db) {
    // For SQLite, a file database, so that the pool really uses several connections at once.
    let path =
        std::env::temp_dir().join(format!("survey-collector-test-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = match db {
        Db::Sqlite => format!("sqlite://{}?mode=rwc", path.display()),
        Db::Postgres(_) => db.fresh_url().await,
    };
    let app = collector_with(config(&url)).await;
    let posts: Vec<_> = (0..10)
        .map(|i| {
            let app = app.clone();
            let comment = (i % 2 == 0).then_some("same id");
            let body = json!([
                event("dup", "response", "s", "nps", Some(10), comment),
                event("shown-1", "shown", "s", "nps", None, None)
            ]);
            tokio::spawn(async move {
                post_events(&app, Some("text/plain"), body.to_string())
                    .await
                    .0
            })
        })
        .collect();
    for post in posts {
        assert_eq!(post.await.unwrap(), StatusCode::OK);
    }
    let (_, report) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(
        (report["responses"].clone(), report["shown"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(report["comments"][0]["comment"], "same id");
    let _ = std::fs::remove_file(&path);
}

/// Posts `body` and expects a 400 whose error starts with `field`.
async fn assert_rejected(body: Value, field: &str, index: Option<usize>) {
    let app = collector().await;
    let (status, error) =
        post_events(&app, Some("text/plain;charset=UTF-8"), body.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let message = error["error"].as_str().unwrap();
    assert!(
        message.starts_with(field),
        "{message:?} should name {field}"
    );
    assert_eq!(
        error.get("index").and_then(Value::as_u64),
        index.map(|i| i as u64),
        "{error}"
    );
    // Nothing of a rejected body is stored.
    assert_eq!(get_json(&app, "/v1/surveys").await.1, json!([]));
}

#[tokio::test]
async fn scores_off_the_scale_are_rejected_naming_the_field() {
    assert_rejected(
        event("a", "response", "s", "nps", Some(11), None),
        "score",
        None,
    )
    .await;
    assert_rejected(
        event("a", "response", "s", "csat", Some(0), None),
        "score",
        None,
    )
    .await;
    assert_rejected(
        event("a", "response", "s", "ces", None, None),
        "score",
        None,
    )
    .await;
    let array = json!([
        event("a", "shown", "s", "ces", None, None),
        event("b", "response", "s", "ces", Some(8), None)
    ]);
    assert_rejected(array, "score", Some(1)).await;
}

#[tokio::test]
async fn other_bad_fields_are_rejected_naming_the_field() {
    let mut no_id = event("", "shown", "s", "nps", None, None);
    assert_rejected(no_id.clone(), "id", None).await;
    no_id["id"] = json!("x".repeat(65));
    assert_rejected(no_id, "id", None).await;
    assert_rejected(
        event("a", "shown", " ", "nps", None, None),
        "survey_id",
        None,
    )
    .await;
    assert_rejected(event("a", "bogus", "s", "nps", None, None), "event", None).await;
    assert_rejected(event("a", "shown", "s", "stars", None, None), "kind", None).await;
    let long = "é".repeat(2001);
    assert_rejected(
        event("a", "response", "s", "nps", Some(5), Some(&long)),
        "comment",
        None,
    )
    .await;
    let mut url = event("a", "shown", "s", "nps", None, None);
    url["page_url"] = json!(format!("https://example.com/{}", "p".repeat(2048)));
    assert_rejected(url, "page_url", None).await;
    assert_rejected(
        event_at("a", "shown", "s", "nps", None, None, "yesterday"),
        "at",
        None,
    )
    .await;
    let mut missing = event("a", "shown", "s", "nps", None, None);
    missing.as_object_mut().unwrap().remove("locale");
    assert_rejected(missing, "missing field `locale`", None).await;
}

#[tokio::test]
async fn a_comment_of_exactly_the_maximum_length_is_accepted() {
    let app = collector().await;
    let max = "é".repeat(survey_widget::core::event::MAX_COMMENT_CHARS);
    post_ok(
        &app,
        event("a", "response", "s", "nps", Some(5), Some(&max)),
    )
    .await;
}

#[tokio::test]
async fn malformed_json_gets_a_json_400() {
    let app = collector().await;
    let (status, error) = post_events(&app, Some("application/json"), "{\"id\": ").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .starts_with("malformed JSON"),
        "{error}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let app = collector().await;
    let events: Vec<Value> = (0..400)
        .map(|i| event(&format!("id-{i}"), "shown", "s", "nps", None, None))
        .collect();
    let body = serde_json::to_string(&events).unwrap();
    assert!(body.len() > survey_collector::BODY_LIMIT);
    let (status, error) = post_events(&app, Some("text/plain"), body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(error["error"].is_string(), "{error}");
}

#[tokio::test]
async fn cors_preflight_from_an_allowed_origin_gets_the_allow_headers() {
    let app = collector_with(Config {
        cors_origins: vec!["https://shop.example".into()],
        ..config("sqlite::memory:")
    })
    .await;
    let preflight = |origin: &str| {
        Request::options("/v1/events")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-write-key")
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, _) = send(&app, preflight("https://shop.example")).await;
    assert!(status.is_success(), "{status}");
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://shop.example"
    );
    assert!(headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    assert!(
        allowed.contains("content-type") && allowed.contains("x-write-key"),
        "{allowed}"
    );
    let (_, headers, _) = send(&app, preflight("https://evil.example")).await;
    assert!(!headers.contains_key("access-control-allow-origin"));

    let any = collector().await;
    let (_, headers, _) = send(&any, preflight("https://anywhere.example")).await;
    assert_eq!(headers["access-control-allow-origin"], "*");
}

async fn listing_events_needs_a_survey_id(db: Db) {
    let app = db.collector().await;
    let (status, error) = get_json(&app, "/v1/events").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error"].as_str().unwrap().starts_with("survey_id"));
}

#[tokio::test]
async fn with_a_write_key_posts_need_it_in_the_header_or_the_query() {
    let app = collector_with(Config {
        write_key: Some("k3y".into()),
        ..config("sqlite::memory:")
    })
    .await;
    let post = |uri: &str, key: Option<&str>| {
        let mut request = Request::post(uri);
        if let Some(key) = key {
            request = request.header("x-write-key", key);
        }
        request
            .body(Body::from(
                event("a", "shown", "s", "nps", None, None).to_string(),
            ))
            .unwrap()
    };
    for (uri, key) in [
        ("/v1/events", None),
        ("/v1/events", Some("wrong")),
        ("/v1/events?write_key=k3", None),
    ] {
        let (status, _, body) = send(&app, post(uri, key)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri} {key:?}");
        let error: Value = serde_json::from_slice(&body).unwrap();
        assert!(
            error["error"].as_str().unwrap().contains("write key"),
            "{error}"
        );
    }
    assert_eq!(get_json(&app, "/v1/surveys").await.1, json!([]));
    assert_eq!(
        send(&app, post("/v1/events", Some("k3y"))).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, post("/v1/events?write_key=k3y", None)).await.0,
        StatusCode::OK
    );

    // Without a configured key, none is needed and any given one is ignored.
    assert_eq!(
        send(&collector().await, post("/v1/events", Some("whatever")))
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_404() {
    let (status, error) = get_json(&collector().await, "/v1/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["error"].as_str().unwrap().contains("/openapi.json"));
}

async fn events_are_listed_in_pages_with_a_cursor(db: Db) {
    let app = db.collector().await;
    let events: Vec<Value> = (0..5)
        .map(|i| {
            let at = format!("2026-11-2{}T10:00:00Z", i);
            event_at(&format!("e{i}"), "shown", "s", "nps", None, None, &at)
        })
        .collect();
    post_ok(&app, Value::from(events)).await;
    let mut seen = Vec::new();
    let mut uri = "/v1/events?survey_id=s&limit=2".to_owned();
    for _ in 0..3 {
        let (status, page) = get_json(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for event in page["events"].as_array().unwrap() {
            seen.push(event["at"].as_str().unwrap()[..10].to_owned());
        }
        match page["next"].as_str() {
            Some(next) => uri = format!("/v1/events?survey_id=s&limit=2&after={next}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "2026-11-20",
            "2026-11-21",
            "2026-11-22",
            "2026-11-23",
            "2026-11-24"
        ]
    );
    for bad in ["limit=0", "limit=1001", "after=nonsense"] {
        let (status, _) = get_json(&app, &format!("/v1/events?survey_id=s&{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
}
