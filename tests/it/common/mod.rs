//! Spawns the real Appward router on port 0 over a fresh database: a SQLite file in a
//! temporary folder, or a new PostgreSQL database when `APPWARD_TEST_DATABASE_URL` names a server.

pub mod oauth;
pub mod prometheus;

use appward::infra::{self, Config};
use appward::server;
use reqwest::header::{HeaderMap, SET_COOKIE};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use std::collections::HashMap;
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The password of `admin` in every test.
pub const ADMIN_PASSWORD: &str = "admin-password-1";

/// A running server and what a test needs to talk to it.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// The database the server uses, for checks and for setting up states.
    pub db: DatabaseConnection,
    dir: Arc<TempDir>,
    env: HashMap<String, String>,
    /// The server binary's process, when the server runs as one ([`TestServer::spawn_process`]).
    process: Option<Child>,
}

impl TestServer {
    /// Starts a server with the default test configuration.
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Starts a server in this process, with extra environment variables.
    pub async fn spawn_with(vars: &[(&str, &str)]) -> Self {
        let (dir, env) = test_env(vars).await;
        let state = server::start(config(&env)).await.expect("server starts");
        let db = state.db.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app =
            server::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            url,
            db,
            dir: Arc::new(dir),
            env,
            process: None,
        }
    }

    /// Starts a server in this process, with extra environment variables, and hands back
    /// its shared state too (to look inside its in-memory stores).
    pub async fn spawn_with_state(vars: &[(&str, &str)]) -> (Self, infra::ServerState) {
        let (dir, env) = test_env(vars).await;
        let state = server::start(config(&env)).await.expect("server starts");
        let db = state.db.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = server::router(state.clone())
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let test_app = Self {
            url,
            db,
            dir: Arc::new(dir),
            env,
            process: None,
        };
        (test_app, state)
    }

    /// The process id of the server binary, when the server runs as one.
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(Child::id)
    }

    /// Starts the server binary as its own process (so that it can be killed, or run twice).
    pub async fn spawn_process() -> Self {
        Self::spawn_process_with(&[]).await
    }

    /// Starts the server binary as its own process, with extra environment variables; it logs
    /// (at `RUST_LOG`, `warn` unless given) to [`TestServer::server_log`].
    pub async fn spawn_process_with(vars: &[(&str, &str)]) -> Self {
        let (dir, env) = test_env(vars).await;
        Self::spawn_process_in(dir, env).await
    }

    /// Starts the server binary on the data folder `dir` with the environment `env` (from
    /// [`test_env`], perhaps changed); returns once it answers.
    pub async fn spawn_process_in(dir: TempDir, env: HashMap<String, String>) -> Self {
        let (process, url) = start_process(&env).await;
        let db = Database::connect(config(&env).database_url())
            .await
            .expect("the server's database");
        Self {
            url,
            db,
            dir: Arc::new(dir),
            env,
            process: Some(process),
        }
    }

    /// A second server process on this one's database (and key), on its own port.
    pub async fn another_instance(&self) -> Self {
        let (process, url) = start_process(&self.env).await;
        Self {
            url,
            db: self.db.clone(),
            dir: Arc::clone(&self.dir),
            env: self.env.clone(),
            process: Some(process),
        }
    }

    /// A second server process on this one's database (and key), with `vars` changed: an
    /// operator's new configuration.
    pub async fn another_instance_with(&self, vars: &[(&str, &str)]) -> Self {
        let mut env = self.env.clone();
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let (process, url) = start_process(&env).await;
        Self {
            url,
            db: self.db.clone(),
            dir: Arc::clone(&self.dir),
            env,
            process: Some(process),
        }
    }

    /// Kills the server process with SIGKILL: no shutdown, no flush.
    pub fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.kill().expect("SIGKILL sent");
            process.wait().expect("the killed server reaped");
        }
    }

    /// Starts the server process again on the same database, on a new port.
    pub async fn restart(&mut self) {
        self.kill();
        let (process, url) = start_process(&self.env).await;
        self.process = Some(process);
        self.url = url;
    }

    /// How many rows the table of `E` holds.
    pub async fn count<E>(&self) -> u64
    where
        E: sea_orm::EntityTrait,
        E::Model: Send + Sync,
    {
        use sea_orm::PaginatorTrait;
        E::find().count(&self.db).await.expect("counting rows")
    }

    /// The server's data folder (the SQLite file, the key file).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Everything the server processes on this data folder have logged so far.
    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(SERVER_LOG)).unwrap_or_default()
    }

    /// Calls the server function `name` with the `leading` fields and then the App form: the
    /// seed's example values, each overridden by `overrides` (field, value).
    pub async fn call_with_app_form(
        &self,
        client: &reqwest::Client,
        name: &str,
        leading: &[(&str, &str)],
        overrides: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut fields: Vec<(String, String)> = leading
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (field, value) in seed_app_form(overrides) {
            fields.push((format!("form[{field}]"), value));
        }
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.call(client, name, &pairs).await
    }

    /// Registers an App as `client` under `api` (`unified` or `system`); see `call_with_app_form`.
    pub async fn register_app(
        &self,
        client: &reqwest::Client,
        api: &str,
        overrides: &[(&str, &str)],
    ) -> reqwest::Response {
        self.call_with_app_form(client, "create_app", &[("api", api)], overrides)
            .await
    }

    /// Saves the edit form of the App `key` as `client`; see `call_with_app_form`.
    pub async fn update_app(
        &self,
        client: &reqwest::Client,
        key: &str,
        overrides: &[(&str, &str)],
    ) -> reqwest::Response {
        self.call_with_app_form(client, "update_app", &[("key", key)], overrides)
            .await
    }

    /// The first page of the App Registration table of `api` as `client`.
    pub async fn list_apps(&self, client: &reqwest::Client, api: &str) -> reqwest::Response {
        self.call(
            client,
            "list_registered_apps",
            &[("api", api), ("page", "0")],
        )
        .await
    }

    /// Registers an App that must be accepted; returns `{app, secret}`.
    pub async fn registered_app(
        &self,
        client: &reqwest::Client,
        api: &str,
        overrides: &[(&str, &str)],
    ) -> serde_json::Value {
        let response = self.register_app(client, api, overrides).await;
        assert_eq!(
            response.status(),
            200,
            "registering an App: {}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }

    /// A browser-like client with its own cookie jar, that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Suspends (or enables) the App `key` through Apps Management's S toggle, as `client`;
    /// the HTTP status of the answer.
    pub async fn set_suspended(
        &self,
        client: &reqwest::Client,
        key: &str,
        suspended: bool,
    ) -> reqwest::StatusCode {
        let suspended = suspended.to_string();
        self.call(
            client,
            "set_app_status",
            &[("key", key), ("suspended", &suspended)],
        )
        .await
        .status()
    }

    /// Calls the server function at `/api/{name}` with form fields.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        name: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(format!("{}/api/{name}", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded(form))
            .send()
            .await
            .expect("request sent")
    }

    /// Signs `client` in as the Administrator; returns the `Set-Cookie` of the new session.
    pub async fn admin_session_cookie(&self, client: &reqwest::Client) -> String {
        let response = self
            .call(
                client,
                "sign_in",
                &[("login", "admin"), ("password", ADMIN_PASSWORD)],
            )
            .await;
        session_cookie(response.headers()).expect("a session cookie")
    }

    /// The status of `current_account` for a request carrying only the cookie `set_cookie` set.
    pub async fn status_with_cookie(&self, set_cookie: &str) -> reqwest::StatusCode {
        reqwest::Client::new()
            .post(format!("{}/api/current_account", self.url))
            .header("cookie", set_cookie.split(';').next().unwrap_or_default())
            .send()
            .await
            .expect("request sent")
            .status()
    }

    /// One sign-in with `login` and `password` from `client`, answered.
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        login: &str,
        password: &str,
    ) -> reqwest::Response {
        self.call(
            client,
            "sign_in",
            &[("login", login), ("password", password)],
        )
        .await
    }

    /// A client signed in as `login`.
    pub async fn signed_in(&self, login: &str, password: &str) -> reqwest::Client {
        let client = self.client();
        let response = self.sign_in(&client, login, password).await;
        assert!(
            response.status().is_success() || response.status().is_redirection(),
            "sign-in as {login} failed: {}",
            response.status()
        );
        client
    }

    /// A client signed in as the Administrator.
    pub async fn admin(&self) -> reqwest::Client {
        self.signed_in("admin", ADMIN_PASSWORD).await
    }

    /// Creates an account as `client`, under `parent` (its own account when `None`); returns its id.
    pub async fn create_account(
        &self,
        client: &reqwest::Client,
        login: &str,
        level: &str,
        parent: Option<i64>,
    ) -> i64 {
        let parent = parent.map(|id| id.to_string()).unwrap_or_default();
        let response = self
            .call(
                client,
                "create_account",
                &[
                    ("form[login]", login),
                    ("form[name]", &format!("{login} name")),
                    ("form[password]", "password-123"),
                    ("form[level]", level),
                    ("form[parent]", &parent),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            200,
            "creating {login}: {}",
            response.text().await.unwrap()
        );
        let row: serde_json::Value = response.json().await.unwrap();
        row["id"].as_i64().unwrap()
    }
}

/// The form of seed 000 (MyApp, I love my App!, …), each field overridden by `overrides`;
pub fn seed_app_form(overrides: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = [
        ("name", "MyApp"),
        ("description", "I love my App!"),
        ("homepage", "http://example.com/MyApp"),
        ("image_url", ""),
        ("admin_email", "myapp@email.com"),
        ("admin_phone", ""),
        ("redirect_url", "https://example.com/MyApp/handler"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (field, value) in overrides {
        match fields.iter_mut().find(|(k, _)| k == field) {
            Some(entry) => entry.1 = value.to_string(),
            None => fields.push((field.to_string(), value.to_string())),
        }
    }
    fields
}

/// The value of the session cookie a response sets (bare over http, `__Host-` over https).
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| {
            [
                "appward_session=",
                "__Host-appward_session=",
                "__Secure-appward_session=",
            ]
            .iter()
            .any(|name| value.starts_with(name))
        })
        .map(str::to_owned)
}

/// `application/x-www-form-urlencoded` encoding of `pairs`.
pub fn serde_urlencoded(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                percent_encode(k.as_bytes()),
                percent_encode(v.as_bytes())
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `bytes` percent-encoded for a query or a form body: every byte but RFC 3986's unreserved
/// ones (any bytes, also ones that are not UTF-8).
pub fn percent_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A temporary data folder and the test configuration's environment over it (with a fresh
/// PostgreSQL database when the tests run on PostgreSQL), `vars` added.
pub async fn test_env(vars: &[(&str, &str)]) -> (TempDir, HashMap<String, String>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut env: HashMap<String, String> = HashMap::from([
        ("APPWARD_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
        ("APPWARD_DATA_DIR".into(), dir.path().display().to_string()),
        (
            "LEPTOS_SITE_ROOT".into(),
            dir.path().join("site").display().to_string(),
        ),
        ("LEPTOS_SITE_ADDR".into(), "127.0.0.1:0".into()),
    ]);
    if let Some(url) = fresh_postgres_database().await {
        env.insert("DATABASE_URL".into(), url);
    }
    for (name, value) in vars {
        env.insert(name.to_string(), value.to_string());
    }
    (dir, env)
}

fn config(env: &HashMap<String, String>) -> Config {
    Config::from_lookup(|name| env.get(name).cloned()).expect("test config")
}

/// The file in the data folder where server processes log.
pub const SERVER_LOG: &str = "server.log";

/// Starts the server binary with `env` on a free port; returns once `/livez` answers.
async fn start_process(env: &HashMap<String, String>) -> (Child, String) {
    let (mut process, url) = launch(env);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let base = env.get("APPWARD_BASE_PATH").map_or("", String::as_str);
        if let Ok(response) = reqwest::get(format!("{url}{base}/livez")).await
            && response.status().is_success()
        {
            return (process, url);
        }
        if let Ok(Some(status)) = process.try_wait() {
            let log = std::fs::read_to_string(
                std::path::Path::new(&env["APPWARD_DATA_DIR"]).join(SERVER_LOG),
            )
            .unwrap_or_default();
            panic!("the server process exited: {status}; its log:\n{log}");
        }
        assert!(
            Instant::now() < deadline,
            "the server did not answer in 30 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts the server binary with `env` on a free port, logging to the data folder's
/// [`SERVER_LOG`], without waiting for it to answer.
pub fn launch(env: &HashMap<String, String>) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(std::path::Path::new(&env["APPWARD_DATA_DIR"]).join(SERVER_LOG))
        .expect("the server's log file");
    let process = Command::new(env!("CARGO_BIN_EXE_appward"))
        .env_clear()
        .env("RUST_LOG", "warn")
        .envs(env)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "APPWARD_PUBLIC_URL",
            format!(
                "{url}{}",
                env.get("APPWARD_BASE_PATH").map_or("", String::as_str)
            ),
        )
        .stdout(log.try_clone().expect("the log file again"))
        .stderr(log)
        .spawn()
        .expect("the server binary starts");
    (process, url)
}

/// A new, empty PostgreSQL database on the server named by `APPWARD_TEST_DATABASE_URL`.
async fn fresh_postgres_database() -> Option<String> {
    let base = std::env::var("APPWARD_TEST_DATABASE_URL").ok()?;
    let admin = Database::connect(&base)
        .await
        .expect("PostgreSQL test server");
    let name = format!(
        "appward_test_{}",
        infra::crypto::random_token()[..12]
            .to_lowercase()
            .replace(['-', '_'], "x")
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let (prefix, _) = base.rsplit_once('/').expect("database URL with a path");
    Some(format!("{prefix}/{name}"))
}
