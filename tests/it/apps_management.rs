//! The Apps Management table's server functions: what each account sees, sorting, filtering
//! and paging on the server, and who may remove or de-authorize what. SQLite and PostgreSQL.

use crate::common;

use appward::infra::entities::{app as app_entity, token_grant};
use common::TestServer;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

async fn managed(app: &TestServer, user: &reqwest::Client, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![("api", "unified")];
    form.extend_from_slice(extra);
    let response = app.call(user, "list_managed_apps", &form).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn names(page: &Value) -> Vec<&str> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn each_account_sees_its_scope_and_the_apps_it_authorized() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let provider = app
        .create_account(&admin, "provider", "service_provider", None)
        .await;
    app.create_account(&admin, "alice", "organization", Some(provider))
        .await;
    app.create_account(&admin, "stranger", "service_provider", None)
        .await;
    let alice = app.signed_in("alice", "password-123").await;
    let stranger = app.signed_in("stranger", "password-123").await;

    let admins = app
        .oauth_app(&admin, "unified", &[("name", "Admin App")])
        .await;
    let alices = app
        .oauth_app(&alice, "unified", &[("name", "Alice App")])
        .await;
    app.oauth_app(&stranger, "unified", &[("name", "Stranger App")])
        .await;
    app.oauth_app(&alice, "system", &[("name", "Alice System App")])
        .await;
    // Alice authorizes the Administrator's App twice; the stranger once.
    app.user_tokens(&alice, &admins).await;
    app.user_tokens(&alice, &admins).await;
    app.user_tokens(&stranger, &admins).await;

    let seen = managed(&app, &alice, &[]).await;
    assert_eq!(names(&seen), ["Admin App", "Alice App"]);
    let rows = seen["rows"].as_array().unwrap();
    assert_eq!(rows[0]["manageable"], false, "authorized, not in scope");
    assert_eq!(rows[0]["access_tokens"], 2, "alice's grants only");
    assert_eq!(rows[1]["manageable"], true);
    assert_eq!(rows[1]["access_tokens"], 0);
    assert_eq!(rows[1]["key"], alices.key.as_str());

    let seen = managed(&app, &admin, &[]).await;
    assert_eq!(names(&seen), ["Admin App", "Alice App", "Stranger App"]);
    assert_eq!(
        seen["rows"][0]["access_tokens"], 0,
        "the admin has no grant"
    );
    let seen = managed(&app, &stranger, &[]).await;
    assert_eq!(names(&seen), ["Admin App", "Stranger App"]);
    assert_eq!(seen["rows"][0]["access_tokens"], 1);

    // Expired grants are not live: the App drops out of alice's table.
    token_grant::Entity::update_many()
        .col_expr(
            token_grant::Column::AccessExpiresAt,
            sea_orm::sea_query::Expr::value(1),
        )
        .col_expr(
            token_grant::Column::RefreshExpiresAt,
            sea_orm::sea_query::Expr::value(1),
        )
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(names(&managed(&app, &alice, &[]).await), ["Alice App"]);

    let anonymous = app.client();
    let response = app
        .call(&anonymous, "list_managed_apps", &[("api", "unified")])
        .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn sorting_filtering_and_paging_happen_on_the_server() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    app.create_account(&admin, "alice", "organization", None)
        .await;
    let alice = app.signed_in("alice", "password-123").await;
    for (name, description) in [
        ("Bravo", "second 100% sure"),
        ("alpha", "first"),
        ("Charlie", "third_one"),
    ] {
        app.oauth_app(
            &admin,
            "unified",
            &[("name", name), ("description", description)],
        )
        .await;
    }
    let charlie = managed(&app, &admin, &[("filter", "charlie")]).await["rows"][0]["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = common::oauth::OAuthApp {
        key: charlie.clone(),
        secret: String::new(),
        redirect_uri: "https://example.com/MyApp/handler".into(),
    };
    app.code(&alice, &client, None).await;

    assert_eq!(
        names(&managed(&app, &admin, &[]).await),
        ["alpha", "Bravo", "Charlie"]
    );
    assert_eq!(
        names(&managed(&app, &admin, &[("descending", "true")]).await),
        ["Charlie", "Bravo", "alpha"]
    );
    assert_eq!(
        names(&managed(&app, &admin, &[("sort", "description")]).await),
        ["alpha", "Bravo", "Charlie"]
    );
    // The filter is case-insensitive, over name and description, with wildcards taken
    // literally.
    assert_eq!(
        names(&managed(&app, &admin, &[("filter", "BRAV")]).await),
        ["Bravo"]
    );
    assert_eq!(
        names(&managed(&app, &admin, &[("filter", "100%")]).await),
        ["Bravo"]
    );
    assert_eq!(
        names(&managed(&app, &admin, &[("filter", "d_o")]).await),
        ["Charlie"]
    );
    assert_eq!(
        names(&managed(&app, &admin, &[("filter", "%")]).await),
        ["Bravo"]
    );
    let page = managed(&app, &admin, &[("filter", "zzz")]).await;
    assert_eq!(page["total"], 0);
    let page = managed(&app, &admin, &[("page", "1")]).await;
    assert_eq!((page["total"].as_u64(), names(&page).len()), (Some(3), 0));
    let long = "x".repeat(101);
    let response = app
        .call(
            &admin,
            "list_managed_apps",
            &[("api", "unified"), ("filter", &long)],
        )
        .await;
    assert_eq!(response.status(), 400);

    // A code is not a grant: still no token to count.
    let sorted = managed(&app, &alice, &[("sort", "access_tokens")]).await;
    assert_eq!(sorted["total"], 0);
}

#[tokio::test]
async fn remove_selected_removes_in_scope_and_deauthorizes_the_rest() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    app.create_account(&admin, "alice", "organization", None)
        .await;
    let alice = app.signed_in("alice", "password-123").await;
    let admins = app
        .oauth_app(&admin, "unified", &[("name", "Admin App")])
        .await;
    let untouched = app.oauth_app(&admin, "unified", &[("name", "Other")]).await;
    let alices = app
        .oauth_app(&alice, "unified", &[("name", "Alice App")])
        .await;
    let tokens = app.user_tokens(&alice, &admins).await;
    let admin_tokens = app.user_tokens(&admin, &admins).await;

    // An App outside the scope that alice never authorized: the whole request is refused.
    let response = app
        .call(
            &alice,
            "remove_managed_apps",
            &[("keys[0]", &alices.key), ("keys[1]", &untouched.key)],
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        names(&managed(&app, &alice, &[]).await),
        ["Admin App", "Alice App"]
    );

    let response = app
        .call(
            &alice,
            "remove_managed_apps",
            &[("keys[0]", &alices.key), ("keys[1]", &admins.key)],
        )
        .await;
    assert_eq!(response.status(), 200);
    let done: Value = response.json().await.unwrap();
    assert_eq!(done, serde_json::json!({"removed": 1, "deauthorized": 1}));
    // Alice's App is a tombstone; the Administrator's App lives on, without alice's grant.
    let removed = app_entity::Entity::find()
        .filter(app_entity::Column::Key.eq(alices.key.as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(removed.removed_at.is_some());
    assert_eq!(
        app.me(tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        401
    );
    assert_eq!(
        app.me(admin_tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        200,
        "de-authorizing is for alice only"
    );
    assert!(names(&managed(&app, &alice, &[]).await).is_empty());
    // The App may ask alice again.
    app.user_tokens(&alice, &admins).await;

    let response = app
        .call(
            &alice,
            "remove_managed_apps",
            &[("keys[0]", &"k".repeat(32))],
        )
        .await;
    assert_eq!(response.status(), 404);

    // An App alice neither manages nor authorized: its grants are not hers to list or remove.
    for (name, extra) in [
        ("list_access_tokens", ("page", "0")),
        ("remove_access_tokens", ("all", "true")),
    ] {
        let response = app
            .call(&alice, name, &[("key", &untouched.key), extra])
            .await;
        assert_eq!(response.status(), 404, "{name}");
    }
}
