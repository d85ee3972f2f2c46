//! Issue 18, item 1: grants are stored in group commits. A token answered is durable (a
//! SIGKILL right after the answer loses nothing), and Regenerate racing a flood of
//! client-credentials requests leaves no token that works afterwards. SQLite and PostgreSQL.

use crate::common;

use common::TestServer;
use common::oauth::{OAuthApp, access_token};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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

/// Client-credentials requests from `clients` tasks at once, each until the App refuses its
/// secret or `stop` is set (at most 200 requests each); every token answered with 200 goes
/// into `tokens` as it comes.
async fn flood(
    app: &TestServer,
    client: &OAuthApp,
    clients: usize,
    stop: Arc<AtomicBool>,
    tokens: Arc<Mutex<Vec<String>>>,
) {
    let body = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        client.key, client.secret
    );
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (url, body, stop, tokens) = (
            format!("{}/oauth/token", app.url),
            body.clone(),
            Arc::clone(&stop),
            Arc::clone(&tokens),
        );
        tasks.spawn(async move {
            let http = reqwest::Client::new();
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
                match response.status().as_u16() {
                    200 => {
                        let token = access_token(response).await;
                        tokens.lock().unwrap().push(token);
                    }
                    // Authenticated before Regenerate, stored after it: refused
                    // (`unauthorized_client`), which is what the race may give.
                    400 => {}
                    // The secret was regenerated: this client is done.
                    401 => break,
                    other => panic!("the token endpoint answered {other}"),
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
}

/// Waits until `tokens` holds at least `count` (at most 60 s).
async fn until_issued(tokens: &Mutex<Vec<String>>, count: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while tokens.lock().unwrap().len() < count {
        assert!(
            std::time::Instant::now() < deadline,
            "fewer than {count} tokens in 60 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
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
        let tokens = Arc::new(Mutex::new(Vec::new()));
        let flooding = flood(&app, &client, 32, Arc::clone(&stop), Arc::clone(&tokens));
        let regenerate = async {
            // Into the thick of it: batches are being committed while Regenerate runs.
            until_issued(&tokens, 64).await;
            let response = app
                .call(&admin, "regenerate_app_secret", &[("key", &client.key)])
                .await;
            assert_eq!(response.status(), 200);
            let secret: String = response.json().await.unwrap();
            stop.store(true, Ordering::Relaxed);
            secret
        };
        let ((), secret) = tokio::join!(flooding, regenerate);
        let tokens = tokens.lock().unwrap().clone();
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
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let stopper = async {
        until_issued(&tokens, 256).await;
        stop.store(true, Ordering::Relaxed);
    };
    tokio::join!(
        flood(&app, &client, 32, Arc::clone(&stop), Arc::clone(&tokens)),
        stopper
    );
    let tokens = tokens.lock().unwrap().clone();
    let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
    assert_eq!(distinct.len(), tokens.len(), "a token was answered twice");
    for token in &tokens {
        assert_eq!(app.me(token).await.status(), 200);
    }
}
