//! Issue 26 on PostgreSQL: a throwaway cluster of its own (`make test-postgres-faults`
//! creates it with `initdb` and `pg_ctl` as the `postgres` user, so that the shared test
//! server is never restarted), named by `APPWARD_TEST_DATABASE_URL`, with
//! `APPWARD_TEST_PG_CTL` the command that restarts it. Without them every test here skips.
//! One at a time (`--test-threads=1`): they restart the server and time answers.
#![cfg(feature = "ssr")]

// The integration tests' harness and the fault tests' load, shared.
#[path = "../it/common/mod.rs"]
#[allow(dead_code)]
mod common;
#[path = "../faults/load.rs"]
#[allow(dead_code)]
mod load;

use std::time::{Duration, Instant};

use common::TestServer;
use common::oauth::Pkce;
use load::{Load, short_waits};

/// The command that restarts the throwaway cluster, when the tests run on one.
fn pg_ctl_restart() -> Option<String> {
    std::env::var("APPWARD_TEST_PG_CTL")
        .ok()
        .filter(|_| std::env::var("APPWARD_TEST_DATABASE_URL").is_ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgresql_restart_under_load_is_answered_within_the_deadline() {
    let Some(restart) = pg_ctl_restart() else {
        eprintln!("skipped: no throwaway PostgreSQL cluster (make test-postgres-faults)");
        return;
    };
    let server = TestServer::spawn_process_with(&short_waits()).await;
    let admin = server.admin().await;
    let app = server
        .oauth_app(&admin, "unified", &[("trusted", "on")])
        .await;
    let token = common::oauth::access_token(server.client_credentials(&app).await).await;
    let load = Load::start(&server, &app, 12);
    // Token checks too: an API call meets the restart as a 503, like a token request.
    let checks = Load::me(&server, &token, 4);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let restarted = tokio::task::spawn_blocking(move || {
        let status = std::process::Command::new("sh")
            .args(["-c", &restart])
            .status()
            .expect("pg_ctl runs");
        assert!(status.success(), "pg_ctl restart: {status}");
        Instant::now()
    })
    .await
    .unwrap();
    let restarted_at = restarted - load.started;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let answers = load.stop().await;
    let checked = checks.stop().await;
    load::assert_answered_in_time(&checked, "/uapi/v1/me");
    let counts = load::assert_answered_in_time(&answers, "token requests");
    let after = load::first_success_after(&answers, restarted_at);
    assert!(
        after <= Duration::from_secs(2),
        "the first token came {after:?} after the restart: {counts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn de_authorizing_an_app_while_its_code_is_exchanged_leaves_no_working_grant() {
    if pg_ctl_restart().is_none() {
        eprintln!("skipped: no throwaway PostgreSQL cluster (make test-postgres-faults)");
        return;
    }
    let server = TestServer::spawn().await;
    let (client, alice) = server.app_and_user(&[]).await;
    for round in 0..200 {
        // Alice holds a grant (so the App is hers to de-authorize) and a code not yet
        // exchanged; the App exchanges the code while she de-authorizes the App.
        let first = server.user_tokens(&alice, &client).await;
        assert!(first["access_token"].is_string(), "round {round}: {first}");
        let pkce = Pkce::new(&format!("race {round}"));
        let code = server.code(&alice, &client, Some(&pkce)).await;
        let fields = [("keys[0]", client.key.as_str())];
        let (exchanged, removed) = tokio::join!(
            server.exchange(&client, &code, Some(&pkce.verifier)),
            server.call(&alice, "remove_managed_apps", &fields),
        );
        assert_eq!(removed.status(), 200, "round {round}: the de-authorization");
        if exchanged.status() == 200 {
            let tokens: serde_json::Value = exchanged.json().await.unwrap();
            let token = tokens["access_token"].as_str().unwrap();
            assert_eq!(
                server.me(token).await.status(),
                401,
                "round {round}: a grant made while the App was de-authorized still works"
            );
            let refresh = tokens["refresh_token"].as_str().unwrap();
            assert_eq!(
                server.refresh(&client, refresh).await.status(),
                400,
                "round {round}: its refresh token still works"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_started_at_once_on_a_new_database_both_serve() {
    if pg_ctl_restart().is_none() {
        eprintln!("skipped: no throwaway PostgreSQL cluster (make test-postgres-faults)");
        return;
    }
    let (dir, env) = common::test_env(&short_waits()).await;
    let (mut first, first_url) = common::launch(&env);
    let (mut second, second_url) = common::launch(&env);
    let deadline = Instant::now() + Duration::from_secs(60);
    for (process, url) in [(&mut first, &first_url), (&mut second, &second_url)] {
        loop {
            if let Ok(response) = reqwest::get(format!("{url}/healthz")).await
                && response.status() == 200
            {
                break;
            }
            if let Ok(Some(status)) = process.try_wait() {
                panic!(
                    "an instance exited ({status}):\n{}",
                    std::fs::read_to_string(dir.path().join(common::SERVER_LOG))
                        .unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "an instance did not serve in 60 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    for mut process in [first, second] {
        process.kill().unwrap();
        process.wait().unwrap();
    }
}
