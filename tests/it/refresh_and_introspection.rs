//! Rotating refresh tokens and RFC 7662 introspection, through the real router on SQLite and
//! PostgreSQL.

use crate::common;

use appward::infra::entities::token_grant;
use common::TestServer;
use common::oauth::{OAuthApp, access_token, error_code};
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;
use serde_json::Value;

fn field<'a>(tokens: &'a Value, name: &str) -> &'a str {
    tokens[name].as_str().unwrap()
}

#[tokio::test]
async fn a_refresh_token_works_once_and_a_replay_revokes_the_grant() {
    let app = TestServer::spawn().await;
    let (client, alice) = app.app_and_user(&[]).await;
    let first = app.user_tokens(&alice, &client).await;

    let response = app.refresh(&client, field(&first, "refresh_token")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let second: Value = response.json().await.unwrap();
    assert_eq!(second["token_type"], "Bearer");
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    // The grant now holds the new pair only.
    assert_eq!(app.me(field(&first, "access_token")).await.status(), 401);
    assert_eq!(app.me(field(&second, "access_token")).await.status(), 200);
    assert_eq!(app.count::<token_grant::Entity>().await, 1);

    // The dead refresh token, presented again, kills the whole grant.
    let replay = app.refresh(&client, field(&first, "refresh_token")).await;
    assert_eq!(error_code(replay).await, (400, "invalid_grant".into()));
    assert_eq!(app.me(field(&second, "access_token")).await.status(), 401);
    let after = app.refresh(&client, field(&second, "refresh_token")).await;
    assert_eq!(error_code(after).await, (400, "invalid_grant".into()));
    assert!(app.count::<token_grant::Entity>().await == 0);
}

#[tokio::test]
async fn refresh_tokens_are_bound_to_their_app_and_expire() {
    let app = TestServer::spawn().await;
    let (client, alice) = app.app_and_user(&[]).await;
    let admin = app.admin().await;
    let other = app.oauth_app(&admin, "unified", &[]).await;
    let tokens = app.user_tokens(&alice, &client).await;
    let refresh = field(&tokens, "refresh_token");

    // Another App cannot use it, nor does its attempt harm the grant.
    let response = app.refresh(&other, refresh).await;
    assert_eq!(error_code(response).await, (400, "invalid_grant".into()));
    assert_eq!(app.me(field(&tokens, "access_token")).await.status(), 200);
    // Nor with a wrong secret.
    let wrong = OAuthApp {
        secret: "w".repeat(32),
        ..client.clone()
    };
    let response = app.refresh(&wrong, refresh).await;
    assert_eq!(error_code(response).await, (401, "invalid_client".into()));
    // Nothing to refresh with.
    let response = app
        .token_request(format!(
            "grant_type=refresh_token&client_id={}&client_secret={}",
            client.key, client.secret
        ))
        .await;
    assert_eq!(error_code(response).await, (400, "invalid_request".into()));
    let response = app.refresh(&client, "unknown").await;
    assert_eq!(error_code(response).await, (400, "invalid_grant".into()));

    // Past its lifetime it is refused.
    token_grant::Entity::update_many()
        .col_expr(token_grant::Column::RefreshExpiresAt, Expr::value(1))
        .exec(&app.db)
        .await
        .unwrap();
    let response = app.refresh(&client, refresh).await;
    assert_eq!(error_code(response).await, (400, "invalid_grant".into()));
}

#[tokio::test]
async fn lifetimes_come_from_the_configuration() {
    let app = TestServer::spawn_with(&[
        ("APPWARD_ACCESS_TOKEN_TTL", "5m"),
        ("APPWARD_REFRESH_TOKEN_TTL", "2d"),
    ])
    .await;
    let (client, alice) = app.app_and_user(&[]).await;
    let tokens = app.user_tokens(&alice, &client).await;
    assert_eq!(tokens["expires_in"], 300);
    let grant = token_grant::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(grant.access_expires_at - grant.created_at, 300);
    assert_eq!(
        grant.refresh_expires_at.unwrap() - grant.created_at,
        2 * 86_400
    );
}

#[tokio::test]
async fn an_app_introspects_its_own_tokens_only() {
    let app = TestServer::spawn().await;
    let (client, alice) = app.app_and_user(&[]).await;
    let admin = app.admin().await;
    let other = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let tokens = app.user_tokens(&alice, &client).await;
    let access = field(&tokens, "access_token");

    let answer = app.introspect(&client, access).await;
    assert_eq!(answer["active"], true);
    assert_eq!(answer["client_id"], client.key.as_str());
    assert_eq!(answer["username"], "alice");
    assert_eq!(answer["token_type"], "Bearer");
    assert!(answer["exp"].as_i64().unwrap() > answer["iat"].as_i64().unwrap());
    let refresh = app
        .introspect(&client, field(&tokens, "refresh_token"))
        .await;
    assert_eq!(refresh["active"], true);
    assert_eq!(refresh["token_type"], "refresh_token");

    // Another App learns nothing about it, nor about unknown values.
    let answer = app.introspect(&other, access).await;
    assert_eq!(answer, serde_json::json!({"active": false}));
    let answer = app.introspect(&client, "unknown").await;
    assert_eq!(answer, serde_json::json!({"active": false}));
    let own = access_token(app.client_credentials(&other).await).await;
    assert_eq!(app.introspect(&other, &own).await["active"], true);
    assert_eq!(app.introspect(&client, &own).await["active"], false);

    // Expired tokens are inactive.
    token_grant::Entity::update_many()
        .col_expr(token_grant::Column::AccessExpiresAt, Expr::value(1))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(app.introspect(&client, access).await["active"], false);

    // The App must authenticate, and name a token.
    let response = app
        .app_post("/oauth/introspect", format!("token={access}"))
        .await;
    assert_eq!(error_code(response).await, (401, "invalid_client".into()));
    let response = app
        .app_post(
            "/oauth/introspect",
            format!("client_id={}&client_secret={}", client.key, client.secret),
        )
        .await;
    assert_eq!(error_code(response).await, (400, "invalid_request".into()));
}

#[tokio::test]
async fn retired_refresh_tokens_are_forgotten_once_they_would_have_expired() {
    use appward::infra::entities::retired_refresh;
    let app = TestServer::spawn().await;
    let (client, alice) = app.app_and_user(&[]).await;
    let first = app.user_tokens(&alice, &client).await;
    let second: Value = app
        .refresh(&client, field(&first, "refresh_token"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(app.count::<retired_refresh::Entity>().await, 1);
    retired_refresh::Entity::update_many()
        .col_expr(retired_refresh::Column::ExpiresAt, Expr::value(1))
        .exec(&app.db)
        .await
        .unwrap();
    let response = app.refresh(&client, field(&second, "refresh_token")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.count::<retired_refresh::Entity>().await, 2);
    // Forgotten by housekeeping, off the request path.
    appward::oauth::housekeeping::purge(&app.db, appward::infra::now())
        .await
        .unwrap();
    let kept = retired_refresh::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(kept.len(), 1, "only the hash just retired is kept");
    assert!(kept[0].expires_at > 1);
}
