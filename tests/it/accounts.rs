//! Creating and removing accounts as SPEC §1 allows, through the real router.

use crate::common;

use common::TestServer;

#[tokio::test]
async fn an_account_creates_accounts_below_it_that_can_sign_in() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    app.create_account(&admin, "provider", "service_provider", None)
        .await;
    let provider_client = app.signed_in("provider", "password-123").await;
    let organization = app
        .create_account(&provider_client, "org", "organization", None)
        .await;
    // Under an account of its scope, too.
    app.create_account(&provider_client, "alice", "user", Some(organization))
        .await;
    let alice = app.signed_in("alice", "password-123").await;
    let me: serde_json::Value = app
        .call(&alice, "current_account", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["level"], "User");

    let listed: Vec<serde_json::Value> = app
        .call(&provider_client, "list_accounts", &[])
        .await
        .json()
        .await
        .unwrap();
    let logins: Vec<&str> = listed
        .iter()
        .map(|row| row["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins.len(), 3, "{logins:?}");
    assert!(logins.contains(&"provider") && logins.contains(&"org") && logins.contains(&"alice"));
    assert!(!logins.contains(&"admin"), "the parent is not in the scope");
}

#[tokio::test]
async fn creating_at_or_above_ones_own_level_is_refused() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    app.create_account(&admin, "provider", "service_provider", None)
        .await;
    let org = app
        .create_account(&admin, "org", "organization", None)
        .await;
    let provider = app.signed_in("provider", "password-123").await;
    app.create_account(&admin, "ursula", "user", Some(org))
        .await;
    let user = app.signed_in("ursula", "password-123").await;
    for (client, level, parent, why) in [
        (
            &provider,
            "service_provider",
            String::new(),
            "its own level",
        ),
        (&admin, "administrator", String::new(), "a second root"),
        (
            &admin,
            "organization",
            org.to_string(),
            "its parent's level",
        ),
        (&provider, "user", org.to_string(), "a parent out of scope"),
        (&user, "user", String::new(), "a User creates nothing"),
    ] {
        let response = app
            .call(
                client,
                "create_account",
                &[
                    ("form[login]", "someone"),
                    ("form[name]", "Someone"),
                    ("form[password]", "password-123"),
                    ("form[level]", level),
                    ("form[parent]", &parent),
                ],
            )
            .await;
        assert_eq!(response.status(), 403, "{why}: {level} under {parent:?}");
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_the_field_named() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    for (field, login, password, level) in [
        ("login", "x", "password-123", "user"),
        ("password", "valid-login", "short", "user"),
        ("level", "valid-login", "password-123", "emperor"),
    ] {
        let response = app
            .call(
                &admin,
                "create_account",
                &[
                    ("form[login]", login),
                    ("form[name]", "Name"),
                    ("form[password]", password),
                    ("form[level]", level),
                ],
            )
            .await;
        assert_eq!(response.status(), 400, "{field}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["Invalid"]["field"], field, "{body}");
    }
    // A missing argument is bad input too, not a fault.
    let response = app.call(&admin, "remove_account", &[]).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_taken_login_is_a_conflict() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    app.create_account(&admin, "taken", "user", None).await;
    let response = app
        .call(
            &admin,
            "create_account",
            &[
                ("form[login]", "TAKEN"),
                ("form[name]", "Other"),
                ("form[password]", "password-123"),
                ("form[level]", "user"),
            ],
        )
        .await;
    assert_eq!(response.status(), 409);
}

#[tokio::test]
async fn removing_an_account_ends_its_sessions_and_respects_the_rules() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let provider = app
        .create_account(&admin, "provider", "service_provider", None)
        .await;
    let org = app
        .create_account(&admin, "org", "organization", Some(provider))
        .await;
    let other = app
        .create_account(&admin, "other", "service_provider", None)
        .await;
    let org_client = app.signed_in("org", "password-123").await;
    let provider_client = app.signed_in("provider", "password-123").await;

    let remove = |client: &reqwest::Client, id: i64| {
        let client = client.clone();
        let app = &app;
        async move {
            app.call(&client, "remove_account", &[("id", &id.to_string())])
                .await
                .status()
        }
    };
    assert_eq!(
        remove(&admin, provider).await,
        409,
        "it has an account below it"
    );
    assert_eq!(remove(&provider_client, other).await, 403, "out of scope");
    assert_eq!(remove(&provider_client, provider).await, 403, "itself");
    assert_eq!(remove(&org_client, provider).await, 403, "its parent");
    assert_eq!(remove(&admin, 999_999).await, 404);

    assert_eq!(remove(&provider_client, org).await, 200);
    assert_eq!(
        app.call(&org_client, "current_account", &[]).await.status(),
        401
    );
    let response = app
        .call(
            &app.client(),
            "sign_in",
            &[("login", "org"), ("password", "password-123")],
        )
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        remove(&admin, provider).await,
        200,
        "nothing below it any more"
    );
}

#[tokio::test]
async fn signed_out_callers_get_401() {
    let app = TestServer::spawn().await;
    let client = app.client();
    for name in ["list_accounts", "current_account"] {
        assert_eq!(app.call(&client, name, &[]).await.status(), 401, "{name}");
    }
    assert_eq!(
        app.call(&client, "remove_account", &[("id", "1")])
            .await
            .status(),
        401
    );
}
