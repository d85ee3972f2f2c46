//! SPEC §4, cell by cell: what removing grants, suspending (and enabling), regenerating the
//! secret and removing the App do to new and existing tokens at every endpoint. Through the
//! real router on SQLite and PostgreSQL.

use crate::common;

use common::TestServer;
use common::oauth::{OAuthApp, access_token, error_code, param, redirect_query};
use serde_json::Value;

/// A trusted App registered by the Administrator, used by two users and by itself.
struct Scene {
    app: TestServer,
    admin: reqwest::Client,
    alice: reqwest::Client,
    bob: reqwest::Client,
    client: OAuthApp,
}

async fn scene(api: &str) -> Scene {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let client = app.oauth_app(&admin, api, &[("trusted", "on")]).await;
    for login in ["alice", "bob"] {
        app.create_account(&admin, login, "organization", None)
            .await;
    }
    let alice = app.signed_in("alice", "password-123").await;
    let bob = app.signed_in("bob", "password-123").await;
    Scene {
        app,
        admin,
        alice,
        bob,
        client,
    }
}

fn field(tokens: &Value, name: &str) -> String {
    tokens[name].as_str().unwrap().to_owned()
}

async fn token_list(app: &TestServer, user: &reqwest::Client, key: &str) -> Value {
    let response = app
        .call(user, "list_access_tokens", &[("key", key), ("page", "0")])
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn set_status(app: &TestServer, user: &reqwest::Client, key: &str, suspended: bool) -> u16 {
    app.call(
        user,
        "set_app_status",
        &[("key", key), ("suspended", &suspended.to_string())],
    )
    .await
    .status()
    .as_u16()
}

#[tokio::test]
async fn removing_selected_grants_kills_those_at_once_and_nothing_else() {
    let Scene {
        app,
        alice,
        bob,
        client,
        ..
    } = scene("unified").await;
    let first = app.user_tokens(&alice, &client).await;
    let second = app.user_tokens(&alice, &client).await;
    let bobs = app.user_tokens(&bob, &client).await;

    let listed = token_list(&app, &alice, &client.key).await;
    assert_eq!(listed["total"], 2, "alice sees her own grants only");
    let rows = listed["rows"].as_array().unwrap();
    assert!(
        rows.iter()
            .all(|row| row["user_agent"] == common::oauth::APP_USER_AGENT)
    );
    // Newest first: the first grant comes second.
    let first_id = rows[1]["id"].as_i64().unwrap();

    // Bob cannot remove alice's grant by naming it.
    let response = app
        .call(
            &bob,
            "remove_access_tokens",
            &[("key", &client.key), ("ids[0]", &first_id.to_string())],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<u64>().await.unwrap(), 0);

    let response = app
        .call(
            &alice,
            "remove_access_tokens",
            &[("key", &client.key), ("ids[0]", &first_id.to_string())],
        )
        .await;
    assert_eq!(response.json::<u64>().await.unwrap(), 1);
    // Existing tokens: those fail at once, at every endpoint.
    assert_eq!(app.me(&field(&first, "access_token")).await.status(), 401);
    assert_eq!(
        app.introspect(&client, &field(&first, "access_token"))
            .await["active"],
        false
    );
    let refresh = app.refresh(&client, &field(&first, "refresh_token")).await;
    assert_eq!(error_code(refresh).await, (400, "invalid_grant".into()));
    // The others live on.
    assert_eq!(app.me(&field(&second, "access_token")).await.status(), 200);
    assert_eq!(app.me(&field(&bobs, "access_token")).await.status(), 200);
    // New tokens: still allowed.
    let third = app.user_tokens(&alice, &client).await;
    assert_eq!(token_list(&app, &alice, &client.key).await["total"], 2);

    // "All" takes every grant of this user at the moment of the click.
    let response = app
        .call(
            &alice,
            "remove_access_tokens",
            &[("key", &client.key), ("all", "true")],
        )
        .await;
    assert_eq!(response.json::<u64>().await.unwrap(), 2);
    for tokens in [&second, &third] {
        assert_eq!(app.me(&field(tokens, "access_token")).await.status(), 401);
    }
    assert_eq!(app.me(&field(&bobs, "access_token")).await.status(), 200);

    // Signed out, nothing is listed or removed.
    let anonymous = app.client();
    let response = app
        .call(
            &anonymous,
            "list_access_tokens",
            &[("key", &client.key), ("page", "0")],
        )
        .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn suspending_refuses_everything_and_enabling_brings_unexpired_tokens_back() {
    let Scene {
        app,
        admin,
        alice,
        client,
        ..
    } = scene("system").await;
    let users = app.user_tokens(&alice, &client).await;
    let owners = access_token(app.client_credentials(&client).await).await;
    let user_token = field(&users, "access_token");

    // Only a manager of the App may suspend it (to others it answers as a missing App).
    assert_eq!(set_status(&app, &alice, &client.key, true).await, 404);
    assert_eq!(
        set_status(&app, &app.client(), &client.key, true).await,
        401
    );
    assert_eq!(set_status(&app, &admin, &client.key, true).await, 200);

    // Existing tokens: refused at every endpoint; introspection says inactive.
    for token in [&user_token, &owners] {
        let response = app.soap("/soap2/", token).await;
        assert_eq!(response.status(), 500);
        assert!(response.text().await.unwrap().contains("suspended"));
        assert_eq!(app.introspect(&client, token).await["active"], false);
    }
    let refresh = app.refresh(&client, &field(&users, "refresh_token")).await;
    assert_eq!(
        error_code(refresh).await,
        (400, "unauthorized_client".into())
    );
    // New tokens: refused.
    let response = app.client_credentials(&client).await;
    assert_eq!(
        error_code(response).await,
        (400, "unauthorized_client".into())
    );
    let response = app.authorize(&alice, &client, None, &[]).await;
    let query = redirect_query(&response, &client.redirect_uri);
    assert_eq!(param(&query, "error"), Some("unauthorized_client"));

    // Enabled again: the unexpired tokens work again.
    assert_eq!(set_status(&app, &admin, &client.key, false).await, 200);
    for token in [&user_token, &owners] {
        assert_eq!(app.soap("/soap2/", token).await.status(), 200);
        assert_eq!(app.introspect(&client, token).await["active"], true);
    }
    let response = app.refresh(&client, &field(&users, "refresh_token")).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn regenerating_kills_every_token_of_every_user_and_the_old_secret() {
    let Scene {
        app,
        admin,
        alice,
        bob,
        client,
    } = scene("unified").await;
    let alices = app.user_tokens(&alice, &client).await;
    let bobs = app.user_tokens(&bob, &client).await;
    let owners = access_token(app.client_credentials(&client).await).await;

    let response = app
        .call(&admin, "regenerate_app_secret", &[("key", &client.key)])
        .await;
    assert_eq!(response.status(), 200);
    let renewed = OAuthApp {
        secret: response.json().await.unwrap(),
        ..client.clone()
    };
    // Existing tokens: all fail at once, for every user.
    for token in [
        field(&alices, "access_token"),
        field(&bobs, "access_token"),
        owners,
    ] {
        assert_eq!(app.me(&token).await.status(), 401);
        assert_eq!(app.introspect(&renewed, &token).await["active"], false);
    }
    let refresh = app
        .refresh(&renewed, &field(&alices, "refresh_token"))
        .await;
    assert_eq!(error_code(refresh).await, (400, "invalid_grant".into()));
    // New tokens: the old secret is refused, the new one works.
    let response = app.client_credentials(&client).await;
    assert_eq!(error_code(response).await, (401, "invalid_client".into()));
    let token = access_token(app.client_credentials(&renewed).await).await;
    assert_eq!(app.me(&token).await.status(), 200);
    let tokens = app.user_tokens(&alice, &renewed).await;
    assert_eq!(app.me(&field(&tokens, "access_token")).await.status(), 200);
}

#[tokio::test]
async fn removing_the_app_ends_it_for_good() {
    let Scene {
        app,
        admin,
        alice,
        client,
        ..
    } = scene("unified").await;
    let users = app.user_tokens(&alice, &client).await;
    let owners = access_token(app.client_credentials(&client).await).await;
    let response = app
        .call(&admin, "remove_apps", &[("keys[0]", &client.key)])
        .await;
    assert_eq!(response.status(), 200);
    // Existing tokens: all gone.
    for token in [field(&users, "access_token"), owners] {
        assert_eq!(app.me(&token).await.status(), 401);
    }
    // New tokens: refused as an unknown client, everywhere.
    let response = app.client_credentials(&client).await;
    assert_eq!(error_code(response).await, (401, "invalid_client".into()));
    let response = app.refresh(&client, &field(&users, "refresh_token")).await;
    assert_eq!(error_code(response).await, (401, "invalid_client".into()));
    let response = app.authorize(&alice, &client, None, &[]).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    // And its grants are no longer listed.
    let response = app
        .call(
            &alice,
            "list_access_tokens",
            &[("key", &client.key), ("page", "0")],
        )
        .await;
    assert_eq!(response.status(), 404);
}
