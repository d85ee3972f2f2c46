//! A start that cannot half-happen: a migration killed half-way leaves the database as it
//! was, and a key that does not open the database's secrets refuses to start.
use std::time::{Duration, Instant};

use crate::common::{self, TestServer};
use crate::load::short_waits;

/// The newest migration: the one a kill interrupts.
const LAST_MIGRATION: &str = "m20261208_000008_portal_sessions";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_start_killed_in_the_middle_of_a_migration_starts_again() {
    // A new database: a server was started, then killed while it applied the last
    // migration (its changes made, not yet committed: the test's pause).
    let (dir, mut env) = common::test_env(&short_waits()).await;
    env.insert(
        migration::PAUSE_AFTER_MIGRATION.into(),
        LAST_MIGRATION.into(),
    );
    let (mut paused, _) = common::launch(&env);
    let log = dir.path().join(common::SERVER_LOG);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains(&format!("pausing after migration {LAST_MIGRATION}"))
    {
        assert!(Instant::now() < deadline, "the migration never paused");
        assert!(paused.try_wait().unwrap().is_none(), "the server exited");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    paused.kill().unwrap();
    paused.wait().unwrap();
    // The next start completes the migrations and serves.
    env.remove(migration::PAUSE_AFTER_MIGRATION);
    let server = TestServer::spawn_process_in(dir, env).await;
    let admin = server.admin().await;
    let app = server
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;
    assert_eq!(server.client_credentials(&app).await.status(), 200);
    let health = reqwest::get(format!("{}/healthz", server.url))
        .await
        .unwrap();
    assert_eq!(
        health.status(),
        200,
        "its health check writes its new table"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_start_with_another_key_beside_a_database_with_apps_is_refused() {
    let (dir, env) = common::test_env(&short_waits()).await;
    let key_file = dir.path().join("secret.key");
    let mut server = TestServer::spawn_process_in(dir, env.clone()).await;
    let admin = server.admin().await;
    let app = server
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;
    server.kill();
    let right_key = std::fs::read_to_string(&key_file).unwrap();

    // Another key file: refused, with a message naming it and what to do.
    std::fs::write(&key_file, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
    let refusal = refused_start(&env, &server).await;
    assert!(
        refusal.contains(&format!("the key file {}", key_file.display()))
            && refusal.contains("Put back the secret.key"),
        "{refusal}"
    );

    // No key file at all: refused too, and no new key is left behind.
    std::fs::remove_file(&key_file).unwrap();
    let refusal = refused_start(&env, &server).await;
    assert!(refusal.contains("no key file was found"), "{refusal}");
    assert!(
        !key_file.exists(),
        "a new key file was left beside the database"
    );

    // The right key back: it starts and the App authenticates.
    std::fs::write(&key_file, right_key).unwrap();
    server.restart().await;
    let health = reqwest::get(format!("{}/healthz", server.url))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(server.client_credentials(&app).await.status(), 200);
}

/// Starts the server binary with `env` and waits for it to exit; what it logged.
async fn refused_start(
    env: &std::collections::HashMap<String, String>,
    server: &TestServer,
) -> String {
    let before = server.server_log().len();
    let (mut process, _) = common::launch(env);
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = process.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not refuse to start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(!status.success(), "the server exited with {status}");
    server.server_log()[before..].to_owned()
}
