//! Closing the loop (SPEC 7.3): signed webhook deliveries that survive failures and restarts,
//! one per response once it is final, never twice with two replicas; refused targets (tested at
//! creation and with an injected resolver: no test connects outside 127.0.0.0/8); a visitor's
//! profile; erasure and retention. On SQLite and PostgreSQL.

#[macro_use]
mod common;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use common::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use survey_collector::store::Store;
use survey_collector::webhooks::sign::signature;
use survey_collector::webhooks::target::{Resolve, SystemResolver, TargetPolicy};
use survey_collector::webhooks::worker::{deliver_due, WorkerOptions};

on_both_databases!(
    a_receiver_failing_twice_gets_one_signed_delivery_with_one_id,
    a_receiver_down_across_a_restart_still_gets_the_delivery,
    a_late_comment_is_delivered_once_and_a_lone_score_after_the_settle_time,
    two_replicas_deliver_each_response_exactly_once,
    erasing_a_visitor_leaves_no_trace_and_cancels_their_deliveries,
    a_visitors_profile_has_the_latest_answer_per_kind,
    a_breakdown_by_attribute_matches_a_hand_computed_fixture,
    an_answer_that_leaves_the_filter_before_it_is_sent_is_not_sent,
);

/// What a receiver got: headers and body of each request.
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    /// Statuses to answer, in order; then 200.
    script: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    fn got(&self) -> Vec<(HeaderMap, Value)> {
        self.got.lock().unwrap().clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    receiver
        .got
        .lock()
        .unwrap()
        .push((headers, serde_json::from_str(&body).unwrap_or(Value::Null)));
    let mut script = receiver.script.lock().unwrap();
    let status = if script.is_empty() {
        200
    } else {
        script.remove(0)
    };
    StatusCode::from_u16(status).unwrap()
}

/// A receiver on `addr` (127.0.0.1:0 for any port) answering `script` then 200.
async fn start_receiver(addr: SocketAddr, script: Vec<u16>) -> (Receiver, SocketAddr) {
    let receiver = Receiver {
        script: Arc::new(Mutex::new(script)),
        ..Receiver::default()
    };
    let app = Router::new()
        .route("/hook", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let bound = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (receiver, bound)
}

fn options(allow_private: bool) -> WorkerOptions {
    let policy = TargetPolicy {
        resolver: Arc::new(SystemResolver),
        allow_private,
    };
    WorkerOptions {
        retry_base: Duration::from_millis(20),
        ..WorkerOptions::new(policy, "http://collector.test".into())
    }
}

/// A collector (admin requests) over `url`, with the given settle time, and its store.
async fn collector_on(url: &str, settle_seconds: u32) -> (Router, Store) {
    let mut config = config(url);
    config.webhook_settle_seconds = settle_seconds;
    let app = collector_with(config.clone()).await;
    let store = Store::connect(url).await.unwrap();
    (app, store)
}

/// The webhooks' secret: a short one, as an owner may choose (any non-empty secret will do).
const SECRET: &str = "s3cret";

async fn add_webhook(app: &Router, receiver: SocketAddr, extra: Value) -> String {
    let mut body = json!({"url": format!("http://{receiver}/hook"), "secret": SECRET});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, created) = post_json(app, "/v1/webhooks", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn post_json(app: &Router, uri: &str, body: Value) -> (StatusCode, Value) {
    let request = axum::http::Request::post(uri)
        .body(axum::body::Body::from(body.to_string()))
        .unwrap();
    let (status, _, bytes) = send(app, request).await;
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Runs the worker until `done` holds (at most 10 s).
async fn deliver_until(store: &Store, options: &WorkerOptions, done: impl Fn() -> bool) {
    for _ in 0..500 {
        deliver_due(store, options).await.unwrap();
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("deliveries did not finish");
}

/// A file-backed database (two stores must share it), and its file.
async fn shared_database(db: &Db, name: &str) -> String {
    match db {
        Db::Sqlite => {
            let file =
                std::env::temp_dir().join(format!("survey-hooks-{name}-{}.db", std::process::id()));
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
            format!("sqlite://{}?mode=rwc", file.display())
        }
        Db::Postgres(_) => db.fresh_url().await,
    }
}

fn check_signature(headers: &HeaderMap, body: &Value) {
    let timestamp: i64 = headers["x-survey-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let expected = signature(SECRET, timestamp, body.to_string().as_bytes());
    assert_eq!(headers["x-survey-signature"], expected.as_str());
}

async fn a_receiver_failing_twice_gets_one_signed_delivery_with_one_id(db: Db) {
    let url = shared_database(&db, "retry").await;
    let (app, store) = collector_on(&url, 120).await;
    let (receiver, addr) = start_receiver("127.0.0.1:0".parse().unwrap(), vec![500, 500]).await;
    let webhook = add_webhook(&app, addr, json!({})).await;
    post_ok(
        &app,
        event("r", "response", "s", "nps", Some(3), Some("Too slow")),
    )
    .await;
    let options = options(true);
    deliver_until(&store, &options, || receiver.got().len() == 3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    deliver_due(&store, &options).await.unwrap();
    let got = receiver.got();
    assert_eq!(got.len(), 3, "two refusals, one acceptance, nothing after");
    let ids: Vec<_> = got
        .iter()
        .map(|(h, _)| h["x-survey-delivery"].clone())
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one delivery id on every attempt"
    );
    let (headers, body) = &got[2];
    check_signature(headers, body);
    assert_eq!(body["delivery_id"], ids[0].to_str().unwrap());
    assert_eq!(body["event"]["comment"], "Too slow");
    assert_eq!(
        body["event"]["category"], "detractor",
        "the server's category"
    );
    assert_eq!(body["report_url"], "http://collector.test/report/s");
    let (_, log) = get_json(&app, &format!("/v1/webhooks/{webhook}/deliveries")).await;
    assert_eq!(
        (log[0]["status"].clone(), log[0]["attempts"].clone()),
        (json!("delivered"), json!(3))
    );
}

async fn a_receiver_down_across_a_restart_still_gets_the_delivery(db: Db) {
    let url = shared_database(&db, "restart").await;
    let (app, store) = collector_on(&url, 120).await;
    // A port nobody listens on (yet).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    add_webhook(&app, port, json!({})).await;
    post_ok(
        &app,
        event("r", "response", "s", "csat", Some(5), Some("Great")),
    )
    .await;
    let options = options(true);
    assert_eq!(
        deliver_due(&store, &options).await.unwrap(),
        1,
        "one attempt, refused"
    );
    drop((app, store));
    // The collector restarts (a new process on the same database), the receiver comes back.
    let (_app, store) = collector_on(&url, 120).await;
    let (receiver, _) = start_receiver(port, vec![]).await;
    deliver_until(&store, &options, || receiver.got().len() == 1).await;
    assert_eq!(receiver.got()[0].1["event"]["comment"], "Great");
}

async fn a_late_comment_is_delivered_once_and_a_lone_score_after_the_settle_time(db: Db) {
    let url = shared_database(&db, "settle").await;
    let (app, store) = collector_on(&url, 1).await;
    let (receiver, addr) = start_receiver("127.0.0.1:0".parse().unwrap(), vec![]).await;
    add_webhook(&app, addr, json!({})).await;
    let options = options(true);
    post_ok(&app, event("a", "response", "s", "nps", Some(9), None)).await;
    post_ok(&app, event("b", "response", "s", "nps", Some(7), None)).await;
    assert_eq!(
        deliver_due(&store, &options).await.unwrap(),
        0,
        "waiting for their comments"
    );
    post_ok(
        &app,
        event("a", "response", "s", "nps", Some(9), Some("Love it")),
    )
    .await;
    deliver_until(&store, &options, || receiver.got().len() == 1).await;
    assert_eq!(receiver.got()[0].1["event"]["comment"], "Love it");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    deliver_until(&store, &options, || receiver.got().len() == 2).await;
    let lone = &receiver.got()[1].1;
    assert_eq!(
        (
            lone["event"]["score"].clone(),
            lone["event"]["comment"].clone()
        ),
        (json!(7), Value::Null)
    );
    // Late retries of either post queue nothing new.
    post_ok(
        &app,
        event("a", "response", "s", "nps", Some(9), Some("Love it")),
    )
    .await;
    post_ok(
        &app,
        event("b", "response", "s", "nps", Some(7), Some("Too late")),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    deliver_due(&store, &options).await.unwrap();
    assert_eq!(receiver.got().len(), 2, "one delivery per response");
}

async fn two_replicas_deliver_each_response_exactly_once(db: Db) {
    let url = shared_database(&db, "replicas").await;
    let (app, first) = collector_on(&url, 120).await;
    let second = Store::connect(&url).await.unwrap();
    let (receiver, addr) = start_receiver("127.0.0.1:0".parse().unwrap(), vec![]).await;
    add_webhook(
        &app,
        addr,
        json!({"surveys": ["s"], "categories": ["detractor", "promoter"]}),
    )
    .await;
    let answers: Vec<Value> = (0..200)
        .map(|i| {
            event(
                &format!("r{i}"),
                "response",
                "s",
                "nps",
                Some(if i % 2 == 0 { 1 } else { 10 }),
                Some("why"),
            )
        })
        .collect();
    post_ok(&app, Value::from(answers)).await;
    // Filtered out: another survey, and a passive.
    post_ok(
        &app,
        event("x", "response", "t", "nps", Some(1), Some("other survey")),
    )
    .await;
    post_ok(
        &app,
        event("p", "response", "s", "nps", Some(8), Some("passive")),
    )
    .await;
    let options = options(true);
    let workers = [first, second].map(|store| {
        let options = options.clone();
        let receiver = receiver.clone();
        tokio::spawn(async move {
            deliver_until(&store, &options, || receiver.got().len() >= 200).await;
        })
    });
    for worker in workers {
        worker.await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let got = receiver.got();
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for (headers, _) in &got {
        *per_id
            .entry(headers["x-survey-delivery"].to_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(got.len(), 200, "200 responses, 200 deliveries, no more");
    assert!(per_id.values().all(|n| *n == 1), "no delivery sent twice");
}

async fn erasing_a_visitor_leaves_no_trace_and_cancels_their_deliveries(db: Db) {
    let url = shared_database(&db, "erase").await;
    let (app, store) = collector_on(&url, 120).await;
    let (receiver, addr) = start_receiver("127.0.0.1:0".parse().unwrap(), vec![]).await;
    let webhook = add_webhook(&app, addr, json!({})).await;
    let mut mine = event("m", "response", "s", "nps", Some(2), None);
    mine["visitor_id"] = json!("erase-me");
    let mut shown = event("m-shown", "shown", "s", "nps", None, None);
    shown["visitor_id"] = json!("erase-me");
    post_ok(&app, json!([shown, mine])).await;
    let mut comment = event(
        "m",
        "response",
        "s",
        "nps",
        Some(2),
        Some("my secret complaint"),
    );
    comment["visitor_id"] = json!("erase-me");
    post_ok(&app, comment).await;
    post_ok(
        &app,
        event("o", "response", "s", "nps", Some(10), Some("someone else")),
    )
    .await;
    let (status, erased) = send(
        &app,
        axum::http::Request::delete("/v1/visitors/erase-me")
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .into_json();
    assert_eq!((status, erased), (StatusCode::OK, json!({"deleted": 2})));
    let (_, report) = get_json(&app, "/v1/surveys/s/report").await;
    assert_eq!(report["responses"], 1);
    assert_eq!(
        report["shown"], 0,
        "the erased impression is not counted either"
    );
    assert!(!report.to_string().contains("my secret"));
    let (_, _, csv) = get(&app, "/v1/surveys/s/responses.csv").await;
    assert!(!csv.contains("erase-me"));
    let (status, profile) = get_json(&app, "/v1/visitors/erase-me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (profile["latest"].clone(), profile["events"].clone()),
        (json!({}), json!([]))
    );
    deliver_until(&store, &options(true), || receiver.got().len() == 1).await;
    assert!(receiver
        .got()
        .iter()
        .all(|(_, body)| !body.to_string().contains("erase-me")));
    let (_, log) = get_json(&app, &format!("/v1/webhooks/{webhook}/deliveries")).await;
    let statuses: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.contains(&"cancelled") && statuses.contains(&"delivered"),
        "{statuses:?}"
    );
    // Retention erases by date.
    post_ok(
        &app,
        event_at(
            "old",
            "shown",
            "s",
            "nps",
            None,
            None,
            "2020-01-01T00:00:00Z",
        ),
    )
    .await;
    let in_2020 = "/v1/surveys/s/report?from=2020-01-01&to=2020-01-31";
    assert_eq!(get_json(&app, in_2020).await.1["shown"], 1);
    let start_of_2025 = 1_735_689_600_000;
    assert_eq!(
        store.erase_before(start_of_2025).await.unwrap(),
        1,
        "only the 2020 event"
    );
    assert_eq!(
        get_json(&app, in_2020).await.1["shown"],
        0,
        "no longer counted"
    );
}

async fn a_visitors_profile_has_the_latest_answer_per_kind(db: Db) {
    let app = db.collector().await;
    post_ok(
        &app,
        json!([
            event_at(
                "n1",
                "response",
                "nps-a",
                "nps",
                Some(3),
                Some("meh"),
                "2026-11-01T10:00:00Z"
            ),
            event_at(
                "n2",
                "response",
                "nps-b",
                "nps",
                Some(9),
                Some("better"),
                "2026-11-20T10:00:00Z"
            ),
            event_at(
                "c1",
                "response",
                "csat-a",
                "csat",
                Some(4),
                None,
                "2026-11-10T10:00:00Z"
            ),
            event_at(
                "s1",
                "shown",
                "nps-a",
                "nps",
                None,
                None,
                "2026-11-21T10:00:00Z"
            ),
        ]),
    )
    .await;
    let (status, profile) = get_json(&app, "/v1/visitors/v1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        profile["latest"]["nps"],
        json!({"score": 9, "category": "promoter", "comment": "better",
        "at": "2026-11-20T10:00:00.000Z", "survey_id": "nps-b"})
    );
    assert_eq!(profile["latest"]["csat"]["score"], 4);
    assert!(profile["latest"].get("ces").is_none());
    assert_eq!(profile["events"].as_array().unwrap().len(), 4);
    assert_eq!(profile["events"][0]["event"], "shown", "newest first");
}

/// A resolver that answers from a table (no network).
#[derive(Debug)]
struct Table(HashMap<&'static str, &'static str>);

impl Resolve for Table {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::io::Result<Vec<SocketAddr>>> + Send + 'a>,
    > {
        let found = self
            .0
            .get(host)
            .map(|ip| vec![SocketAddr::new(ip.parse().unwrap(), port)]);
        Box::pin(async move { found.ok_or_else(|| std::io::Error::other("unknown name")) })
    }
}

#[tokio::test]
async fn webhook_targets_that_are_not_public_http_are_refused() {
    let mut config = config("sqlite::memory:");
    config.allow_private_webhooks = false;
    let app = collector_with(config).await;
    for url in [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/hook",
        "http://localhost:9/hook",
        "http://[::1]/hook",
        "gopher://example.com/",
    ] {
        let (status, answer) =
            post_json(&app, "/v1/webhooks", json!({"url": url, "secret": SECRET})).await;
        assert_eq!(
            (status, answer["path"].as_str()),
            (StatusCode::BAD_REQUEST, Some("url")),
            "{url}: {answer}"
        );
    }
    let (status, answer) = post_json(
        &app,
        "/v1/webhooks",
        json!({"url": "https://hooks.example.com/x", "secret": ""}),
    )
    .await;
    assert_eq!(
        (status, answer["path"].as_str()),
        (StatusCode::BAD_REQUEST, Some("secret")),
        "a delivery cannot be signed without a secret"
    );
    // Names, resolved by an injected resolver: never by connecting anywhere.
    let policy = TargetPolicy {
        resolver: Arc::new(Table(HashMap::from([
            ("internal.example", "10.1.2.3"),
            ("rebind.example", "127.0.0.1"),
            ("public.example", "93.184.216.34"),
        ]))),
        allow_private: false,
    };
    for refused in [
        "http://internal.example/hook",
        "https://rebind.example/hook",
    ] {
        assert!(policy.check(refused).await.is_err(), "{refused}");
    }
    let target = policy.check("https://public.example/hook").await.unwrap();
    assert_eq!(
        target.addrs,
        vec!["93.184.216.34:443".parse::<SocketAddr>().unwrap()],
        "pinned"
    );
}

/// Status and JSON of a response.
trait IntoJson {
    fn into_json(self) -> (StatusCode, Value);
}

impl IntoJson for (StatusCode, HeaderMap, axum::body::Bytes) {
    fn into_json(self) -> (StatusCode, Value) {
        (
            self.0,
            serde_json::from_slice(&self.2).unwrap_or(Value::Null),
        )
    }
}

async fn a_breakdown_by_attribute_matches_a_hand_computed_fixture(db: Db) {
    let app = db.collector().await;
    // pro: 10, 9, 2 -> 2 promoters, 1 detractor of 3: NPS 33.3. free: 6, 7, 8, 9 -> 1 and 1 of
    // 4: NPS 0. One response without the attribute is in no row. All in the week of 16-22 Nov;
    // the week before has one detractor.
    let rows = [
        ("a", Some("pro"), 10, 16),
        ("b", Some("pro"), 9, 17),
        ("c", Some("pro"), 2, 18),
        ("d", Some("free"), 6, 19),
        ("e", Some("free"), 7, 20),
        ("f", Some("free"), 8, 21),
        ("g", Some("free"), 9, 22),
        ("h", None, 0, 22),
        ("old", Some("pro"), 1, 10),
    ];
    for (id, plan, score, day) in rows {
        let mut answer = event_at(
            id,
            "response",
            "s",
            "nps",
            Some(score),
            None,
            &format!("2026-11-{day}T12:00:00Z"),
        );
        let mut attributes = json!({"device": "desktop", "utm_source": "newsletter"});
        if let Some(plan) = plan {
            attributes["plan"] = json!(plan);
        }
        answer["attributes"] = attributes;
        post_ok(&app, answer).await;
    }
    let (status, report) = get_json(
        &app,
        "/v1/surveys/s/report?from=2026-11-16&to=2026-11-22&by=plan",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let breakdown = report["breakdown"].as_array().unwrap();
    assert_eq!(breakdown.len(), 2);
    assert_eq!(
        (
            breakdown[0]["value"].clone(),
            breakdown[0]["responses"].clone(),
            breakdown[0]["score"].as_f64()
        ),
        (json!("free"), json!(4), Some(0.0))
    );
    assert_eq!(
        (
            breakdown[1]["value"].clone(),
            breakdown[1]["responses"].clone()
        ),
        (json!("pro"), json!(3))
    );
    assert!((breakdown[1]["score"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(report["responses"], 8);
    assert_eq!(
        report["previous"],
        json!({"from": "2026-11-09", "to": "2026-11-15", "responses": 1, "score": -100.0})
    );
    let (_, by_device) = get_json(&app, "/v1/surveys/s/report?by=device").await;
    // Every response came from a desktop: 3 promoters (10, 9, 9), 4 detractors (2, 6, 0, 1) of 9.
    let desktop = &by_device["breakdown"][0];
    assert_eq!(
        (desktop["value"].clone(), desktop["responses"].clone()),
        (json!("desktop"), json!(9))
    );
    assert!((desktop["score"].as_f64().unwrap() + 100.0 / 9.0).abs() < 1e-9);
    // Bounded: at most 20 names, strings or numbers only, 200 characters.
    let too_many: serde_json::Map<String, Value> =
        (0..21).map(|i| (format!("k{i}"), json!(i))).collect();
    for (attributes, message) in [
        (Value::Object(too_many), "attributes: 21 names, at most 20"),
        (
            json!({"plan": {"nested": true}}),
            "attributes.plan: must be a string or a number",
        ),
        (
            json!({"plan": "x".repeat(201)}),
            "attributes.plan: 201 characters, at most 200 allowed",
        ),
        (
            json!({"bad name": "x"}),
            "attributes: \"bad name\" is not an attribute name",
        ),
    ] {
        let mut bad = event("z", "shown", "s", "nps", None, None);
        bad["attributes"] = attributes;
        let (status, answer) = post_events(&app, None, bad.to_string()).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some(message))
        );
    }
    let (status, _) = get_json(&app, "/v1/surveys/s/report?by=not%20a%20name").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn an_answer_that_leaves_the_filter_before_it_is_sent_is_not_sent(db: Db) {
    let url = shared_database(&db, "refilter").await;
    let (app, store) = collector_on(&url, 1).await;
    let (receiver, addr) = start_receiver("127.0.0.1:0".parse().unwrap(), vec![]).await;
    let webhook = add_webhook(&app, addr, json!({"categories": ["detractor"]})).await;
    // Queued as a detractor; the visitor then changes the score to a promoter's.
    post_ok(&app, event("r", "response", "s", "nps", Some(3), None)).await;
    post_ok(&app, event("r", "response", "s", "nps", Some(9), None)).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let options = options(true);
    assert_eq!(deliver_due(&store, &options).await.unwrap(), 1);
    assert!(
        receiver.got().is_empty(),
        "a promoter never reaches a detractors' webhook"
    );
    let (_, log) = get_json(&app, &format!("/v1/webhooks/{webhook}/deliveries")).await;
    assert_eq!(log[0]["status"], "cancelled");
}
