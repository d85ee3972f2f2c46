//! Issue 18, item 1: grants are stored in group commits. A token answered is durable (a
//! SIGKILL right after the answer loses nothing), and Regenerate racing a flood of
//! client-credentials requests leaves no token that works afterwards. SQLite and PostgreSQL.

use crate::common;

use common::TestServer;
use common::oauth::{OAuthApp, access_token};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[tokio::test]
async fn a_token_works_after_a_sigkill_right_after_its_answer() {
    let mut app = TestServer::spawn_process().await;
    let admin = app.admin().await;
    let trusted = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    for round in 0..5 {
        let response = app.client_credentials(&trusted).await;
        assert_eq!(response.status(), 200, "round {round}");
        let token = access_token(response).await;
        // No pause, no shutdown: the process dies the moment the answer is read.
        app.kill();
        app.restart().await;
        assert_eq!(
            app.me(&token).await.status(),
            200,
            "round {round}: a token answered before a SIGKILL is gone after it"
        );
    }
}

/// Client-credentials requests from `clients` tasks at once until `stop` is set; every token
/// answered with 200.
async fn flood(
    app: &TestServer,
    client: &OAuthApp,
    clients: usize,
    stop: Arc<AtomicBool>,
) -> Vec<String> {
    let body = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        client.key, client.secret
    );
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (url, body, stop) = (
            format!("{}/oauth/token", app.url),
            body.clone(),
            Arc::clone(&stop),
        );
        tasks.spawn(async move {
            let http = reqwest::Client::new();
            let mut tokens = Vec::new();
            // Bounded: at most 200 requests per task, whatever happens.
            for _ in 0..200 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let response = http
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("the server answers");
                if response.status() == 200 {
                    tokens.push(access_token(response).await);
                }
            }
            tokens
        });
    }
    let mut tokens = Vec::new();
    while let Some(done) = tasks.join_next().await {
        tokens.extend(done.unwrap());
    }
    tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn regenerate_during_a_flood_of_client_credentials_leaves_no_working_token() {
    // The old secret keeps being presented after Regenerate: those refusals must not slow
    // the next round down.
    let app = TestServer::spawn_with(&[("APPWARD_CLIENT_AUTH_ATTEMPTS", "1000000")]).await;
    let admin = app.admin().await;
    let mut client = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    for round in 0..3 {
        let stop = Arc::new(AtomicBool::new(false));
        let flooding = flood(&app, &client, 32, Arc::clone(&stop));
        let regenerate = async {
            // Into the thick of it: batches are being committed while Regenerate runs.
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            let response = app
                .call(&admin, "regenerate_app_secret", &[("key", &client.key)])
                .await;
            assert_eq!(response.status(), 200);
            let secret: String = response.json().await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
            stop.store(true, Ordering::Relaxed);
            secret
        };
        let (tokens, secret) = tokio::join!(flooding, regenerate);
        assert!(
            tokens.len() > 32,
            "round {round}: the flood got only {} tokens before Regenerate",
            tokens.len()
        );
        let mut working = 0;
        for token in &tokens {
            if app.me(token).await.status() != 401 {
                working += 1;
            }
        }
        assert_eq!(
            working,
            0,
            "round {round}: {working} of {} tokens of the old secret work after Regenerate",
            tokens.len()
        );
        client.secret = secret;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_token_of_a_flood_works() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let client = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = {
        let stop = Arc::clone(&stop);
        async move {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            stop.store(true, Ordering::Relaxed);
        }
    };
    let (tokens, ()) = tokio::join!(flood(&app, &client, 32, Arc::clone(&stop)), stopper);
    assert!(tokens.len() > 32, "{} tokens", tokens.len());
    let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
    assert_eq!(distinct.len(), tokens.len(), "a token was answered twice");
    for token in &tokens {
        assert_eq!(app.me(token).await.status(), 200);
    }
}
