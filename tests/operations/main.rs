//! Issue 27, running Appward for real: the operator's commands of the `appward` binary
//! (`backup`, `restore`, `verify`, `reset-password`, `migrate`, `rotate-key`) and the
//! scheduled backups, each through the real binary on a real SQLite file, beside servers
//! that run as their own processes.
//!
//! The backup test times token requests while it runs: the suite runs alone, one test at a
//! time (`make test-operations`, `--test-threads=1`), and only on SQLite.
#![cfg(feature = "ssr")]

// The integration tests' harness and the fault tests' load, shared: this suite uses part
// of them.
#[path = "../it/common/mod.rs"]
#[allow(dead_code)]
mod common;
#[path = "../faults/load.rs"]
#[allow(dead_code)]
mod load;

mod backup_and_restore;
mod key_rotation;
mod migrations;
mod password_reset;
mod scheduled_backups;
mod verification;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// What a command of the `appward` binary did.
#[derive(Debug)]
pub struct Ran {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    /// Everything it wrote.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `appward ARGS` with the environment `env` (and `RUST_LOG=warn` unless it says
/// otherwise), `stdin` written to its standard input.
pub async fn appward(env: &HashMap<String, String>, args: &[&str], stdin: Option<&str>) -> Ran {
    let env = env.clone();
    let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_appward"))
            .env_clear()
            .env("RUST_LOG", "warn")
            .envs(&env)
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the appward binary starts");
        let mut input = child.stdin.take().expect("its standard input");
        if let Some(stdin) = stdin {
            input.write_all(stdin.as_bytes()).unwrap();
        }
        drop(input);
        let output = child.wait_with_output().expect("the command ends");
        Ran {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

/// Starts the server binary with `env` and waits for it to exit (it must, with a failure);
/// what it wrote to the data folder's log meanwhile.
pub async fn refused_start(env: &HashMap<String, String>) -> String {
    let log = std::path::Path::new(&env["APPWARD_DATA_DIR"]).join(common::SERVER_LOG);
    let before = std::fs::read_to_string(&log).unwrap_or_default().len();
    let (mut process, _) = common::launch(env);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = process.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            process.kill().unwrap();
            process.wait().unwrap();
            panic!("the server did not refuse to start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(!status.success(), "the server exited with {status}");
    std::fs::read_to_string(&log).unwrap_or_default()[before..].to_owned()
}

/// The environment of a server in a test, with `vars` set.
pub fn with(env: &HashMap<String, String>, vars: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env = env.clone();
    env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

/// `count` trusted UnifiedAPI Apps (`MyApp0`, `MyApp1`…) registered by `admin` on `server`.
pub async fn trusted_apps(
    server: &common::TestServer,
    admin: &reqwest::Client,
    count: usize,
) -> Vec<common::oauth::OAuthApp> {
    let mut apps = Vec::new();
    for n in 0..count {
        apps.push(
            server
                .oauth_app(
                    admin,
                    "unified",
                    &[("trusted", "on"), ("name", &format!("MyApp{n}"))],
                )
                .await,
        );
    }
    apps
}

/// Asserts that `args` is refused because a server runs on the data folder of `env`.
pub async fn assert_refused_while_serving(env: &HashMap<String, String>, args: &[&str]) {
    let refused = appward(env, args, None).await;
    assert!(!refused.status.success());
    assert!(
        refused
            .stderr
            .contains("a server is running on the data folder"),
        "{}",
        refused.output()
    );
}
