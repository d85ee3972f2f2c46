//! Client credentials at `/oauth/token`, the UnifiedAPI `/uapi/v1/me`, and what Regenerate,
//! un-trusting and removal do to tokens, through the real router on SQLite and PostgreSQL.

use crate::common;

use appward::infra::entities::token_grant;
use common::TestServer;
use common::oauth::{OAuthApp, access_token, error_code};
use sea_orm::EntityTrait;
use serde_json::Value;

async fn trusted_app(app: &TestServer, client: &reqwest::Client, api: &str) -> OAuthApp {
    app.oauth_app(client, api, &[("trusted", "on")]).await
}

#[tokio::test]
async fn a_trusted_app_gets_a_token_that_acts_for_its_owner() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    app.create_account(&admin, "owner", "organization", None)
        .await;
    let owner = app.signed_in("owner", "password-123").await;
    let registered = trusted_app(&app, &owner, "unified").await;

    let response = app.client_credentials(&registered).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("refresh_token").is_none());
    let token = body["access_token"].as_str().unwrap();
    assert!(token.len() >= 43);

    let response = app.me(token).await;
    assert_eq!(response.status(), 200);
    let facts: Value = response.json().await.unwrap();
    assert_eq!(facts["account"]["login"], "owner");
    assert_eq!(facts["account"]["level"], "Organization");
    assert_eq!(facts["app"]["key"], registered.key.as_str());
    assert_eq!(facts["app"]["api"], "UnifiedAPI");
    assert!(facts["expires_at"].as_str().unwrap().ends_with('Z'));

    // HTTP Basic works the same.
    let response = reqwest::Client::new()
        .post(format!("{}/oauth/token", app.url))
        .basic_auth(&registered.key, Some(&registered.secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // The token is accepted from the query too, bare or with its scheme.
    for value in [token.to_owned(), format!("Bearer {token}")] {
        let response = reqwest::Client::new()
            .get(format!("{}/uapi/v1/me", app.url))
            .query(&[("accessRequestToken", value.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{value}");
    }

    // Only hashes are stored, with the request's User-Agent and address.
    let grants = token_grant::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(grants.len(), 2);
    assert!(grants.iter().all(|g| !format!("{g:?}").contains(token)));
    assert_eq!(grants[0].user_agent, "appward-tests/1.0");
    assert_eq!(grants[0].client_addr, "127.0.0.1");
}

#[tokio::test]
async fn voipnows_sample_client_bytes_get_a_token() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let registered = trusted_app(&app, &admin, "unified").await;
    let body = format!(
        "&client_id={}&client_secret={}&grant_type=client_credentials&type=unifiedapi&redirect_uri=https://host/ouath/token.php",
        registered.key, registered.secret
    );
    let response = reqwest::Client::new()
        .post(format!("{}/oauth/token.php", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    assert_eq!(
        app.me(token["access_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn token_requests_are_refused_as_rfc_6749_says() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let trusted = trusted_app(&app, &admin, "unified").await;
    let untrusted = app.registered_app(&admin, "unified", &[]).await;
    let (untrusted_key, untrusted_secret) = (
        untrusted["app"]["key"].as_str().unwrap(),
        untrusted["secret"].as_str().unwrap(),
    );
    let wrong_secret = "x".repeat(32);
    let cases: Vec<(String, u16, &str)> = vec![
        (
            format!(
                "grant_type=client_credentials&client_id={untrusted_key}&client_secret={untrusted_secret}"
            ),
            400,
            "unauthorized_client",
        ),
        (
            format!(
                "grant_type=client_credentials&client_id={}&client_secret={wrong_secret}",
                trusted.key
            ),
            401,
            "invalid_client",
        ),
        (
            format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                "y".repeat(32),
                trusted.secret
            ),
            401,
            "invalid_client",
        ),
        (
            "grant_type=client_credentials".into(),
            401,
            "invalid_client",
        ),
        (
            format!("client_id={}&client_secret={}", trusted.key, trusted.secret),
            400,
            "invalid_request",
        ),
        (
            format!(
                "grant_type=password&client_id={}&client_secret={}",
                trusted.key, trusted.secret
            ),
            400,
            "unsupported_grant_type",
        ),
        (
            format!(
                "grant_type=client_credentials&grant_type=client_credentials&client_id={}&client_secret={}",
                trusted.key, trusted.secret
            ),
            400,
            "invalid_request",
        ),
    ];
    for (body, status, code) in cases {
        let response = app.token_request(body.clone()).await;
        let www_authenticate = response.headers().get("www-authenticate").cloned();
        assert_eq!(response.headers()["cache-control"], "no-store", "{body}");
        assert_eq!(
            error_code(response).await,
            (status, code.to_owned()),
            "{body}"
        );
        assert_eq!(www_authenticate.is_some(), status == 401, "{body}");
    }
    // Both methods at once is ambiguous.
    let response = reqwest::Client::new()
        .post(format!("{}/oauth/token", app.url))
        .basic_auth(&trusted.key, Some(&trusted.secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", &trusted.key),
            ("client_secret", &trusted.secret),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(response).await, (400, "invalid_request".into()));
    // A wrong Basic secret answers 401 with the challenge.
    let response = reqwest::Client::new()
        .post(format!("{}/oauth/token", app.url))
        .basic_auth(&trusted.key, Some(&wrong_secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(error_code(response).await, (401, "invalid_client".into()));
}

#[tokio::test]
async fn the_uapi_refuses_bad_tokens_with_access_denied() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let system = trusted_app(&app, &admin, "system").await;
    let system_token = access_token(app.client_credentials(&system).await).await;
    for token in ["not-a-token", system_token.as_str()] {
        let response = app.me(token).await;
        assert_eq!(response.status(), 401, "{token}");
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer realm=\"appward\", error=\"invalid_token\""
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "access_denied");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let response = reqwest::get(format!("{}/uapi/v1/me", app.url))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"appward\""
    );
}

#[tokio::test]
async fn regenerate_kills_the_old_secret_and_every_token_at_once() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let registered = trusted_app(&app, &admin, "unified").await;
    let first = access_token(app.client_credentials(&registered).await).await;
    let second = access_token(app.client_credentials(&registered).await).await;
    let other = trusted_app(&app, &admin, "unified").await;
    let unrelated = access_token(app.client_credentials(&other).await).await;

    let response = app
        .call(&admin, "regenerate_app_secret", &[("key", &registered.key)])
        .await;
    assert_eq!(response.status(), 200);
    let new_secret: String = response.json().await.unwrap();
    for token in [&first, &second] {
        assert_eq!(app.me(token).await.status(), 401);
    }
    assert_eq!(
        app.me(&unrelated).await.status(),
        200,
        "other Apps keep their tokens"
    );
    let (status, code) = error_code(app.client_credentials(&registered).await).await;
    assert_eq!((status, code.as_str()), (401, "invalid_client"));
    let renewed = OAuthApp {
        secret: new_secret,
        ..registered.clone()
    };
    let fresh = access_token(app.client_credentials(&renewed).await).await;
    assert_eq!(app.me(&fresh).await.status(), 200);
}

#[tokio::test]
async fn untrusting_revokes_client_credentials_tokens_and_refuses_new_ones() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let registered = trusted_app(&app, &admin, "unified").await;
    let token = access_token(app.client_credentials(&registered).await).await;
    // The seed's form has no `trusted` field: saving it un-ticks the box.
    let response = app.update_app(&admin, &registered.key, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.me(&token).await.status(), 401);
    let (status, code) = error_code(app.client_credentials(&registered).await).await;
    assert_eq!((status, code.as_str()), (400, "unauthorized_client"));
}

#[tokio::test]
async fn removing_an_app_kills_its_tokens_and_its_key() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let registered = trusted_app(&app, &admin, "unified").await;
    let token = access_token(app.client_credentials(&registered).await).await;
    let response = app
        .call(&admin, "remove_apps", &[("keys[0]", &registered.key)])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.me(&token).await.status(), 401);
    let (status, code) = error_code(app.client_credentials(&registered).await).await;
    assert_eq!((status, code.as_str()), (401, "invalid_client"));
    assert!(app.count::<token_grant::Entity>().await == 0);
}

#[tokio::test]
async fn an_app_revokes_its_own_tokens_only() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let owner = trusted_app(&app, &admin, "unified").await;
    let stranger = trusted_app(&app, &admin, "unified").await;
    let token = access_token(app.client_credentials(&owner).await).await;
    let revoke = |key: String, secret: String, token: String| {
        let url = format!("{}/oauth/revoke", app.url);
        async move {
            reqwest::Client::new()
                .post(url)
                .basic_auth(key, Some(secret))
                .form(&[("token", token)])
                .send()
                .await
                .unwrap()
        }
    };
    // Another App's revocation is answered 200 (RFC 7009) but changes nothing.
    let response = revoke(stranger.key.clone(), stranger.secret.clone(), token.clone()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.me(&token).await.status(), 200);
    // A wrong secret is an authentication failure.
    let response = revoke(owner.key.clone(), "z".repeat(32), token.clone()).await;
    assert_eq!(error_code(response).await, (401, "invalid_client".into()));
    // The owner's revocation ends it; an unknown token is answered 200 too.
    for _ in 0..2 {
        let response = revoke(owner.key.clone(), owner.secret.clone(), token.clone()).await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(app.me(&token).await.status(), 401);
    // A revocation that names no token is malformed.
    let response = app
        .app_post(
            "/oauth/revoke",
            format!("client_id={}&client_secret={}", owner.key, owner.secret),
        )
        .await;
    assert_eq!(error_code(response).await, (400, "invalid_request".into()));
}

#[tokio::test]
async fn the_metadata_names_the_public_url_as_issuer() {
    let app = TestServer::spawn_with(&[("APPWARD_PUBLIC_URL", "https://apps.example.com/")]).await;
    let metadata = app.metadata().await;
    assert_eq!(metadata["issuer"], "https://apps.example.com");
    assert_eq!(
        metadata["token_endpoint"],
        "https://apps.example.com/oauth/token"
    );
    assert_eq!(
        metadata["revocation_endpoint"],
        "https://apps.example.com/oauth/revoke"
    );
}

/// New access tokens start with their issue time, so their digests are appended to the index
/// (a random digest put each new grant on a random index page: one 4 KiB WAL page per token).
/// A token stored before that (its whole SHA-256 in hex) still works.
#[tokio::test]
async fn new_digests_sort_by_issue_time_and_tokens_digested_whole_still_work() {
    use sea_orm::{ActiveModelTrait, QueryOrder, Set};
    use sha2::{Digest, Sha256};

    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let registered = trusted_app(&app, &admin, "unified").await;
    let mut tokens = Vec::new();
    for _ in 0..12 {
        tokens.push(access_token(app.client_credentials(&registered).await).await);
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let grants = token_grant::Entity::find()
        .order_by_asc(token_grant::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let digests: Vec<&str> = grants.iter().map(|g| g.access_hash.as_str()).collect();
    assert_eq!(digests.len(), 12);
    assert!(digests.is_sorted(), "{digests:?}");
    assert!(digests.iter().all(|d| d.len() == 64));
    for token in &tokens {
        assert_eq!(app.me(token).await.status(), 200);
    }

    // A token of the earlier form: 43 characters, its whole SHA-256 stored.
    let earlier = "Jm0T1b2x6QkqkB3m9cQy7w8b5Vd2PzXhL4nR0sUaYeE";
    let whole: String = Sha256::digest(earlier.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let mut stored: token_grant::ActiveModel = grants[0].clone().into();
    stored.access_hash = Set(whole);
    stored.update(&app.db).await.unwrap();
    assert_eq!(app.me(earlier).await.status(), 200);
    assert_eq!(app.me(&tokens[0]).await.status(), 401);
}
