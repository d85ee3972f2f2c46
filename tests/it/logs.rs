//! What the server binary logs, even at `debug`, never holds a password, an App secret, an
//! access or refresh token, or an authorization code, wherever they travelled: bodies,
//! headers, query strings, redirects.

use crate::common;

use common::oauth::{Pkce, access_token};
use common::{ADMIN_PASSWORD, TestServer};
use serde_json::Value;

#[tokio::test]
async fn no_secret_reaches_the_log() {
    let app = TestServer::spawn_process_with(&[("RUST_LOG", "debug")]).await;
    let admin = app.admin().await;
    let trusted = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;

    // A token in a body, then in a query string (as VoipNow's clients may send it).
    let token = access_token(app.client_credentials(&trusted).await).await;
    let me = reqwest::get(format!("{}/uapi/v1/me?accessRequestToken={token}", app.url))
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    // A code in a redirect and a body; tokens in the answer; a refresh token in a body.
    app.create_account(&admin, "alice", "organization", None)
        .await;
    let user = app.signed_in("alice", "password-123").await;
    let pkce = Pkce::new(&trusted.key);
    let code = app.code(&user, &trusted, Some(&pkce)).await;
    let tokens: Value = app
        .exchange(&trusted, &code, Some(&pkce.verifier))
        .await
        .json()
        .await
        .unwrap();
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let refreshed = app.refresh(&trusted, refresh_token).await;
    assert_eq!(refreshed.status(), 200);

    // A refused secret is logged as a refusal, without the secret.
    let wrong_secret = "wrong-secret-0123456789abcdefghij";
    let refused = app
        .token_request(format!(
            "grant_type=client_credentials&client_id={}&client_secret={wrong_secret}",
            trusted.key
        ))
        .await;
    assert_eq!(refused.status(), 401);

    let log = app.server_log();
    assert!(
        log.contains("/oauth/token") && log.contains("App authentication refused"),
        "the log records requests and refusals:\n{log}"
    );
    // Written to a file, not a terminal: plain text, no colour codes.
    assert!(
        !log.contains('\u{1b}'),
        "colour codes in a log file:\n{log}"
    );
    let secrets = [
        ("the Administrator's password", ADMIN_PASSWORD),
        ("a user's password", "password-123"),
        ("the App secret", trusted.secret.as_str()),
        ("a refused secret", wrong_secret),
        ("a client-credentials token", token.as_str()),
        ("an authorization code", code.as_str()),
        ("a PKCE verifier", pkce.verifier.as_str()),
        ("an access token", tokens["access_token"].as_str().unwrap()),
        ("a refresh token", refresh_token),
    ];
    for (what, secret) in secrets {
        assert!(!log.contains(secret), "{what} is in the log:\n{log}");
    }
}
