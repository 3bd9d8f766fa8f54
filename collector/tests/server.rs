//! The `survey-collector` binary as an operator meets it: `--help`, startup errors, JSON logs,
//! and a graceful stop on SIGTERM that loses no accepted event.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_survey-collector");

/// A running collector and its address (`127.0.0.1:PORT`).
struct Running {
    child: Child,
    addr: String,
}

/// Starts the collector on a free port with `args`, once it says it listens.
fn start(args: &[&str]) -> Running {
    start_with(args, &[])
}

/// [`start`] with extra environment variables.
fn start_with(args: &[&str], env: &[(&str, &str)]) -> Running {
    let mut child = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--static-dir", "tests/static"])
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("survey-collector listening on http://")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();
    Running { child, addr }
}

impl Running {
    /// Sends SIGTERM.
    fn terminate(&self) {
        assert!(Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success());
    }

    /// Sends SIGTERM and waits for a successful exit; returns the logs.
    fn stop(self) -> String {
        self.terminate();
        self.wait()
    }

    /// Waits (at most 10 s) for a successful exit; returns the logs.
    fn wait(mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "the collector did not stop on SIGTERM"
            );
            sleep(Duration::from_millis(20));
        }
        assert!(self.child.wait().unwrap().success());
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        stderr
    }
}

/// A plain HTTP/1.1 request on a new connection; returns the status and the body.
fn request(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let (status, _, body) = request_with(addr, method, path, "", body);
    (status, body)
}

/// A request with extra header lines (each ending in `\r\n`); returns status, head and body.
fn request_with(
    addr: &str,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len())
        .unwrap();
    read_full_response(stream)
}

/// Reads a whole `Connection: close` response: status and body.
fn read_response(stream: TcpStream) -> (u16, String) {
    let (status, _, body) = read_full_response(stream);
    (status, body)
}

/// Reads a whole `Connection: close` response: status, head and body.
fn read_full_response(mut stream: TcpStream) -> (u16, String, String) {
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{response:?}"));
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_owned(), body.to_owned())
}

/// Runs `survey-collector ARGS` with `stdin`; returns its standard output.
fn run_with_input(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A fresh SQLite file's URL (and the file, to delete).
fn temp_database(name: &str) -> (String, std::path::PathBuf) {
    let db =
        std::env::temp_dir().join(format!("survey-collector-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    (format!("sqlite://{}?mode=rwc", db.display()), db)
}

fn shown_event() -> String {
    serde_json::json!({
        "id": "5f0c6a3e-8a43-4a7e-9d61-0c1f7f2f9a10", "event": "shown", "survey_id": "s", "kind": "nps", "locale": "en",
        "page_url": "https://example.com/", "at": "2026-11-23T10:00:00Z",
        "widget_version": "0.1.0", "survey_version": "h1"
    })
    .to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(BINARY).args(args).output().unwrap()
}

#[test]
fn help_explains_every_option_and_its_environment_variable() {
    let help = String::from_utf8(run(&["--help"]).stdout).unwrap();
    for needle in [
        "--listen",
        "COLLECTOR_LISTEN",
        "--database-url",
        "DATABASE_URL",
        "postgres://",
        "--static-dir",
        "--cors-origin",
        "COLLECTOR_CORS_ORIGINS",
        "--write-key-file",
        "COLLECTOR_WRITE_KEY",
        "--database-url-file",
        "--header-timeout-seconds",
        "--shutdown-timeout-seconds",
        "--trust-forwarded-for",
        "--public-url",
        "X-Write-Key",
        "--log-format",
        "COLLECTOR_LOG_FORMAT",
        "RUST_LOG",
    ] {
        assert!(
            help.contains(needle),
            "--help does not mention {needle}:\n{help}"
        );
    }
}

#[test]
fn a_port_in_use_or_a_bad_database_url_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = run(&["--listen", &addr, "--database-url", "sqlite::memory:"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")) && stderr.contains("in use"),
        "{stderr}"
    );

    let output = run(&[
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        "mysql-ish://nowhere",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("cannot open the database (--database-url)"),
        "{stderr}"
    );
}

#[test]
fn json_logs_have_one_line_per_request_without_the_query() {
    let collector = start(&["--database-url", "sqlite::memory:", "--log-format", "json"]);
    assert_eq!(
        request(&collector.addr, "GET", "/health?write_key=secret", "").0,
        200
    );
    let logs = collector.stop();
    let line = logs
        .lines()
        .find(|line| line.contains("/health"))
        .unwrap_or_else(|| panic!("no request line in {logs}"));
    let line: Value = serde_json::from_str(line).unwrap();
    // The request's span (TraceLayer's) carries method and path; the line, status and latency.
    assert_eq!(
        (
            line["span"]["method"].as_str(),
            line["span"]["path"].as_str(),
            line["status"].as_u64()
        ),
        (Some("GET"), Some("/health"), Some(200))
    );
    assert!(
        line["latency_ms"].as_f64().is_some() && line["level"] == "INFO",
        "{line}"
    );
    assert!(!logs.contains("secret"));
}

#[test]
fn sigterm_finishes_the_request_in_flight_and_keeps_its_event() {
    let (url, db) = temp_database("shutdown");
    let collector = start(&["--database-url", &url]);

    // Half a request is on the wire when the signal arrives; the rest follows after it.
    let body = shown_event();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(&collector.addr).unwrap();
    write!(stream, "POST /v1/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{head}", body.len())
        .unwrap();
    sleep(Duration::from_millis(200));
    collector.terminate();
    sleep(Duration::from_millis(300));
    stream.write_all(tail.as_bytes()).unwrap();
    assert_eq!(read_response(stream), (200, r#"{"accepted":1}"#.to_owned()));
    collector.wait();

    let restarted = start(&["--database-url", &url]);
    let token = run_with_input(
        &[
            "token",
            "create",
            "ops",
            "--role",
            "viewer",
            "--database-url",
            &url,
        ],
        "",
    );
    let bearer = format!("Authorization: Bearer {}\r\n", token.trim());
    let (status, _, events) = request_with(
        &restarted.addr,
        "GET",
        "/v1/events?survey_id=s",
        &bearer,
        "",
    );
    assert_eq!(status, 200);
    let events: Value = serde_json::from_str(&events).unwrap();
    assert_eq!(
        events["events"].as_array().map(Vec::len),
        Some(1),
        "{events}"
    );
    restarted.stop();
    let _ = std::fs::remove_file(&db);
}

/// The first admin, from the environment.
const ADMIN_ENV: &[(&str, &str)] = &[
    ("COLLECTOR_ADMIN_EMAIL", "admin@example.com"),
    ("COLLECTOR_ADMIN_PASSWORD", "an admin password"),
];

#[test]
fn accounts_from_the_command_line_and_the_environment_can_sign_in() {
    let (url, db) = temp_database("accounts");
    let added = run_with_input(
        &[
            "user",
            "add",
            "Viewer@Example.com",
            "--role",
            "viewer",
            "--database-url",
            &url,
        ],
        "a long viewer password\n",
    );
    assert_eq!(added.trim(), "added viewer@example.com (viewer)");
    let token = run_with_input(
        &[
            "token",
            "create",
            "ci",
            "--role",
            "admin",
            "--database-url",
            &url,
        ],
        "",
    );
    assert!(
        token.trim().starts_with("sct_") && token.trim().len() == 68,
        "{token}"
    );

    // The first admin from the environment is created only while there is no user: here, never.
    let collector = start_with(&["--database-url", &url], ADMIN_ENV);
    let addr = collector.addr.clone();
    let form = "application/x-www-form-urlencoded";
    let sign_in = |email: &str, password: &str| {
        let body = format!(
            "email={email}&password={}&next=%2Freport",
            password.replace(' ', "+")
        );
        request_with(
            &addr,
            "POST",
            "/login",
            &format!("Content-Type: {form}\r\n"),
            &body,
        )
    };
    assert_eq!(
        sign_in("admin%40example.com", "an admin password").0,
        401,
        "not created: users existed"
    );
    let (status, head, _) = sign_in("viewer%40example.com", "a long viewer password");
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("\r\nlocation: /report"), "{head}");
    let cookie = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: survey_session="))
        .unwrap_or_else(|| panic!("no session cookie: {head}"));
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    let session = cookie["set-cookie: ".len()..]
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (status, _, _) = request_with(
        &addr,
        "GET",
        "/report",
        &format!("Cookie: {session}\r\n"),
        "",
    );
    assert_eq!(status, 200);
    collector.stop();
    let _ = std::fs::remove_file(&db);

    // On an empty database the environment's admin is created and can sign in.
    let (url, db) = temp_database("bootstrap");
    let collector = start_with(&["--database-url", &url], ADMIN_ENV);
    let addr = collector.addr.clone();
    let body = "email=admin%40example.com&password=an+admin+password";
    let (status, head, _) = request_with(
        &addr,
        "POST",
        "/login",
        &format!("Content-Type: {form}\r\n"),
        body,
    );
    assert_eq!(status, 303, "{head}");
    assert!(head.contains("\r\nlocation: /admin"), "{head}");
    collector.stop();
    let _ = std::fs::remove_file(&db);
}

#[test]
fn a_slow_client_is_cut_off_and_cannot_hold_a_shutdown() {
    let (url, db) = temp_database("slowloris");
    let collector = start(&[
        "--database-url",
        &url,
        "--header-timeout-seconds",
        "1",
        "--shutdown-timeout-seconds",
        "1",
    ]);
    // Half the headers, then silence: the server hangs up after its header timeout.
    let mut slow = TcpStream::connect(&collector.addr).unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let start = Instant::now();
    let mut buffer = [0u8; 256];
    let outcome = slow.read(&mut buffer);
    assert!(
        outcome.is_ok() && start.elapsed() < Duration::from_secs(4),
        "{outcome:?} after {:?}: the server should hang up (or answer 408) after 1 s",
        start.elapsed()
    );

    // A half-sent request at SIGTERM does not keep the process alive past its deadline.
    let mut pending = TcpStream::connect(&collector.addr).unwrap();
    pending
        .write_all(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        .unwrap();
    sleep(Duration::from_millis(200));
    let start = Instant::now();
    collector.terminate();
    let logs = collector.wait();
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "stopped after {:?}: {logs}",
        start.elapsed()
    );
    assert!(!logs.contains("database is locked"), "{logs}");
    let _ = std::fs::remove_file(&db);
}

#[test]
fn secrets_come_from_files_or_the_environment() {
    let (url, db) = temp_database("secrets");
    let dir = std::env::temp_dir();
    let url_file = dir.join(format!("survey-url-{}", std::process::id()));
    let key_file = dir.join(format!("survey-key-{}", std::process::id()));
    std::fs::write(&url_file, format!("{url}\n")).unwrap();
    std::fs::write(&key_file, "k3y\n").unwrap();
    let collector = start(&[
        "--database-url-file",
        url_file.to_str().unwrap(),
        "--write-key-file",
        key_file.to_str().unwrap(),
    ]);
    let event = shown_event();
    assert_eq!(
        request(&collector.addr, "POST", "/v1/events", &event).0,
        401
    );
    let (status, _, _) = request_with(
        &collector.addr,
        "POST",
        "/v1/events",
        "X-Write-Key: k3y\r\n",
        &event,
    );
    assert_eq!(status, 200);
    collector.stop();
    assert!(
        std::fs::metadata(&db).is_ok(),
        "the URL from the file was used"
    );
    let on_command_line = run(&["--write-key", "k3y"]);
    assert!(
        !on_command_line.status.success(),
        "no secret on the command line"
    );
    let output = run(&[
        "--listen",
        "127.0.0.1:1",
        "--database-url",
        "postgres://u:secret@127.0.0.1:1/db",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds a password"), "{stderr}");
    for file in [&url_file, &key_file, &db] {
        let _ = std::fs::remove_file(file);
    }
}
