//! Single use under a race: 50 simultaneous exchanges of one code, and 50 simultaneous
//! refreshes of one refresh token. SQLite and PostgreSQL.

use crate::common;

use common::TestServer;
use common::oauth::Pkce;
use serde_json::Value;

const RACERS: usize = 50;

/// Posts `body` to the token endpoint from 50 tasks at once; returns the statuses and the
/// access tokens of the answers that succeeded.
async fn race(app: &TestServer, body: String) -> (Vec<u16>, Vec<String>) {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..RACERS {
        let (url, body) = (format!("{}/oauth/token", app.url), body.clone());
        tasks.spawn(async move {
            let response = reqwest::Client::new()
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let answer: Value = response.json().await.unwrap();
            (status, answer["access_token"].as_str().map(str::to_owned))
        });
    }
    let (mut statuses, mut tokens) = (Vec::new(), Vec::new());
    while let Some(done) = tasks.join_next().await {
        let (status, token) = done.unwrap();
        statuses.push(status);
        tokens.extend(token);
    }
    (statuses, tokens)
}

#[tokio::test]
async fn a_code_exchanged_by_50_requests_at_once_gives_tokens_once() {
    let app = TestServer::spawn().await;
    let (client, alice) = app.app_and_user(&[]).await;
    let pkce = Pkce::new("race");
    let code = app.code(&alice, &client, Some(&pkce)).await;
    let body = common::serde_urlencoded(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", &client.redirect_uri),
        ("code_verifier", &pkce.verifier),
        ("client_id", &client.key),
        ("client_secret", &client.secret),
    ]);
    let (statuses, tokens) = race(&app, body).await;
    assert_eq!(
        statuses.iter().filter(|&&s| s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 400).count(),
        RACERS - 1,
        "{statuses:?}"
    );
    // The others were replays: the tokens the winner got are revoked.
    assert_eq!(app.me(&tokens[0]).await.status(), 401);
}

#[tokio::test]
async fn a_refresh_token_used_by_50_requests_at_once_rotates_at_most_once() {
    let app = TestServer::spawn().await;
    let (client, alice) = app.app_and_user(&[]).await;
    let tokens = app.user_tokens(&alice, &client).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let body = common::serde_urlencoded(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &refresh),
        ("client_id", &client.key),
        ("client_secret", &client.secret),
    ]);
    let (statuses, issued) = race(&app, body).await;
    assert!(issued.len() <= 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|&s| s == 200 || s == 400),
        "{statuses:?}"
    );
    // A refresh token used twice is a replay: nothing issued from it survives.
    for token in issued {
        assert_eq!(app.me(&token).await.status(), 401);
    }
}
