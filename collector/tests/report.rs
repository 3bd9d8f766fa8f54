//! Reports (JSON, HTML and CSV) on hand-computed data sets, filters, static files, health and
//! the OpenAPI document. Tests of stored data run on SQLite and on PostgreSQL.

#[macro_use]
mod common;

use axum::http::{header, StatusCode};
use common::*;
use serde_json::{json, Value};

on_both_databases!(
    nps_report_matches_a_hand_computed_data_set,
    the_published_nps_example_scores_50,
    csat_report_is_the_share_satisfied,
    trend_is_weekly_and_comments_are_newest_first,
    the_report_uses_the_kind_of_the_latest_response,
    after_an_erasure_the_kind_is_that_of_the_latest_response_left,
    an_unknown_survey_is_404,
    a_bad_request_is_an_html_page_on_pages_and_json_on_the_api,
    a_response_whose_score_changes_is_counted_once_at_its_new_score,
    a_date_range_selects_whole_utc_days,
    comments_filter_by_category_and_search_ignoring_case,
    csv_export_quotes_and_defuses_cells,
    a_csv_export_longer_than_a_chunk_has_every_row_once_in_order,
    generated_events_are_what_the_report_counts,
);

/// `responses` NPS scores and `shown` impressions for survey `s`, in one post.
fn nps_data(scores: &[u8], shown: usize) -> Value {
    let mut events: Vec<Value> = (0..shown)
        .map(|i| event(&format!("shown-{i}"), "shown", "s", "nps", None, None))
        .collect();
    events.extend(
        scores
            .iter()
            .enumerate()
            .map(|(i, s)| event(&format!("r-{i}"), "response", "s", "nps", Some(*s), None)),
    );
    Value::Array(events)
}

async fn nps_report_matches_a_hand_computed_data_set(db: Db) {
    let app = db.collector().await;
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
    assert_eq!(
        report["categories"],
        json!({"detractor": 2, "passive": 3, "promoter": 5})
    );
    assert_eq!(
        report["category_shares"],
        json!({"detractor": 0.2, "passive": 0.3, "promoter": 0.5})
    );
    let distribution = report["distribution"].as_array().unwrap();
    assert_eq!(distribution.len(), 11);
    assert_eq!(distribution[9], json!({"score": 9, "count": 3}));
    assert_eq!(distribution[1], json!({"score": 1, "count": 0}));
    assert_eq!(
        report["trend"],
        json!([{"week": "2026-W48", "responses": 10, "score": 30.0}])
    );
    assert_eq!(report["comments"], json!([]));
}

async fn csat_report_is_the_share_satisfied(db: Db) {
    let app = db.collector().await;
    let events: Vec<Value> = (0..100)
        .map(|i| {
            event(
                &format!("c{i}"),
                "response",
                "shop",
                "csat",
                Some(if i < 80 { 4 + (i % 2) as u8 } else { 2 }),
                None,
            )
        })
        .collect();
    post_ok(&app, Value::Array(events)).await;
    let (_, report) = get_json(&app, "/v1/surveys/shop/report").await;
    assert_eq!(report["score"], 80.0);
    assert_eq!(report["response_rate"], Value::Null);
    assert_eq!(
        report["categories"],
        json!({"unsatisfied": 20, "neutral": 0, "satisfied": 80})
    );
}

async fn trend_is_weekly_and_comments_are_newest_first(db: Db) {
    let app = db.collector().await;
    post_ok(
        &app,
        json!([
            event_at(
                "a",
                "response",
                "e",
                "ces",
                Some(7),
                Some("older"),
                "2026-11-16T09:00:00Z"
            ),
            event_at(
                "b",
                "response",
                "e",
                "ces",
                Some(3),
                Some("newest"),
                "2026-11-24T09:00:00+01:00"
            ),
            event_at(
                "c",
                "response",
                "e",
                "ces",
                Some(5),
                None,
                "2026-11-23T12:00:00Z"
            ),
        ]),
    )
    .await;
    let (_, report) = get_json(&app, "/v1/surveys/e/report").await;
    assert_eq!(report["score"], 5.0);
    assert_eq!(
        report["trend"],
        json!([{"week": "2026-W47", "responses": 1, "score": 7.0}, {"week": "2026-W48", "responses": 2, "score": 4.0}])
    );
    let comments: Vec<&str> = report["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["comment"].as_str().unwrap())
        .collect();
    assert_eq!(comments, ["newest", "older"]);
    assert_eq!(
        report["comments"][0],
        json!({"id": uuid("b"), "score": 3, "category": "difficult", "comment": "newest", "at": "2026-11-24T08:00:00.000Z", "locale": "en"})
    );
}

async fn the_report_uses_the_kind_of_the_latest_response(db: Db) {
    let app = db.collector().await;
    post_ok(
        &app,
        json!([
            event_at(
                "old",
                "response",
                "x",
                "nps",
                Some(10),
                None,
                "2026-01-01T00:00:00Z"
            ),
            event_at(
                "new",
                "response",
                "x",
                "csat",
                Some(5),
                None,
                "2026-02-01T00:00:00Z"
            ),
            event_at(
                "late-shown",
                "shown",
                "x",
                "nps",
                None,
                None,
                "2026-03-01T00:00:00Z"
            ),
        ]),
    )
    .await;
    let (_, report) = get_json(&app, "/v1/surveys/x/report").await;
    assert_eq!(
        (
            report["kind"].clone(),
            report["responses"].clone(),
            report["shown"].clone()
        ),
        (json!("csat"), json!(1), json!(0))
    );
    let (_, surveys) = get_json(&app, "/v1/surveys").await;
    assert_eq!(
        surveys,
        json!([{"survey_id": "x", "kind": "csat", "responses": 1, "shown": 0, "dismissed": 0, "status": null}])
    );
}

async fn after_an_erasure_the_kind_is_that_of_the_latest_response_left(db: Db) {
    let app = db.collector().await;
    let response = |id: &str, kind: &str, score: u8, at: &str, visitor: &str| {
        let mut event = event_at(id, "response", "x", kind, Some(score), None, at);
        event["visitor_id"] = json!(visitor);
        event
    };
    post_ok(
        &app,
        json!([
            response("first", "csat", 4, "2026-01-01T00:00:00Z", "v-first"),
            response("middle", "nps", 9, "2026-01-15T00:00:00Z", "v-middle"),
            response("last", "csat", 5, "2026-02-01T00:00:00Z", "v-last"),
        ]),
    )
    .await;
    /// The survey's kind in its report and in the list of surveys.
    async fn kinds(app: &axum::Router) -> (Value, Value) {
        let (_, report) = get_json(app, "/v1/surveys/x/report").await;
        let (_, surveys) = get_json(app, "/v1/surveys").await;
        (report["kind"].clone(), surveys[0]["kind"].clone())
    }
    assert_eq!(kinds(&app).await, (json!("csat"), json!("csat")));
    let (status, _, _) = send(
        &app,
        axum::http::Request::delete("/v1/visitors/v-last")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        kinds(&app).await,
        (json!("nps"), json!("nps")),
        "the erased response no longer decides the kind"
    );
}

async fn an_unknown_survey_is_404(db: Db) {
    let app = db.collector().await;
    let (status, error) = get_json(&app, "/v1/surveys/nope/report").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["error"].is_string());
    assert_eq!(get(&app, "/report/nope").await.0, StatusCode::NOT_FOUND);
}

async fn a_response_whose_score_changes_is_counted_once_at_its_new_score(db: Db) {
    let app = db.collector().await;
    post_ok(&app, event("r", "response", "s", "nps", Some(3), None)).await;
    post_ok(&app, event("r", "response", "s", "nps", Some(3), None)).await; // a retry
    let moved = event_at(
        "r",
        "response",
        "s",
        "nps",
        Some(9),
        Some("changed my mind"),
        "2026-11-30T10:00:00Z",
    );
    post_ok(&app, moved).await;
    let (_, report) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(report["responses"], 1);
    assert_eq!(report["score"], 100.0, "one promoter, no detractor");
    let weeks: Vec<&str> = report["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["week"].as_str().unwrap())
        .collect();
    assert_eq!(
        weeks,
        ["2026-W49"],
        "counted in the week of its new time only"
    );
    let (_, before) = get_json(&app, "/v1/surveys/s/report?from=2026-11-23&to=2026-11-23").await;
    assert_eq!(before["responses"], 0);
}

async fn a_bad_request_is_an_html_page_on_pages_and_json_on_the_api(db: Db) {
    let app = db.collector().await;
    let (status, headers, page) = get(&app, "/report/s?from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(page.contains("<h1>Bad Request</h1>"), "{page}");
    let (status, error) = get_json(&app, "/v1/surveys/s/report?from=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["error"].as_str().unwrap().contains("from"), "{error}");
    let (status, error) = get_json(&app, "/v1/events?limit=lots").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a query that does not parse: {error}"
    );
}

async fn the_published_nps_example_scores_50(db: Db) {
    // The textbook example: 100 answers, 60 promoters, 30 passives, 10 detractors: 60% - 10% = 50.
    let app = db.collector().await;
    let scores: Vec<u8> = (0..100)
        .map(|i| {
            if i < 60 {
                9 + (i % 2) as u8
            } else if i < 90 {
                7 + (i % 2) as u8
            } else {
                (i % 7) as u8
            }
        })
        .collect();
    let Value::Array(events) = nps_data(&scores, 200) else {
        unreachable!()
    };
    for chunk in events.chunks(100) {
        post_ok(&app, Value::Array(chunk.to_vec())).await;
    }
    let (_, report) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(report["score"], 50.0);
    assert_eq!(report["response_rate"], 0.5);
    assert_eq!(
        report["categories"],
        json!({"detractor": 10, "passive": 30, "promoter": 60})
    );
    assert_eq!(
        report["category_shares"],
        json!({"detractor": 0.1, "passive": 0.3, "promoter": 0.6})
    );
}

async fn a_date_range_selects_whole_utc_days(db: Db) {
    let app = db.collector().await;
    let shown = |id: &str, at: &str| event_at(id, "shown", "s", "nps", None, None, at);
    let answer =
        |id: &str, score: u8, at: &str| event_at(id, "response", "s", "nps", Some(score), None, at);
    post_ok(
        &app,
        json!([
            shown("s-out", "2026-11-19T23:59:59Z"),
            shown("s1", "2026-11-20T00:00:00Z"),
            shown("s2", "2026-11-21T10:00:00Z"),
            shown("s3", "2026-11-22T10:00:00Z"),
            shown("s4", "2026-11-23T10:00:00Z"),
            answer("early", 10, "2026-11-20T08:00:00+09:00"), // 2026-11-19 23:00 UTC: out
            answer("a", 10, "2026-11-21T12:00:00Z"),
            answer("b", 7, "2026-11-22T12:00:00Z"),
            answer("c", 9, "2026-11-23T10:00:00Z"),
            answer("d", 3, "2026-11-23T23:59:59Z"),
            answer("late", 0, "2026-11-24T00:00:00Z"), // out
        ]),
    )
    .await;
    // In range: 10, 7, 9, 3: 2 promoters, 1 passive, 1 detractor of 4: NPS 50% - 25% = 25.
    let (status, report) =
        get_json(&app, "/v1/surveys/s/report?from=2026-11-20&to=2026-11-23").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (report["responses"].clone(), report["shown"].clone()),
        (json!(4), json!(4))
    );
    assert_eq!(report["score"], 25.0);
    // Week 47 (Sat 21, Sun 22): 10 and 7, NPS 50; week 48 (Mon 23): 9 and 3, NPS 0.
    assert_eq!(
        report["trend"],
        json!([{"week": "2026-W47", "responses": 2, "score": 50.0}, {"week": "2026-W48", "responses": 2, "score": 0.0}])
    );
    // All time: 10, 10, 7, 9, 3, 0: 3 promoters, 2 detractors of 6.
    let (_, all) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(
        (all["responses"].clone(), all["shown"].clone()),
        (json!(6), json!(5))
    );

    let (status, empty) =
        get_json(&app, "/v1/surveys/s/report?from=2026-12-01&to=2026-11-01").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            empty["responses"].clone(),
            empty["score"].clone(),
            empty["response_rate"].clone()
        ),
        (json!(0), Value::Null, Value::Null)
    );
    let (status, error) = get_json(&app, "/v1/surveys/s/report?from=23.11.2026").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        error["error"].as_str().unwrap().starts_with("from:"),
        "{error}"
    );

    // The HTML page shows the same figures and keeps the dates in its form.
    let (status, _, page) = get(&app, "/report/s?from=2026-11-20&to=2026-11-23&category=&q=").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"name="from" value="2026-11-20""#)
            && page.contains(r#"name="to" value="2026-11-23""#)
    );
    assert!(
        page.contains(r#"<div class="big">25</div>"#),
        "NPS 25 on the page"
    );
}

async fn comments_filter_by_category_and_search_ignoring_case(db: Db) {
    let app = db.collector().await;
    let answer = |id: &str, score: u8, comment: &str| {
        event(id, "response", "s", "nps", Some(score), Some(comment))
    };
    post_ok(
        &app,
        json!([
            answer("1", 2, "Too SLOW to load"),
            answer("2", 4, "Slowness everywhere"),
            answer("3", 10, "slow start, then great"),
            answer("4", 1, "ÄRGER mit dem Login"),
            answer("5", 9, "100% sure"),
            answer("6", 0, "1000 problems"),
        ]),
    )
    .await;
    let ids = |report: &Value| -> Vec<String> {
        let mut ids: Vec<String> = report["comments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let (_, report) = get_json(&app, "/v1/surveys/s/report?category=detractor").await;
    assert_eq!(ids(&report), labels(&["1", "2", "4", "6"]));
    assert_eq!(
        report["responses"], 6,
        "category and search select comments, not figures"
    );
    assert_eq!(
        ids(&get_json(&app, "/v1/surveys/s/report?q=slow").await.1),
        labels(&["1", "2", "3"])
    );
    assert_eq!(
        ids(
            &get_json(&app, "/v1/surveys/s/report?q=SLOW&category=detractor")
                .await
                .1
        ),
        labels(&["1", "2"])
    );
    assert_eq!(
        ids(&get_json(&app, "/v1/surveys/s/report?q=%C3%A4rger").await.1),
        labels(&["4"])
    );
    assert_eq!(
        ids(&get_json(&app, "/v1/surveys/s/report?q=100%25").await.1),
        labels(&["5"]),
        "% is literal"
    );

    let (_, _, page) = get(&app, "/report/s?category=promoter&q=SLOW").await;
    assert!(page.contains("slow start, then great") && !page.contains("Too SLOW"));
    assert!(
        page.contains(r#"<option value="promoter" selected>"#) && page.contains(r#"value="SLOW""#)
    );
    assert!(
        page.contains(r#"href="/v1/surveys/s/responses.csv?category=promoter&amp;q=SLOW""#),
        "the CSV link keeps the filter"
    );
    let (_, _, none) = get(&app, "/report/s?q=nothing-like-this").await;
    assert!(none.contains("No comments match."));
}

async fn a_csv_export_longer_than_a_chunk_has_every_row_once_in_order(db: Db) {
    let app = db.collector().await;
    // 700 responses: the export streams them in several chunks of rows.
    let scores: Vec<u8> = (0..700).map(|i| (i % 11) as u8).collect();
    post_ok(&app, nps_data(&scores, 3)).await;
    let (status, _, body) = get(&app, "/v1/surveys/s/responses.csv").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().get(0),
        Some("id"),
        "one header line, first"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 700, "every response, no shown event");
    let ids: std::collections::HashSet<&str> = rows.iter().map(|row| &row[0]).collect();
    assert_eq!(ids.len(), 700, "each once");
    assert!(rows.iter().all(|row| &row[1] == "response"));
    // Oldest first; these share their time, so the id orders them.
    assert!(rows.windows(2).all(|pair| pair[0][0] < pair[1][0]));
}

async fn generated_events_are_what_the_report_counts(db: Db) {
    let store = survey_collector::store::Store::connect(&db.fresh_url().await)
        .await
        .unwrap();
    let written = survey_collector::generate::events(&store, "generated", 2_500)
        .await
        .unwrap();
    assert_eq!(written, 2_500);
    let filter = survey_collector::filter::Filter::default();
    let counts = store.survey("generated", &filter).await.unwrap().unwrap();
    assert_eq!(counts.responses + counts.shown + counts.dismissed, 2_500);
    assert!(
        (500..1_000).contains(&counts.responses),
        "about 30%: {counts:?}"
    );
}

async fn csv_export_quotes_and_defuses_cells(db: Db) {
    let app = db.collector().await;
    post_ok(
        &app,
        json!([
            event_at(
                "r1",
                "response",
                "s",
                "csat",
                Some(5),
                Some("Great, \"really\"\nthanks"),
                "2026-11-20T10:00:00Z"
            ),
            event_at(
                "r2",
                "response",
                "s",
                "csat",
                Some(1),
                Some("=HYPERLINK(\"http://evil\")"),
                "2026-11-21T10:00:00Z"
            ),
            event_at(
                "r3",
                "response",
                "s",
                "csat",
                Some(3),
                None,
                "2026-11-22T10:00:00Z"
            ),
            event_at(
                "sh",
                "shown",
                "s",
                "csat",
                None,
                None,
                "2026-11-22T10:00:00Z"
            ),
        ]),
    )
    .await;
    let (status, headers, body) = get(&app, "/v1/surveys/s/responses.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"s-responses.csv\""
    );
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().take(7).collect::<Vec<_>>(),
        [
            "id",
            "event",
            "survey_id",
            "kind",
            "score",
            "category",
            "comment"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cells = |row: &csv::StringRecord| {
        (
            row[0].to_owned(),
            row[4].to_owned(),
            row[5].to_owned(),
            row[6].to_owned(),
        )
    };
    assert_eq!(
        rows.iter().map(cells).collect::<Vec<_>>(),
        [
            (
                uuid("r1"),
                "5".into(),
                "satisfied".into(),
                "Great, \"really\"\nthanks".into()
            ),
            (
                uuid("r2"),
                "1".into(),
                "unsatisfied".into(),
                "'=HYPERLINK(\"http://evil\")".into()
            ),
            (uuid("r3"), "3".into(), "neutral".into(), String::new()),
        ]
    );
    let (_, _, filtered) = get(
        &app,
        "/v1/surveys/s/responses.csv?from=2026-11-21&category=unsatisfied",
    )
    .await;
    assert_eq!(filtered.lines().count(), 2, "{filtered}");
    assert_eq!(
        get_json(&app, "/v1/surveys/nope/responses.csv").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_endpoint() {
    let (status, doc) = get_json(&collector().await, "/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    // Every JSON route of the route table, with its method: none can be left undocumented.
    let mut documented = 0;
    for endpoint in survey_collector::routes::endpoints() {
        if !endpoint.path.starts_with("/v1/") && endpoint.path != "/health" {
            continue;
        }
        let method = endpoint.method.as_str().to_lowercase();
        let operation = &doc["paths"][endpoint.path][&method];
        assert!(
            operation.is_object(),
            "{method} {} missing from /openapi.json",
            endpoint.path
        );
        let public = operation["security"] == json!([]);
        assert_eq!(
            public,
            endpoint.access == survey_collector::auth::Access::Public,
            "{method} {}: the document's security matches the route's access",
            endpoint.path
        );
        documented += 1;
    }
    assert!(documented >= 20, "{documented}");
}

#[tokio::test]
async fn html_report_escapes_comments_and_needs_no_inline_code() {
    let app = collector().await;
    let hostile = "<script>alert(1)</script> & \"quotes\"";
    post_ok(&app, nps_data(&[9, 2], 4)).await;
    post_ok(
        &app,
        event("r-1", "response", "s", "nps", Some(2), Some(hostile)),
    )
    .await;
    // A survey id cannot hold markup or slashes: the id rule refuses it at the door.
    let (status, _) = post_events(
        &app,
        None,
        event("weird", "shown", "a/b <i>?", "nps", None, None).to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, headers, page) = get(&app, "/report/s").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    // The only script is the console's own file (no inline code, no hostile markup).
    assert_eq!(
        page.matches("<script").count(),
        page.matches(r#"<script type="module" src="/console.js">"#)
            .count(),
        "unescaped or inline script in the page"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(!page.contains("style=") && !page.contains("<style"));
    assert!(page.contains("<svg") && page.contains("/report.css"));
    assert!(
        page.contains(">0<"),
        "NPS of one promoter and one detractor is 0"
    );

    let (_, _, index) = get(&app, "/report").await;
    assert!(index.contains("href=\"/report/s\""));
    assert_eq!(
        get(&app, "/report/a%2Fb%20%3Ci%3E%3F").await.0,
        StatusCode::NOT_FOUND
    );

    let (status, headers, css) = get(&app, "/report.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
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
    assert_eq!(
        get_json(&collector().await, "/health").await,
        (StatusCode::OK, json!({"status": "ok"}))
    );
}

/// The UUIDs of test labels, sorted.
fn labels(labels: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = labels.iter().map(|label| uuid(label)).collect();
    ids.sort();
    ids
}
