//! App Registration (SPEC §2) through the real router, on SQLite and PostgreSQL.

use crate::common;

use appward::infra::entities::{account, app as app_row};
use common::TestServer;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;

const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

fn is_key_shaped(value: &str) -> bool {
    value.len() == 32 && value.chars().all(|c| ALPHABET.contains(c))
}

async fn json(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn stored(app: &TestServer, key: &str) -> app_row::Model {
    app_row::Entity::find()
        .filter(app_row::Column::Key.eq(key))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the App's row")
}

#[tokio::test]
async fn ok_registers_an_app_with_a_key_and_a_secret_it_lists_and_shows() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let created = app.registered_app(&admin, "unified", &[]).await;
    let key = created["app"]["key"].as_str().unwrap();
    let secret = created["secret"].as_str().unwrap();
    assert!(is_key_shaped(key), "{key}");
    assert!(is_key_shaped(secret), "{secret}");
    assert_ne!(key, secret);
    assert_eq!(created["app"]["api"], "UnifiedApi");
    assert_eq!(created["app"]["form"]["name"], "MyApp");
    assert_eq!(created["app"]["form"]["trusted"], Value::Null);

    let page = json(app.list_apps(&admin, "unified").await).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["key"], key);
    assert_eq!(page["rows"][0]["owner_login"], "admin");
    assert_eq!(page["rows"][0]["description"], "I love my App!");
    // The other switch shows the other API's Apps only.
    let system = json(app.list_apps(&admin, "system").await).await;
    assert_eq!(system["total"], 0);

    let details = json(app.call(&admin, "get_app", &[("key", key)]).await).await;
    assert_eq!(
        details["form"]["redirect_url"],
        "https://example.com/MyApp/handler"
    );
    assert!(
        details.get("secret").is_none(),
        "the edit form does not carry the secret"
    );
    let revealed = json(app.call(&admin, "reveal_app_secret", &[("key", key)]).await).await;
    assert_eq!(revealed, secret);
}

#[tokio::test]
async fn the_database_never_holds_a_secret_in_clear() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let mut secrets = Vec::new();
    for _ in 0..3 {
        let created = app.registered_app(&admin, "system", &[]).await;
        let key = created["app"]["key"].as_str().unwrap().to_owned();
        secrets.push(created["secret"].as_str().unwrap().to_owned());
        let regenerated = json(
            app.call(&admin, "regenerate_app_secret", &[("key", &key)])
                .await,
        )
        .await;
        secrets.push(regenerated.as_str().unwrap().to_owned());
        let row = stored(&app, &key).await;
        assert!(
            row.secret_sealed.starts_with("v1."),
            "{}",
            row.secret_sealed
        );
    }
    for row in app_row::Entity::find().all(&app.db).await.unwrap() {
        let whole_row = format!("{row:?}");
        for secret in &secrets {
            assert!(
                !whole_row.contains(secret.as_str()),
                "a secret in clear in {whole_row}"
            );
        }
    }
    // On SQLite, not even in the file's bytes (or its write-ahead log).
    if std::env::var("APPWARD_TEST_DATABASE_URL").is_err() {
        for file in ["appward.db", "appward.db-wal"] {
            // The database file must be there; the log may have been checkpointed away.
            let bytes = match std::fs::read(app.data_dir().join(file)) {
                Ok(bytes) => bytes,
                Err(_) if file.ends_with("-wal") => continue,
                Err(error) => panic!("cannot read {file}: {error}"),
            };
            for secret in &secrets {
                assert!(
                    !bytes.windows(32).any(|window| window == secret.as_bytes()),
                    "a secret in clear in {file}"
                );
            }
        }
    }
    // The key that seals them is not in the database: it is a file only its owner reads.
    let key_file = app.data_dir().join("secret.key");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&key_file).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

#[tokio::test]
async fn the_secret_key_comes_from_the_environment_when_set() {
    let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let app = TestServer::spawn_with(&[("APPWARD_SECRET_KEY", key)]).await;
    let admin = app.admin().await;
    let created = app.registered_app(&admin, "unified", &[]).await;
    let key_of_app = created["app"]["key"].as_str().unwrap();
    assert!(
        !app.data_dir().join("secret.key").exists(),
        "no key file when the variable is set"
    );
    // The row opens with exactly that key.
    let row = stored(&app, key_of_app).await;
    let secrets = appward::infra::secret_box::SecretBox::new(&std::array::from_fn(|i| i as u8));
    assert_eq!(
        secrets.open(key_of_app, &row.secret_sealed).unwrap(),
        created["secret"]
    );
}

#[tokio::test]
async fn every_bad_field_is_refused_with_its_name_and_nothing_is_stored() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let long_description = "d".repeat(2001);
    let cases = [
        ("name", ""),
        ("name", "   "),
        ("description", long_description.as_str()),
        ("homepage", ""),
        ("homepage", "example.com/MyApp"),
        ("homepage", "ftp://example.com/"),
        ("homepage", "http://-bad-.example/"),
        ("image_url", "http://example.com/logo.png"),
        ("admin_email", ""),
        ("admin_email", "myapp.email.com"),
        ("admin_email", "myapp@xn--a.example"),
        ("admin_phone", "call me"),
        ("admin_phone", "12"),
        ("redirect_url", ""),
        ("redirect_url", "http://example.com/MyApp/handler"),
        ("redirect_url", "https://example.com/MyApp/handler#top"),
    ];
    for (field, value) in cases {
        let response = app.register_app(&admin, "unified", &[(field, value)]).await;
        assert_eq!(response.status(), 400, "{field} = {value:?}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body["Invalid"]["field"], field,
            "{field} = {value:?}: {body}"
        );
        assert!(!body["Invalid"]["message"].as_str().unwrap().is_empty());
    }
    let response = app.register_app(&admin, "rest", &[]).await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["Invalid"]["field"], "api");
    assert!(app.count::<app_row::Entity>().await == 0);
}

#[tokio::test]
async fn idn_links_and_emails_are_stored_normalised_and_shown_in_unicode() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let created = app
        .registered_app(
            &admin,
            "unified",
            &[
                ("homepage", "HTTP://Bücher.example:80/MyApp"),
                ("image_url", "https://xn--fsqu00a.xn--0zwm56d/logo.png"),
                ("admin_email", "почта@пример.рф"),
                ("redirect_url", "https://p\u{430}ypal.com/cb"),
            ],
        )
        .await;
    let key = created["app"]["key"].as_str().unwrap();
    let row = stored(&app, key).await;
    assert_eq!(row.homepage, "http://xn--bcher-kva.example/MyApp");
    assert_eq!(
        row.image_url.as_deref(),
        Some("https://xn--fsqu00a.xn--0zwm56d/logo.png")
    );
    assert_eq!(row.admin_email, "почта@xn--e1afmkfd.xn--p1ai");
    assert!(row.redirect_url.starts_with("https://xn--"));

    let details = json(app.call(&admin, "get_app", &[("key", key)]).await).await;
    assert_eq!(details["form"]["homepage"], "http://bücher.example/MyApp");
    assert_eq!(details["form"]["image_url"], "https://例子.测试/logo.png");
    assert_eq!(details["form"]["admin_email"], "почта@пример.рф");
    // A Latin/Cyrillic look-alike stays in punycode.
    assert_eq!(details["form"]["redirect_url"], row.redirect_url);
    let page = json(app.list_apps(&admin, "unified").await).await;
    assert_eq!(page["rows"][0]["homepage"], "http://bücher.example/MyApp");
}

#[tokio::test]
async fn both_lists_flag_a_look_alike_homepage_and_only_it() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    for (name, homepage) in [
        ("Lookalike", "https://p\u{430}ypal.com/"),
        ("Unicode", "http://bücher.example/"),
    ] {
        app.registered_app(&admin, "unified", &[("name", name), ("homepage", homepage)])
            .await;
    }
    let flags = |page: serde_json::Value| {
        let mut flags: Vec<(String, bool)> = page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                let flag = row["homepage_lookalike"].as_bool();
                (row["name"].as_str().unwrap().to_owned(), flag.unwrap())
            })
            .collect();
        flags.sort();
        flags
    };
    let expected = vec![
        ("Lookalike".to_owned(), true),
        ("Unicode".to_owned(), false),
    ];
    let registered = json(app.list_apps(&admin, "unified").await).await;
    assert_eq!(flags(registered), expected);
    let managed = app
        .call(&admin, "list_managed_apps", &[("api", "unified")])
        .await;
    assert_eq!(flags(json(managed).await), expected);
}

#[tokio::test]
async fn editing_saves_every_field_but_the_api_and_the_key() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let created = app.registered_app(&admin, "system", &[]).await;
    let key = created["app"]["key"].as_str().unwrap();
    let before = stored(&app, key).await;
    // Neither can change: an extra `api` is ignored.
    let response = app
        .call_with_app_form(
            &admin,
            "update_app",
            &[("key", key), ("api", "unified")],
            &[
                ("name", "Renamed"),
                ("description", "Now with more words."),
                ("homepage", "https://bücher.example/"),
                ("image_url", "https://example.com/logo.png"),
                ("admin_email", "ops@example.org"),
                ("admin_phone", "+1 (555) 010-0199"),
                ("trusted", "on"),
                ("redirect_url", "https://example.com/new-handler"),
            ],
        )
        .await;
    let saved = json(response).await;
    assert_eq!(saved["key"], key);
    assert_eq!(saved["api"], "SystemApi");
    assert_eq!(saved["form"]["homepage"], "https://bücher.example/");
    assert_eq!(saved["form"]["trusted"], "on");
    let after = stored(&app, key).await;
    assert_eq!(after.name, "Renamed");
    assert_eq!(after.description, "Now with more words.");
    assert_eq!(after.homepage, "https://xn--bcher-kva.example/");
    assert_eq!(
        after.image_url.as_deref(),
        Some("https://example.com/logo.png")
    );
    assert_eq!(after.admin_email, "ops@example.org");
    assert_eq!(after.admin_phone.as_deref(), Some("+1 (555) 010-0199"));
    assert!(after.trusted);
    assert_eq!(after.redirect_url, "https://example.com/new-handler");
    assert_eq!(after.api, appward::domain::ApiKind::SystemApi);
    assert_eq!(
        after.secret_sealed, before.secret_sealed,
        "the secret is untouched"
    );
    assert!(after.updated_at >= before.updated_at);

    // A bad value is refused and changes nothing.
    let response = app
        .call(
            &admin,
            "update_app",
            &[
                ("key", key),
                ("form[name]", "Renamed again"),
                ("form[homepage]", "https://example.com/"),
                ("form[admin_email]", "ops@example.org"),
                ("form[redirect_url]", "http://example.com/insecure"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(stored(&app, key).await.name, "Renamed");
    // Un-ticking: no `trusted` field means off.
    let response = app
        .call(
            &admin,
            "update_app",
            &[
                ("key", key),
                ("form[name]", "Renamed"),
                ("form[homepage]", "https://example.com/"),
                ("form[admin_email]", "ops@example.org"),
                ("form[redirect_url]", "https://example.com/new-handler"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(!stored(&app, key).await.trusted);
}

#[tokio::test]
async fn regenerate_gives_a_new_secret_and_the_old_one_is_gone() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let created = app.registered_app(&admin, "unified", &[]).await;
    let key = created["app"]["key"].as_str().unwrap();
    let old = created["secret"].as_str().unwrap();
    let before = stored(&app, key).await;
    let new = json(
        app.call(&admin, "regenerate_app_secret", &[("key", key)])
            .await,
    )
    .await;
    let new = new.as_str().unwrap();
    assert!(is_key_shaped(new));
    assert_ne!(new, old);
    assert_ne!(stored(&app, key).await.secret_sealed, before.secret_sealed);
    let revealed = json(app.call(&admin, "reveal_app_secret", &[("key", key)]).await).await;
    assert_eq!(revealed, new);
}

#[tokio::test]
async fn a_removed_apps_key_never_comes_back() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let first = app.registered_app(&admin, "unified", &[]).await;
    let second = app
        .registered_app(&admin, "unified", &[("name", "Second")])
        .await;
    let (first_key, second_key) = (
        first["app"]["key"].as_str().unwrap(),
        second["app"]["key"].as_str().unwrap(),
    );
    let removed = json(
        app.call(
            &admin,
            "remove_apps",
            &[("keys[0]", first_key), ("keys[1]", second_key)],
        )
        .await,
    )
    .await;
    assert_eq!(removed, 2);
    let page = json(app.list_apps(&admin, "unified").await).await;
    assert_eq!(page["total"], 0);
    for name in ["get_app", "reveal_app_secret", "regenerate_app_secret"] {
        assert_eq!(
            app.call(&admin, name, &[("key", first_key)]).await.status(),
            404,
            "{name}"
        );
    }
    assert_eq!(
        app.call(&admin, "remove_apps", &[("keys[0]", first_key)])
            .await
            .status(),
        404
    );

    // The tombstone keeps the key (and nothing secret), and it does not count toward the cap.
    let tombstone = stored(&app, first_key).await;
    assert!(tombstone.removed_at.is_some());
    assert_eq!(tombstone.secret_sealed, "");
    assert_eq!(tombstone.admin_email, "");
    let admin_row = account::Entity::find()
        .filter(account::Column::Login.eq("admin"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(admin_row.app_count, 0);
    // The database itself refuses a second App with that key.
    let mut copy: app_row::ActiveModel = tombstone.into();
    copy.id = sea_orm::ActiveValue::NotSet;
    copy.removed_at = Set(None);
    assert!(
        copy.insert(&app.db).await.is_err(),
        "the unique index holds the key"
    );
    // New Apps get new keys.
    for _ in 0..5 {
        let again = app.registered_app(&admin, "unified", &[]).await;
        let key = again["app"]["key"].as_str().unwrap();
        assert!(key != first_key && key != second_key);
    }
}

#[tokio::test]
async fn an_account_manages_the_apps_of_its_scope_and_nothing_else() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let provider_id = app
        .create_account(&admin, "provider", "service_provider", None)
        .await;
    app.create_account(&admin, "org", "organization", Some(provider_id))
        .await;
    app.create_account(&admin, "outsider", "user", None).await;
    let provider = app.signed_in("provider", "password-123").await;
    let org = app.signed_in("org", "password-123").await;
    let outsider = app.signed_in("outsider", "password-123").await;

    let of_provider = app
        .registered_app(&provider, "unified", &[("name", "Provider App")])
        .await;
    let of_org = app
        .registered_app(&org, "unified", &[("name", "Org App")])
        .await;
    let of_outsider = app
        .registered_app(&outsider, "unified", &[("name", "Outsider App")])
        .await;
    let key = |v: &Value| v["app"]["key"].as_str().unwrap().to_owned();
    let (provider_key, org_key, outsider_key) =
        (key(&of_provider), key(&of_org), key(&of_outsider));

    let names = |page: &Value| -> Vec<(String, String)> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["name"].as_str().unwrap().into(),
                    row["owner_login"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let list = |client: &reqwest::Client| {
        let client = client.clone();
        let app = &app;
        async move { json(app.list_apps(&client, "unified").await).await }
    };
    assert_eq!(
        names(&list(&provider).await),
        vec![
            ("Org App".into(), "org".into()),
            ("Provider App".into(), "provider".into())
        ]
    );
    assert_eq!(
        names(&list(&org).await),
        vec![("Org App".into(), "org".into())]
    );
    assert_eq!(list(&admin).await["total"], 3);

    // Inside the scope: everything works.
    assert_eq!(
        app.call(&provider, "get_app", &[("key", &org_key)])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call(&provider, "reveal_app_secret", &[("key", &org_key)])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.call(&admin, "regenerate_app_secret", &[("key", &org_key)])
            .await
            .status(),
        200
    );

    // Outside it: refused on the server, whatever the page shows.
    let update = |client: &reqwest::Client, key: &str| {
        let (client, key, app) = (client.clone(), key.to_owned(), &app);
        async move {
            app.update_app(&client, &key, &[("name", "Hijacked")])
                .await
                .status()
        }
    };
    assert_eq!(
        update(&org, &provider_key).await,
        404,
        "a child cannot edit its parent's App"
    );
    assert_eq!(update(&outsider, &org_key).await, 404);
    for name in ["get_app", "reveal_app_secret", "regenerate_app_secret"] {
        assert_eq!(
            app.call(&org, name, &[("key", &provider_key)])
                .await
                .status(),
            404,
            "{name}"
        );
        assert_eq!(
            app.call(&provider, name, &[("key", &outsider_key)])
                .await
                .status(),
            404,
            "{name}"
        );
    }
    // Remove Selected is all or none: one App out of scope refuses the whole request (as a
    // missing App would: nobody learns which keys exist).
    let response = app
        .call(
            &outsider,
            "remove_apps",
            &[("keys[0]", &outsider_key), ("keys[1]", &org_key)],
        )
        .await;
    assert_eq!(response.status(), 404);
    assert!(stored(&app, &outsider_key).await.removed_at.is_none());
    assert!(stored(&app, &org_key).await.removed_at.is_none());
    assert_eq!(stored(&app, &org_key).await.name, "Org App");

    // Signed out: 401 everywhere.
    let anonymous = app.client();
    assert_eq!(app.list_apps(&anonymous, "unified").await.status(), 401);
    assert_eq!(
        app.register_app(&anonymous, "unified", &[]).await.status(),
        401
    );
    assert_eq!(
        app.call(&anonymous, "reveal_app_secret", &[("key", &org_key)])
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn removing_an_account_turns_its_apps_into_tombstones() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let user_id = app.create_account(&admin, "leaver", "user", None).await;
    let leaver = app.signed_in("leaver", "password-123").await;
    let created = app.registered_app(&leaver, "system", &[]).await;
    let key = created["app"]["key"].as_str().unwrap();
    assert_eq!(
        app.call(&admin, "remove_account", &[("id", &user_id.to_string())])
            .await
            .status(),
        200
    );
    let tombstone = stored(&app, key).await;
    assert!(tombstone.removed_at.is_some());
    assert_eq!(tombstone.owner_id, None);
    assert_eq!(tombstone.secret_sealed, "");
    assert_eq!(
        app.call(&admin, "get_app", &[("key", key)]).await.status(),
        404
    );
}

#[tokio::test]
async fn the_cap_of_1000_apps_holds_when_50_requests_race_at_990() {
    let app = std::sync::Arc::new(TestServer::spawn().await);
    let admin = app.admin().await;
    let register_many = |count: usize, concurrency: usize| {
        let app = app.clone();
        let admin = admin.clone();
        async move {
            let mut statuses = Vec::new();
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..count {
                if tasks.len() >= concurrency
                    && let Some(done) = tasks.join_next().await
                {
                    statuses.push(done.unwrap());
                }
                let (app, admin) = (app.clone(), admin.clone());
                tasks.spawn(async move {
                    let response = app
                        .register_app(&admin, "unified", &[("name", &format!("App {i}"))])
                        .await;
                    let status = response.status().as_u16();
                    (status, response.text().await.unwrap())
                });
            }
            while let Some(done) = tasks.join_next().await {
                statuses.push(done.unwrap());
            }
            statuses
        }
    };
    let filled = register_many(990, 8).await;
    assert!(
        filled.iter().all(|(status, _)| *status == 200),
        "{:?}",
        filled.iter().find(|(s, _)| *s != 200)
    );

    let raced = register_many(50, 50).await;
    let accepted = raced.iter().filter(|(status, _)| *status == 200).count();
    let refused: Vec<&String> = raced
        .iter()
        .filter(|(status, _)| *status == 409)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(accepted, 10, "{raced:?}");
    assert_eq!(refused.len(), 40, "{raced:?}");
    assert!(refused[0].contains("1000 Apps"), "{}", refused[0]);
    let live = app_row::Entity::find()
        .filter(app_row::Column::RemovedAt.is_null())
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(live.len(), 1000);

    // The 1001st is refused; after a removal there is room for exactly one more.
    assert_eq!(app.register_app(&admin, "system", &[]).await.status(), 409);
    let removed = json(
        app.call(&admin, "remove_apps", &[("keys[0]", &live[0].key)])
            .await,
    )
    .await;
    assert_eq!(removed, 1);
    assert_eq!(app.register_app(&admin, "system", &[]).await.status(), 200);
    assert_eq!(app.register_app(&admin, "system", &[]).await.status(), 409);
}

#[tokio::test]
async fn app_registration_filters_and_sorts_on_the_server_like_apps_management() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    for (name, description) in [
        ("Alpha", "first of the ones that match"),
        ("Bravo", "nothing to see"),
        ("Charlie", "also matches: ONES"),
    ] {
        app.registered_app(
            &admin,
            "unified",
            &[("name", name), ("description", description)],
        )
        .await;
    }
    let list = |fields: &'static [(&'static str, &'static str)]| {
        let (app, admin) = (&app, &admin);
        async move {
            let response = app.call(admin, "list_registered_apps", fields).await;
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let names = |page: &Value| -> Vec<String> {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["name"].as_str().unwrap().to_owned())
            .collect()
    };

    // The filter matches the name or the description, without regard to case.
    let (status, page) = list(&[("api", "unified"), ("filter", "ones")]).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 2);
    assert_eq!(names(&page), ["Alpha", "Charlie"]);

    // Sorted by App, descending; by description ascending.
    let (_, page) = list(&[("api", "unified"), ("sort", "app"), ("descending", "true")]).await;
    assert_eq!(names(&page), ["Charlie", "Bravo", "Alpha"]);
    let (_, page) = list(&[("api", "unified"), ("sort", "description")]).await;
    assert_eq!(names(&page), ["Charlie", "Alpha", "Bravo"]);

    // LIKE's wildcards are plain characters in a filter.
    let (_, page) = list(&[("api", "unified"), ("filter", "%")]).await;
    assert_eq!(page["total"], 0);

    // Too long a filter is refused, naming the field.
    let long: &'static str = Box::leak("x".repeat(101).into_boxed_str());
    let fields: &'static [(&'static str, &'static str)] =
        Box::leak(vec![("api", "unified"), ("filter", long)].into_boxed_slice());
    let (status, _) = list(fields).await;
    assert_eq!(status, 400);
}
