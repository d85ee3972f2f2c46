//! The server binary killed with SIGKILL while it issues tokens: every token it answered with
//! 200 still works after a restart, and the database passes an integrity check.

use crate::common;

use common::TestServer;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Clients issuing tokens at once, and how many tokens to have before the kill.
const CLIENTS: usize = 16;
const TOKENS_BEFORE_KILL: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tokens_answered_before_a_sigkill_survive_it() {
    let mut app = TestServer::spawn_process().await;
    let admin = app.admin().await;
    let trusted = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let body = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        trusted.key, trusted.secret
    );
    let issued = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (url, body, issued) = (app.url.clone(), body.clone(), Arc::clone(&issued));
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            // Until the server dies under it: a refused or cut connection ends the loop.
            while let Ok(response) = http
                .post(format!("{url}/oauth/token"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
                .send()
                .await
            {
                if response.status() != 200 {
                    continue;
                }
                let Ok(answer) = response.json::<serde_json::Value>().await else {
                    break;
                };
                let token = answer["access_token"].as_str().unwrap().to_owned();
                issued.lock().unwrap().push(token);
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while issued.lock().unwrap().len() < TOKENS_BEFORE_KILL {
        assert!(
            Instant::now() < deadline,
            "fewer than {TOKENS_BEFORE_KILL} tokens issued in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    app.kill();
    for client in clients {
        client.await.unwrap();
    }
    let tokens = issued.lock().unwrap().clone();

    app.restart().await;
    let mut lost = Vec::new();
    for token in &tokens {
        let status = app.me(token).await.status();
        if status != 200 {
            lost.push(status);
        }
    }
    assert!(
        lost.is_empty(),
        "{} of {} tokens answered with 200 before the kill fail after it: {lost:?}",
        lost.len(),
        tokens.len()
    );

    if app.db.get_database_backend() == DbBackend::Sqlite {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await
            .unwrap()
            .expect("integrity_check answers");
        let verdict: String = row.try_get_by_index(0).unwrap();
        assert_eq!(verdict, "ok");
    }
}
