//! Surveys managed in the collector and the hosted config (SPEC 7.2), and the ingest rules
//! that come with them: on SQLite and PostgreSQL.

#[macro_use]
mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use serde_json::{json, Value};
use std::time::Duration;

on_both_databases!(
    a_survey_goes_from_draft_to_published_to_archived,
    invalid_surveys_and_bad_ids_name_the_field,
    concurrent_edits_are_refused_not_merged,
    the_hosted_config_has_an_etag_and_answers_304,
    replicas_on_one_database_serve_a_publication_within_a_second,
    site_settings_shape_the_hosted_config,
    events_for_unmanaged_surveys_are_refused_once_surveys_are_managed,
    an_update_by_id_never_changes_survey_kind_or_visitor,
);

/// Sends `method uri` with a JSON body (and extra headers); returns status, headers and JSON.
async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = body.map_or(Body::empty(), |b| Body::from(b.to_string()));
    let (status, headers, bytes) = send(app, request.body(body).unwrap()).await;
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn nps(id: &str) -> Value {
    json!({"id": id, "kind": "nps", "trigger": {"delay_seconds": 5},
           "text": {"en": {"follow_up": {"detractor": "What went wrong?"}}}})
}

async fn hosted(app: &Router) -> Value {
    let (status, _, config) = call(app, Method::GET, "/v1/config.json", None, &[]).await;
    assert_eq!(status, StatusCode::OK);
    config
}

async fn a_survey_goes_from_draft_to_published_to_archived(db: Db) {
    let app = db.collector().await;
    let (status, headers, draft) = call(
        &app,
        Method::PUT,
        "/v1/surveys/nps-main",
        Some(nps("nps-main")),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["status"], "draft");
    assert_eq!(headers[header::ETAG], "\"1\"");
    assert_eq!(
        hosted(&app).await["surveys"],
        json!([]),
        "a draft is not served"
    );

    let (status, _, published) = call(
        &app,
        Method::POST,
        "/v1/surveys/nps-main/publish",
        None,
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(published["status"], "published");
    let version = published["published_version"].as_str().unwrap().to_owned();
    assert_eq!(version, published["version"]);
    assert_eq!(published["versions"][0]["version"], version.as_str());
    let config = hosted(&app).await;
    assert_eq!(config["surveys"][0]["id"], "nps-main");
    assert_eq!(
        config["surveys"][0]["text"]["en"]["follow_up"]["detractor"],
        "What went wrong?"
    );
    assert_eq!(
        config["collector"], "/v1/events",
        "no Host header in this test: a relative default"
    );

    // An edit after publishing is a draft change: visitors keep the published version.
    let mut edited = nps("nps-main");
    edited["trigger"]["delay_seconds"] = json!(30);
    let (_, _, saved) = call(&app, Method::PUT, "/v1/surveys/nps-main", Some(edited), &[]).await;
    assert_eq!(saved["status"], "published");
    assert_ne!(saved["version"], saved["published_version"]);
    assert_eq!(
        hosted(&app).await["surveys"][0]["trigger"]["delay_seconds"],
        5
    );
    let (_, _, republished) = call(
        &app,
        Method::POST,
        "/v1/surveys/nps-main/publish",
        None,
        &[],
    )
    .await;
    assert_eq!(
        republished["versions"].as_array().unwrap().len(),
        2,
        "every publication is a version"
    );
    assert_eq!(
        hosted(&app).await["surveys"][0]["trigger"]["delay_seconds"],
        30
    );

    // Answers name the version; unpublishing and archiving take it out, the answers stay.
    let mut answer = event("a", "response", "nps-main", "nps", Some(9), None);
    answer["survey_version"] = republished["published_version"].clone();
    post_ok(&app, answer).await;
    let (_, _, unpublished) = call(
        &app,
        Method::POST,
        "/v1/surveys/nps-main/unpublish",
        None,
        &[],
    )
    .await;
    assert_eq!(unpublished["status"], "draft");
    assert_eq!(hosted(&app).await["surveys"], json!([]));
    let (status, _, archived) = call(&app, Method::DELETE, "/v1/surveys/nps-main", None, &[]).await;
    assert_eq!(
        (status, archived["status"].clone()),
        (StatusCode::OK, json!("archived"))
    );
    let (_, _, listed) = call(&app, Method::GET, "/v1/surveys", None, &[]).await;
    assert_eq!(listed[0]["survey_id"], "nps-main");
    assert_eq!(listed[0]["status"], "archived");
    assert_eq!(listed[0]["responses"], 1, "its answers stay");
    let (_, _, report) = call(&app, Method::GET, "/v1/surveys/nps-main/report", None, &[]).await;
    assert_eq!(report["responses"], 1);
}

async fn invalid_surveys_and_bad_ids_name_the_field(db: Db) {
    let app = db.collector().await;
    let cases = [
        (
            "/v1/surveys/s",
            json!({"kind": "nps", "trigger": {"delay_seconds": "soon"}}),
            "trigger.delay_seconds",
            "trigger.delay_seconds: must be a number, not a string",
        ),
        (
            "/v1/surveys/s",
            json!({"kind": "stars"}),
            "kind",
            "kind: unknown kind \"stars\" (use nps, ces or csat)",
        ),
        (
            "/v1/surveys/s",
            json!({"id": "t", "kind": "nps"}),
            "id",
            "id: must be \"s\", the id in the URL",
        ),
        (
            "/v1/surveys/a%20b",
            json!({"kind": "nps"}),
            "id",
            "id: only letters A-Z, digits, _ and - are allowed",
        ),
        (
            "/v1/surveys/..%2F..%2Fetc",
            json!({"kind": "nps"}),
            "id",
            "id: only letters A-Z, digits, _ and - are allowed",
        ),
    ];
    for (uri, body, path, error) in cases {
        let (status, _, answer) = call(&app, Method::PUT, uri, Some(body), &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(
            (answer["path"].as_str(), answer["error"].as_str()),
            (Some(path), Some(error)),
            "{uri}"
        );
    }
    let (status, _, answer) = call(
        &app,
        Method::PUT,
        "/v1/surveys/s",
        Some(json!({"kind": "nps", "report_attributes": ["Plan tier"]})),
        &[],
    )
    .await;
    assert_eq!(
        (status, answer["path"].as_str()),
        (StatusCode::BAD_REQUEST, Some("report_attributes[0]"))
    );
    let long = format!("/v1/surveys/{}", "x".repeat(500));
    let (status, _, answer) =
        call(&app, Method::PUT, &long, Some(json!({"kind": "nps"})), &[]).await;
    assert_eq!(
        (status, answer["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("id: at most 64 characters"))
    );
    let (status, _, _) = call(
        &app,
        Method::PUT,
        "/v1/surveys/a/b",
        Some(json!({"kind": "nps"})),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a slash is another path");
    let (status, _, answer) = call(&app, Method::PUT, "/v1/surveys/s", None, &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (_, _, listed) = call(&app, Method::GET, "/v1/surveys", None, &[]).await;
    assert_eq!(listed, json!([]), "nothing was saved");
}

async fn concurrent_edits_are_refused_not_merged(db: Db) {
    let app = db.collector().await;
    call(&app, Method::PUT, "/v1/surveys/s", Some(nps("s")), &[]).await;
    // Two people opened revision 1; the first save wins, the second is refused.
    let mut first = nps("s");
    first["sample_percent"] = json!(50);
    let (status, headers, _) = call(
        &app,
        Method::PUT,
        "/v1/surveys/s",
        Some(first),
        &[("if-match", "\"1\"")],
    )
    .await;
    assert_eq!(
        (status, headers[header::ETAG].to_str().unwrap()),
        (StatusCode::OK, "\"2\"")
    );
    let mut second = nps("s");
    second["max_shows"] = json!(1);
    let (status, _, answer) = call(
        &app,
        Method::PUT,
        "/v1/surveys/s",
        Some(second),
        &[("if-match", "\"1\"")],
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{answer}");
    let (_, _, stored) = call(&app, Method::GET, "/v1/surveys/s", None, &[]).await;
    assert_eq!(stored["definition"]["sample_percent"], 50);
    assert!(
        stored["definition"].get("max_shows").is_none(),
        "never a silent merge"
    );
    // Parallel saves of one revision: exactly one wins.
    let saves: Vec<_> = (0..4)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let mut body = nps("s");
                body["max_shows"] = json!(i);
                call(
                    &app,
                    Method::PUT,
                    "/v1/surveys/s",
                    Some(body),
                    &[("if-match", "\"2\"")],
                )
                .await
                .0
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for save in saves {
        statuses.push(save.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
            .count(),
        3,
        "{statuses:?}"
    );
    // Creating with If-Match "0" refuses to overwrite an existing survey.
    let (status, _, _) = call(
        &app,
        Method::PUT,
        "/v1/surveys/s",
        Some(nps("s")),
        &[("if-match", "\"0\"")],
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
}

async fn the_hosted_config_has_an_etag_and_answers_304(db: Db) {
    let app = db.collector().await;
    call(&app, Method::PUT, "/v1/surveys/s", Some(nps("s")), &[]).await;
    call(&app, Method::POST, "/v1/surveys/s/publish", None, &[]).await;
    let host = [
        ("host", "collect.example.com"),
        ("origin", "https://shop.example"),
    ];
    let (status, headers, config) = call(&app, Method::GET, "/v1/config.json", None, &host).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        config["collector"], "http://collect.example.com/v1/events",
        "this collector, as reached"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=60");
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    let (status, headers, _) = call(
        &app,
        Method::GET,
        "/v1/config.json",
        None,
        &[host[0], ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(headers[header::ETAG], etag.as_str());
    call(&app, Method::POST, "/v1/surveys/s/unpublish", None, &[]).await;
    let (status, headers, config) = call(
        &app,
        Method::GET,
        "/v1/config.json",
        None,
        &[host[0], ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "changed: a new body");
    assert_ne!(headers[header::ETAG], etag.as_str());
    assert_eq!(config["surveys"], json!([]));
}

async fn replicas_on_one_database_serve_a_publication_within_a_second(db: Db) {
    if matches!(db, Db::Sqlite) {
        // In-memory SQLite is one database per collector; a shared file stands in.
        let file = std::env::temp_dir().join(format!("survey-replicas-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let url = format!("sqlite://{}?mode=rwc", file.display());
        replicas_on(&url).await;
        let _ = std::fs::remove_file(&file);
    } else {
        replicas_on(&db.fresh_url().await).await;
    }
}

async fn replicas_on(url: &str) {
    let a = collector_with(config(url)).await;
    let b = collector_with(config(url)).await;
    assert_eq!(
        hosted(&b).await["surveys"],
        json!([]),
        "b has cached an empty config"
    );
    call(&a, Method::PUT, "/v1/surveys/s", Some(nps("s")), &[]).await;
    call(&a, Method::POST, "/v1/surveys/s/publish", None, &[]).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(hosted(&b).await["surveys"][0]["id"], "s");
}

async fn site_settings_shape_the_hosted_config(db: Db) {
    let app = db.collector().await;
    let settings = json!({"company": "Acme <b>", "identity_cookie": "uid", "locale": "fi", "quiet_days": 30,
                          "collector": "https://collect.example.com/v1/events"});
    let (status, _, saved) = call(&app, Method::PUT, "/v1/site", Some(settings.clone()), &[]).await;
    assert_eq!((status, &saved), (StatusCode::OK, &settings));
    let config = hosted(&app).await;
    for key in [
        "company",
        "identity_cookie",
        "locale",
        "quiet_days",
        "collector",
    ] {
        assert_eq!(config[key], settings[key], "{key}");
    }
    let (status, _, error) = call(
        &app,
        Method::PUT,
        "/v1/site",
        Some(json!({"identity_cookie": "a;b"})),
        &[],
    )
    .await;
    assert_eq!(
        (status, error["path"].as_str()),
        (StatusCode::BAD_REQUEST, Some("identity_cookie"))
    );
    let (status, _, error) = call(
        &app,
        Method::PUT,
        "/v1/site",
        Some(json!({"compnay": "x"})),
        &[],
    )
    .await;
    assert_eq!(
        (status, error["path"].as_str()),
        (StatusCode::BAD_REQUEST, Some("compnay"))
    );
    assert_eq!(
        call(&app, Method::GET, "/v1/site", None, &[]).await.2,
        settings,
        "unchanged by refusals"
    );
}

async fn events_for_unmanaged_surveys_are_refused_once_surveys_are_managed(db: Db) {
    let app = db.collector().await;
    post_ok(&app, event("a", "shown", "legacy", "nps", None, None)).await;
    call(
        &app,
        Method::PUT,
        "/v1/surveys/managed",
        Some(nps("managed")),
        &[],
    )
    .await;
    post_ok(&app, event("b", "shown", "managed", "nps", None, None)).await;
    let batch = json!([
        event("c", "shown", "managed", "nps", None, None),
        event("d", "shown", "legacy", "nps", None, None)
    ]);
    let (status, answer) = post_events(&app, None, batch.to_string()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        answer,
        json!({"error": "survey_id: unknown survey \"legacy\"", "index": 1})
    );
}

async fn an_update_by_id_never_changes_survey_kind_or_visitor(db: Db) {
    let app = db.collector().await;
    post_ok(&app, event("r", "response", "s", "csat", Some(4), None)).await;
    let mut other_visitor = event("r", "response", "s", "csat", Some(1), Some("mine now"));
    other_visitor["visitor_id"] = json!("someone-else");
    let other_kind = event("r", "response", "s", "nps", Some(10), None);
    let other_survey = event("r", "response", "t", "csat", Some(4), None);
    let other_event = event("r", "shown", "s", "csat", None, None);
    for changed in [other_visitor, other_kind, other_survey, other_event] {
        let (status, answer) = post_events(&app, None, changed.to_string()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{changed}");
        assert!(
            answer["error"].as_str().unwrap().starts_with("id:"),
            "{answer}"
        );
    }
    let events = get_json(&app, "/v1/events?survey_id=s").await.1["events"].clone();
    assert_eq!(events.as_array().unwrap().len(), 1);
    assert_eq!(
        (
            events[0]["score"].clone(),
            events[0]["visitor_id"].clone(),
            events[0]["kind"].clone()
        ),
        (json!(4), json!("v1"), json!("csat"))
    );
    // The same id in capitals is the same event.
    let mut shouting = event("r", "response", "s", "csat", Some(1), None);
    shouting["id"] = json!(uuid("r").to_uppercase());
    shouting["visitor_id"] = json!("someone-else");
    assert_eq!(
        post_events(&app, None, shouting.to_string()).await.0,
        StatusCode::CONFLICT
    );
    // The same answer again, and its comment, are still fine.
    post_ok(&app, event("r", "response", "s", "csat", Some(4), None)).await;
    post_ok(
        &app,
        event("r", "response", "s", "csat", Some(4), Some("ok")),
    )
    .await;
}
