//! Metrics and logs of the server binary: the Prometheus listener (`APPWARD_METRICS_ADDR`)
//! counts what was sent and keeps App keys out of its labels; every line of the JSON log
//! parses; the access line has its fields and no query string; the request id is made,
//! kept from a trusted proxy, or replaced.

use crate::common;

use common::TestServer;
use common::oauth::{OAuthApp, access_token};
use common::prometheus::{self, Exposition};
use serde_json::Value;
use tokio::task::JoinSet;

/// A free port on the loopback, for the metrics listener.
fn free_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().to_string()
}

/// A server process with metrics on; returns it and its metrics address.
async fn with_metrics(vars: &[(&str, &str)]) -> (TestServer, String) {
    let addr = free_addr();
    let mut all = vec![("APPWARD_METRICS_ADDR", addr.as_str())];
    all.extend_from_slice(vars);
    (TestServer::spawn_process_with(&all).await, addr)
}

/// Scrapes `/metrics` and reads it strictly; also returns the raw text.
async fn scrape(addr: &str) -> (Exposition, String) {
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = response.text().await.unwrap();
    let exposition = prometheus::parse(&text).unwrap_or_else(|error| panic!("{error}\n{text}"));
    (exposition, text)
}

/// Every line of the log, each of which must be a JSON object.
fn json_lines(log: &str) -> Vec<Value> {
    log.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|error| panic!("not JSON ({error}): {line}\nthe log:\n{log}"));
            assert!(value.is_object(), "not an object: {line}");
            value
        })
        .collect()
}

/// The access lines of a JSON log.
fn access_lines(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|line| line["target"] == "appward::access")
        .collect()
}

/// A trusted App (client credentials) registered by the Administrator.
async fn trusted_app(app: &TestServer) -> OAuthApp {
    let admin = app.admin().await;
    app.oauth_app(&admin, "unified", &[("trusted", "on")]).await
}

fn random_key() -> String {
    appward::infra::crypto::random_token()[..32].to_owned()
}

#[tokio::test]
async fn metrics_count_the_requests_that_were_sent() {
    let (app, addr) = with_metrics(&[]).await;
    let trusted = trusted_app(&app).await;
    let token = access_token(app.client_credentials(&trusted).await).await;
    let (before, _) = scrape(&addr).await;

    // A load from 8 clients at once: tokens, token checks (good and bad), refusals.
    const ISSUED: usize = 120;
    const CHECKED: usize = 40;
    const BAD_CHECKS: usize = 10;
    const REFUSED: usize = 7;
    let mut load = JoinSet::new();
    let server = std::sync::Arc::new(app);
    for worker in 0..8 {
        let (server, trusted, token) = (server.clone(), trusted.clone(), token.clone());
        load.spawn(async move {
            for n in (worker..ISSUED).step_by(8) {
                let response = server.client_credentials(&trusted).await;
                assert_eq!(response.status(), 200, "token {n}");
            }
            for _ in (worker..CHECKED).step_by(8) {
                assert_eq!(server.me(&token).await.status(), 200);
            }
            for _ in (worker..BAD_CHECKS).step_by(8) {
                assert_eq!(server.me("not-a-token").await.status(), 401);
            }
        });
    }
    while let Some(done) = load.join_next().await {
        done.unwrap();
    }
    for _ in 0..REFUSED {
        let refused = server
            .token_request(format!(
                "grant_type=client_credentials&client_id={}&client_secret=wrong",
                trusted.key
            ))
            .await;
        assert_eq!(refused.status(), 401);
    }

    let (after, text) = scrape(&addr).await;
    let delta = |name: &str, labels: &[(&str, &str)]| {
        after.count(name, labels) - before.count(name, labels)
    };
    let token_route = [("route", "/oauth/token"), ("status", "2xx")];
    let me_route = [("route", "/uapi/v1/me"), ("status", "2xx")];
    assert_eq!(
        delta(
            "appward_tokens_issued_total",
            &[("grant_type", "client_credentials")]
        ),
        ISSUED as f64,
        "{text}"
    );
    assert_eq!(
        delta("appward_http_requests_total", &token_route),
        ISSUED as f64,
        "{text}"
    );
    assert_eq!(
        delta(
            "appward_http_requests_total",
            &[("route", "/oauth/token"), ("status", "4xx")]
        ),
        REFUSED as f64,
        "{text}"
    );
    assert_eq!(
        delta(
            "appward_http_request_duration_seconds_count",
            &[("route", "/oauth/token")]
        ),
        (ISSUED + REFUSED) as f64,
        "{text}"
    );
    assert_eq!(
        delta("appward_http_requests_total", &me_route),
        CHECKED as f64
    );
    assert_eq!(
        delta(
            "appward_http_requests_total",
            &[("route", "/uapi/v1/me"), ("status", "4xx")]
        ),
        BAD_CHECKS as f64
    );
    assert_eq!(
        delta(
            "appward_token_checks_total",
            &[("endpoint", "uapi"), ("result", "valid")]
        ),
        CHECKED as f64
    );
    assert_eq!(
        delta(
            "appward_token_checks_total",
            &[("endpoint", "uapi"), ("result", "invalid")]
        ),
        BAD_CHECKS as f64
    );
    assert_eq!(
        delta(
            "appward_oauth_refusals_total",
            &[("reason", "invalid_client")]
        ),
        REFUSED as f64,
        "{text}"
    );
    // Every token went through a committed batch of the grant writer.
    assert!(
        delta("appward_grant_writer_batch_size_sum", &[]) >= ISSUED as f64,
        "{text}"
    );
    let batches = delta("appward_grant_writer_batch_size_count", &[]);
    assert!((1.0..=ISSUED as f64).contains(&batches), "{text}");
    assert_eq!(
        delta("appward_grant_writer_commit_duration_seconds_count", &[]),
        batches
    );
    // The gauges are there, with sane values.
    assert_eq!(
        after.value("appward_grant_writer_queue_depth", &[]),
        Some(0.0)
    );
    assert!(after.count("appward_sqlite_wal_bytes", &[]) >= 0.0);
    assert!(
        after
            .value("appward_db_pool_connections_open", &[])
            .unwrap()
            >= 1.0
    );
    assert!(
        after
            .value("appward_db_pool_connections_in_use", &[])
            .is_some()
    );
    assert!(
        after
            .value("appward_failure_limit_keys", &[("store", "client_auth")])
            .unwrap()
            >= 1.0,
        "{text}"
    );
    assert!(
        after.value("appward_active_sessions", &[]).is_some(),
        "{text}"
    );
    let build = after
        .samples
        .iter()
        .find(|sample| sample.name == "appward_build_info")
        .expect("build info");
    assert_eq!(build.labels["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(build.value, 1.0);
    // Nothing of it on the console's own listener.
    let on_console = reqwest::get(format!("{}/metrics", server.url))
        .await
        .unwrap();
    assert_eq!(on_console.status(), 404);
}

/// One request naming the App key `key`: an authorization request (0), an introspection
/// (1), the App's console page (2), or a path no route matches (3).
async fn send(
    app: std::sync::Arc<TestServer>,
    admin: reqwest::Client,
    kind: usize,
    key: String,
) -> u16 {
    let response = match kind {
        0 => admin
            .get(format!(
                "{}/oauth/authorize?response_type=code&client_id={key}&state=s\
                 &redirect_uri=https%3A%2F%2Fexample.com%2F{key}",
                app.url
            ))
            .send()
            .await
            .unwrap(),
        1 => {
            app.app_post(
                "/oauth/introspect",
                format!("client_id={key}&client_secret=s-{key}&token=t-{key}"),
            )
            .await
        }
        2 => admin
            .get(format!("{}/apps/{key}", app.url))
            .send()
            .await
            .unwrap(),
        _ => reqwest::get(format!("{}/no/such/{key}", app.url))
            .await
            .unwrap(),
    };
    response.status().as_u16()
}

#[tokio::test]
async fn a_thousand_app_keys_add_no_series() {
    let (app, addr) = with_metrics(&[]).await;
    let admin = app.admin().await;
    let app = std::sync::Arc::new(app);
    // One request of each kind first: the routes' series are made at their first request.
    for kind in 0..4 {
        send(app.clone(), admin.clone(), kind, random_key()).await;
    }
    let (before, _) = scrape(&addr).await;

    let mut sent = JoinSet::new();
    let mut keys = Vec::new();
    for n in 0..1000 {
        let key = random_key();
        keys.push(key.clone());
        // 350 authorization requests, 350 introspections, 200 console pages, 100 misses.
        let kind = match n % 20 {
            0..7 => 0,
            7..14 => 1,
            14..18 => 2,
            _ => 3,
        };
        sent.spawn(send(app.clone(), admin.clone(), kind, key));
        if sent.len() >= 8 {
            sent.join_next().await.unwrap().unwrap();
        }
    }
    while let Some(status) = sent.join_next().await {
        status.unwrap();
    }
    let (after, text) = scrape(&addr).await;
    let grown = after.samples.len() as i64 - before.samples.len() as i64;
    assert!(
        grown <= 10,
        "{grown} series more after 1000 App keys ({} then {}):\n{text}",
        before.samples.len(),
        after.samples.len()
    );
    for key in &keys {
        assert!(
            !text.contains(key.as_str()),
            "an App key is in the metrics: {key}"
        );
    }
    // The requests were counted, under their templates.
    let counted = |route: &str| -> f64 {
        after
            .samples
            .iter()
            .filter(|sample| {
                sample.name == "appward_http_requests_total" && sample.labels["route"] == route
            })
            .map(|sample| sample.value)
            .sum()
    };
    assert!(counted("/oauth/authorize") >= 351.0, "{text}");
    assert!(counted("/oauth/introspect") >= 351.0, "{text}");
    assert!(counted("/apps/{key}") >= 201.0, "{text}");
    assert!(counted("unmatched") >= 101.0, "{text}");
}

#[tokio::test]
async fn every_json_log_line_parses_and_the_access_line_has_its_fields() {
    let app =
        TestServer::spawn_process_with(&[("APPWARD_LOG_FORMAT", "json"), ("RUST_LOG", "debug")])
            .await;
    let trusted = trusted_app(&app).await;
    let token = access_token(app.client_credentials(&trusted).await).await;
    let me = reqwest::get(format!("{}/uapi/v1/me?accessRequestToken={token}", app.url))
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let request_id = me.headers()["x-request-id"].to_str().unwrap().to_owned();
    let missing = reqwest::get(format!("{}/no/such/page?x=1", app.url))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    let log = app.server_log();
    let lines = json_lines(&log);
    assert!(lines.len() > 10, "{log}");
    for line in &lines {
        for field in ["timestamp", "level", "target"] {
            assert!(line.get(field).is_some(), "no {field}: {line}");
        }
    }
    let access = access_lines(&lines);
    let line = access
        .iter()
        .find(|line| line["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no access line for {request_id}:\n{log}"));
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["message"], "request");
    assert_eq!(line["method"], "GET");
    assert_eq!(line["route"], "/uapi/v1/me");
    assert_eq!(line["status"], 200);
    assert!(line["latency_ms"].as_f64().unwrap() >= 0.0, "{line}");
    assert_eq!(line["client"], "127.0.0.1");
    let missing = access
        .iter()
        .find(|line| line["status"] == 404)
        .unwrap_or_else(|| panic!("no access line for the 404:\n{log}"));
    assert_eq!(missing["route"], "unmatched");
    // Other lines of a request carry its id in their span.
    let in_request = |line: &Value| {
        line["spans"][0]["name"] == "request" && line["spans"][0]["request_id"].is_string()
    };
    assert!(
        lines
            .iter()
            .any(|line| line["message"] == "signed in" && in_request(line)),
        "{log}"
    );
    assert!(!log.contains(&token), "the token is in the log:\n{log}");
    assert!(
        !log.contains("accessRequestToken"),
        "a query is in the log:\n{log}"
    );
}

#[tokio::test]
async fn a_token_in_the_query_reaches_no_log_line_in_either_format() {
    for format in ["text", "json"] {
        let app = TestServer::spawn_process_with(&[
            ("APPWARD_LOG_FORMAT", format),
            ("RUST_LOG", "debug"),
        ])
        .await;
        let trusted = trusted_app(&app).await;
        let token = access_token(app.client_credentials(&trusted).await).await;
        for query in [
            format!("accessRequestToken={token}"),
            format!("accessRequestToken=Bearer%20{token}"),
        ] {
            let me = reqwest::get(format!("{}/uapi/v1/me?{query}", app.url))
                .await
                .unwrap();
            assert_eq!(me.status(), 200, "{format}");
        }
        // Refused with a token in the query too.
        let refused = reqwest::get(format!(
            "{}/uapi/v1/me?accessRequestToken={token}x",
            app.url
        ))
        .await
        .unwrap();
        assert_eq!(refused.status(), 401);
        let log = app.server_log();
        assert!(
            log.contains("/uapi/v1/me") && log.contains("appward::access"),
            "{format}: no access line:\n{log}"
        );
        for line in log.lines() {
            assert!(
                !line.contains(&token),
                "{format}: the token is in a log line: {line}"
            );
            assert!(
                !line.contains("accessRequestToken"),
                "{format}: a query: {line}"
            );
        }
    }
}

#[tokio::test]
async fn the_request_id_is_made_kept_from_a_trusted_proxy_or_replaced() {
    let app = TestServer::spawn_process_with(&[
        ("APPWARD_LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
        ("APPWARD_TRUSTED_PROXIES", "127.0.0.1"),
    ])
    .await;
    let is_made = |id: &str| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let id_of = |response: &reqwest::Response| {
        response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let metadata = format!("{}/.well-known/oauth-authorization-server", app.url);

    // None sent: one is made, a new one for each request.
    let first = id_of(&reqwest::get(&metadata).await.unwrap());
    let second = id_of(&reqwest::get(&metadata).await.unwrap());
    assert!(is_made(&first) && is_made(&second), "{first} {second}");
    assert_ne!(first, second);

    // From the trusted proxy (127.0.0.1): kept.
    let proxy = reqwest::Client::new();
    let kept = proxy
        .get(&metadata)
        .header("x-request-id", "edge-7f3a9c.1:2")
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(id_of(&kept), "edge-7f3a9c.1:2");
    // ...unless it is not a plain token.
    let odd = proxy
        .get(&metadata)
        .header("x-request-id", "a=b; c")
        .send()
        .await
        .unwrap();
    assert!(is_made(&id_of(&odd)), "{}", id_of(&odd));

    // From anyone else (127.0.0.2 is on the loopback too, but not trusted): replaced.
    let stranger = reqwest::Client::builder()
        .local_address(Some("127.0.0.2".parse().unwrap()))
        .build()
        .unwrap();
    let replaced = stranger
        .get(&metadata)
        .header("x-request-id", "spoofed-id-1")
        .header("x-forwarded-for", "198.51.100.1")
        .send()
        .await
        .unwrap();
    let replaced_id = id_of(&replaced);
    assert!(is_made(&replaced_id), "{replaced_id}");

    let log = app.server_log();
    let lines = json_lines(&log);
    let access = access_lines(&lines);
    let line_of = |id: &str| {
        *access
            .iter()
            .find(|line| line["request_id"] == id)
            .unwrap_or_else(|| panic!("no access line for {id}:\n{log}"))
    };
    assert_eq!(line_of("edge-7f3a9c.1:2")["client"], "203.0.113.9");
    assert_eq!(line_of(&replaced_id)["client"], "127.0.0.2");
    assert_eq!(
        line_of(&first)["route"],
        "/.well-known/oauth-authorization-server"
    );
    assert!(!log.contains("spoofed-id-1"), "{log}");
}

#[tokio::test]
async fn a_request_answered_at_its_deadline_has_its_access_line_and_no_error() {
    // A 40 ms deadline needs a 30 ms busy timeout, which is also the pool's: a PostgreSQL
    // server's first connections take longer than that, so the server could not start. The
    // deadline's answer and its access line are the same on both databases: SQLite only.
    if std::env::var("APPWARD_TEST_DATABASE_URL").is_ok() {
        eprintln!("skipped on PostgreSQL: a 30 ms pool timeout cannot open its connections");
        return;
    }
    let (app, addr) = with_metrics(&[
        ("APPWARD_LOG_FORMAT", "json"),
        ("RUST_LOG", "info"),
        ("APPWARD_REQUEST_DEADLINE", "40ms"),
        ("APPWARD_DB_BUSY_TIMEOUT", "30ms"),
        ("APPWARD_PASSWORD_HASHES_AT_ONCE", "1"),
    ])
    .await;
    // A sign-in hashes a password (15 ms or more), one at a time here: of three at once, the
    // last waits for the two before it, past the deadline, and is answered 503 by it.
    let app = std::sync::Arc::new(app);
    let mut sign_ins = JoinSet::new();
    for _ in 0..3 {
        let app = app.clone();
        sign_ins.spawn(async move {
            let client = app.client();
            let response = app.sign_in(&client, "admin", common::ADMIN_PASSWORD).await;
            let id = response.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned();
            (response.status().as_u16(), id)
        });
    }
    let mut busy = Vec::new();
    while let Some(answered) = sign_ins.join_next().await {
        let (status, id) = answered.unwrap();
        if status == 503 {
            busy.push(id);
        }
    }
    assert!(!busy.is_empty(), "no sign-in ran past the deadline");
    let log = app.server_log();
    let lines = json_lines(&log);
    let access = access_lines(&lines);
    for id in &busy {
        let line = access
            .iter()
            .find(|line| line["request_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no access line for the 503:\n{log}"));
        assert_eq!(line["status"], 503);
        assert_eq!(line["route"], "/api/sign_in");
    }
    assert!(
        lines.iter().all(|line| line["level"] != "ERROR"),
        "a 503 is not an error of the server:\n{log}"
    );
    let (metrics, text) = scrape(&addr).await;
    assert_eq!(
        metrics.value(
            "appward_http_requests_total",
            &[("route", "/api/sign_in"), ("status", "5xx")]
        ),
        Some(busy.len() as f64),
        "{text}"
    );
}

#[tokio::test]
async fn the_generated_administrator_password_reaches_no_json_line() {
    let (dir, mut env) =
        common::test_env(&[("APPWARD_LOG_FORMAT", "json"), ("RUST_LOG", "debug")]).await;
    env.remove("APPWARD_ADMIN_PASSWORD");
    let server = TestServer::spawn_process_in(dir, env).await;
    let file = server
        .data_dir()
        .join(appward::server::first_start::PASSWORD_FILE);
    let password = std::fs::read_to_string(&file).expect("the password file");
    let password = password.trim().to_owned();
    // Signing in sends it in a body: logged as an access line, without it.
    let client = server.client();
    assert_eq!(
        server.sign_in(&client, "admin", &password).await.status(),
        200
    );
    let log = server.server_log();
    let lines = json_lines(&log);
    assert!(
        access_lines(&lines)
            .iter()
            .any(|line| line["route"] == "/api/sign_in" && line["status"] == 200),
        "{log}"
    );
    assert!(log.contains("initial-admin-password"), "{log}");
    for line in log.lines() {
        assert!(
            !line.contains(&password),
            "the password is in a log line: {line}"
        );
    }
}

#[tokio::test]
async fn a_bad_log_format_stops_the_server_with_a_clear_error() {
    let (_dir, env) = common::test_env(&[("APPWARD_LOG_FORMAT", "yaml")]).await;
    let (mut process, _) = common::launch(&env);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = process.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            process.kill().unwrap();
            panic!("the server started with a bad log format");
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(!status.success());
    let log = std::fs::read_to_string(
        std::path::Path::new(&env["APPWARD_DATA_DIR"]).join(common::SERVER_LOG),
    )
    .unwrap();
    assert!(
        log.contains("APPWARD_LOG_FORMAT: must be json or text"),
        "{log}"
    );
}
