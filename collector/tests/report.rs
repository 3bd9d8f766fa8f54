//! Reports (JSON and HTML), static files and health.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

/// `responses` NPS scores and `shown` impressions for survey `s`, in one post.
fn nps_data(scores: &[u8], shown: usize) -> Value {
    let mut events: Vec<Value> = (0..shown).map(|i| event(&format!("shown-{i}"), "shown", "s", "nps", None, None)).collect();
    events.extend(scores.iter().enumerate().map(|(i, s)| event(&format!("r-{i}"), "response", "s", "nps", Some(*s), None)));
    Value::Array(events)
}

#[tokio::test]
async fn nps_report_matches_a_hand_computed_data_set() {
    let app = collector().await;
    // 5 promoters, 3 passives, 2 detractors, 20 shown: NPS 50% - 20% = 30, response rate 0.5.
    post_ok(&app, nps_data(&[10, 9, 9, 10, 9, 7, 8, 8, 0, 6], 20)).await;
    post_ok(&app, event("d-1", "dismissed", "s", "nps", None, None)).await;
    let (status, report) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["survey_id"], "s");
    assert_eq!(report["kind"], "nps");
    assert_eq!(report["responses"], 10);
    assert_eq!(report["shown"], 20);
    assert_eq!(report["dismissed"], 1);
    assert_eq!(report["response_rate"], 0.5);
    assert_eq!(report["score"], 30.0);
    assert_eq!(report["categories"], json!({"detractor": 2, "passive": 3, "promoter": 5}));
    let distribution = report["distribution"].as_array().unwrap();
    assert_eq!(distribution.len(), 11);
    assert_eq!(distribution[9], json!({"score": 9, "count": 3}));
    assert_eq!(distribution[1], json!({"score": 1, "count": 0}));
    assert_eq!(report["trend"], json!([{"week": "2026-W48", "responses": 10, "score": 30.0}]));
    assert_eq!(report["comments"], json!([]));
}

#[tokio::test]
async fn csat_report_is_the_share_satisfied() {
    let app = collector().await;
    let events: Vec<Value> = (0..100)
        .map(|i| event(&format!("c{i}"), "response", "shop", "csat", Some(if i < 80 { 4 + (i % 2) as u8 } else { 2 }), None))
        .collect();
    post_ok(&app, Value::Array(events)).await;
    let (_, report) = get_json(&app, "/v1/surveys/shop/report").await;
    assert_eq!(report["score"], 80.0);
    assert_eq!(report["response_rate"], Value::Null);
    assert_eq!(report["categories"], json!({"unsatisfied": 20, "neutral": 0, "satisfied": 80}));
}

#[tokio::test]
async fn trend_is_weekly_and_comments_are_newest_first() {
    let app = collector().await;
    post_ok(&app, json!([
        event_at("a", "response", "e", "ces", Some(7), Some("older"), "2026-11-16T09:00:00Z"),
        event_at("b", "response", "e", "ces", Some(3), Some("newest"), "2026-11-24T09:00:00+01:00"),
        event_at("c", "response", "e", "ces", Some(5), None, "2026-11-23T12:00:00Z"),
    ]))
    .await;
    let (_, report) = get_json(&app, "/v1/surveys/e/report").await;
    assert_eq!(report["score"], 5.0);
    assert_eq!(
        report["trend"],
        json!([{"week": "2026-W47", "responses": 1, "score": 7.0}, {"week": "2026-W48", "responses": 2, "score": 4.0}])
    );
    let comments: Vec<&str> = report["comments"].as_array().unwrap().iter().map(|c| c["comment"].as_str().unwrap()).collect();
    assert_eq!(comments, ["newest", "older"]);
    assert_eq!(report["comments"][0], json!({"id": "b", "score": 3, "category": "difficult", "comment": "newest", "at": "2026-11-24T09:00:00+01:00", "locale": "en"}));
}

#[tokio::test]
async fn the_report_uses_the_kind_of_the_latest_response() {
    let app = collector().await;
    post_ok(&app, json!([
        event_at("old", "response", "x", "nps", Some(10), None, "2026-01-01T00:00:00Z"),
        event_at("new", "response", "x", "csat", Some(5), None, "2026-02-01T00:00:00Z"),
        event_at("late-shown", "shown", "x", "nps", None, None, "2026-03-01T00:00:00Z"),
    ]))
    .await;
    let (_, report) = get_json(&app, "/v1/surveys/x/report").await;
    assert_eq!((report["kind"].clone(), report["responses"].clone(), report["shown"].clone()), (json!("csat"), json!(1), json!(0)));
    let (_, surveys) = get_json(&app, "/v1/surveys").await;
    assert_eq!(surveys, json!([{"survey_id": "x", "kind": "csat", "responses": 1, "shown": 0, "dismissed": 0}]));
}

#[tokio::test]
async fn an_unknown_survey_is_404() {
    let app = collector().await;
    let (status, error) = get_json(&app, "/v1/surveys/nope/report").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["error"].is_string());
    assert_eq!(get(&app, "/report/nope").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn html_report_escapes_comments_and_needs_no_inline_code() {
    let app = collector().await;
    let hostile = "<script>alert(1)</script> & \"quotes\"";
    post_ok(&app, nps_data(&[9, 2], 4)).await;
    post_ok(&app, event("r-1", "response", "s", "nps", Some(2), Some(hostile))).await;
    post_ok(&app, event("weird", "shown", "a/b <i>?", "nps", None, None)).await;

    let (status, headers, page) = get(&app, "/report/s").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    assert!(!page.contains("<script"), "unescaped script in the page");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(!page.contains("style=") && !page.contains("<style"));
    assert!(page.contains("<svg") && page.contains("/report.css"));
    assert!(page.contains(">0<"), "NPS of one promoter and one detractor is 0");

    let (_, _, index) = get(&app, "/report").await;
    assert!(index.contains("href=\"/report/s\""));
    assert!(index.contains("href=\"/report/a%2Fb%20%3Ci%3E%3F\"") && index.contains("a/b &lt;i&gt;?"));
    assert_eq!(get(&app, "/report/a%2Fb%20%3Ci%3E%3F").await.0, StatusCode::OK);

    let (status, headers, css) = get(&app, "/report.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/css"));
    assert!(css.contains(".chart"));
}

#[tokio::test]
async fn static_files_are_served_with_a_strict_csp() {
    let app = collector().await;
    let (status, headers, page) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("demo"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert_eq!(csp, survey_collector::CSP);
    assert!(csp.contains("'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"));
    let (_, headers, _) = get(&app, "/widget.wasm").await;
    assert_eq!(headers["content-type"], "application/wasm");
    assert_eq!(get(&app, "/missing.js").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn health_is_ok() {
    assert_eq!(get_json(&collector().await, "/health").await, (StatusCode::OK, json!({"status": "ok"})));
}
