//! Repeated failed App authentications and sign-ins are slowed down with 429 and
//! `Retry-After`, per App and per login and address, with configurable thresholds.

use crate::common;

use common::TestServer;
use common::oauth::{OAuthApp, error_code};

#[tokio::test]
async fn failed_app_authentications_are_slowed_down_per_app() {
    let app = TestServer::spawn_with(&[("APPWARD_CLIENT_AUTH_ATTEMPTS", "3")]).await;
    let admin = app.admin().await;
    let target = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let bystander = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let guess = OAuthApp {
        secret: "g".repeat(32),
        ..target.clone()
    };
    for _ in 0..3 {
        let response = app.client_credentials(&guess).await;
        assert_eq!(error_code(response).await, (401, "invalid_client".into()));
    }
    // The fourth guess is not even checked, and neither is the right secret for a while.
    for attempt in [&guess, &target] {
        let response = app.client_credentials(attempt).await;
        assert_eq!(response.status(), 429);
        let wait: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait));
        assert_eq!(error_code(response).await, (429, "invalid_client".into()));
    }
    // Introspection and revocation authenticate the same way, under the same count.
    let response = app
        .app_post(
            "/oauth/introspect",
            format!(
                "token=x&client_id={}&client_secret={}",
                target.key, target.secret
            ),
        )
        .await;
    assert_eq!(response.status(), 429);
    // Another App is not affected.
    assert_eq!(app.client_credentials(&bystander).await.status(), 200);
}

#[tokio::test]
async fn failed_sign_ins_are_slowed_down_per_login() {
    let app = TestServer::spawn_with(&[("APPWARD_SIGN_IN_ATTEMPTS", "2")]).await;
    let admin = app.admin().await;
    app.create_account(&admin, "alice", "organization", None)
        .await;
    let app = &app;
    let attempt =
        |login, password| async move { app.sign_in(&app.client(), login, password).await };
    for _ in 0..2 {
        assert_eq!(attempt("alice", "wrong-password").await.status(), 401);
    }
    for password in ["wrong-password", "password-123"] {
        let response = attempt("alice", password).await;
        assert_eq!(response.status(), 429, "{password}");
        assert!(response.headers().contains_key("retry-after"));
    }
    // The Administrator signs in as usual.
    assert_eq!(attempt("admin", common::ADMIN_PASSWORD).await.status(), 200);
}
