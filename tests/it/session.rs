//! Sign-in, sign-out and session expiry through the real router.

use crate::common;

use appward::infra::entities::session;
use common::{ADMIN_PASSWORD, TestServer, session_cookie};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

#[tokio::test]
async fn signing_in_starts_a_session_cookie_the_server_keeps() {
    let app = TestServer::spawn().await;
    let client = app.client();
    let response = app
        .call(
            &client,
            "sign_in",
            &[("login", "admin"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let cookie = session_cookie(response.headers()).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain http must not set Secure: {cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("appward_session=");
    assert!(token.len() >= 43);
    // The database holds only a digest of the id.
    let stored = session::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].id_hash, token);

    let me = app.call(&client, "current_account", &[]).await;
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["login"], "admin");
    assert_eq!(me["level"], "Administrator");
}

#[tokio::test]
async fn a_secure_cookie_when_the_public_url_is_https() {
    let app = TestServer::spawn_with(&[("APPWARD_PUBLIC_URL", "https://apps.example.com")]).await;
    let response = app
        .call(
            &app.client(),
            "sign_in",
            &[("login", "admin"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    assert!(
        session_cookie(response.headers())
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_login_get_the_same_answer() {
    let app = TestServer::spawn().await;
    let client = app.client();
    let wrong = app
        .call(
            &client,
            "sign_in",
            &[("login", "admin"), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(wrong.status(), 401);
    assert!(session_cookie(wrong.headers()).is_none());
    let wrong_body = wrong.text().await.unwrap();
    assert!(wrong_body.contains("WrongCredentials"), "{wrong_body}");

    let unknown = app
        .call(
            &client,
            "sign_in",
            &[("login", "nobody"), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(unknown.text().await.unwrap(), wrong_body);
    assert_eq!(
        app.call(&client, "current_account", &[]).await.status(),
        401
    );
}

#[tokio::test]
async fn a_login_is_matched_in_ascii_case_only() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    app.create_account(&admin, "kelvin", "user", None).await;
    let app = &app;
    let sign_in = |login| async move { app.sign_in(&app.client(), login, "password-123").await };
    assert!(sign_in("  KeLVin ").await.status().is_success());
    // The Kelvin sign's Unicode lower case is an ASCII k; logins hold only a-z.
    assert_eq!(sign_in("\u{212A}elvin").await.status(), 401);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestServer::spawn().await;
    let client = app.client();
    let cookie = app.admin_session_cookie(&client).await;

    let out = app.call(&client, "sign_out", &[]).await;
    assert!(out.status().is_success() || out.status().is_redirection());
    assert!(session_cookie(out.headers()).unwrap().contains("Max-Age=0"));
    assert_eq!(
        app.call(&client, "current_account", &[]).await.status(),
        401
    );

    // Replaying the old cookie by hand does not bring the session back.
    assert_eq!(app.status_with_cookie(&cookie).await, 401);
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn every_sign_in_gets_a_new_session_id_and_the_old_one_dies() {
    let app = TestServer::spawn().await;
    let client = app.client();
    let first = app.admin_session_cookie(&client).await;
    let second = app.admin_session_cookie(&client).await;
    assert_ne!(first, second);
    assert_eq!(
        app.status_with_cookie(&first).await,
        401,
        "the id held before sign-in must not survive it"
    );
    assert_eq!(
        app.call(&client, "current_account", &[]).await.status(),
        200
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestServer::spawn_with(&[("APPWARD_SESSION_TTL", "1h")]).await;
    let client = app.admin().await;
    assert_eq!(
        app.call(&client, "current_account", &[]).await.status(),
        200
    );

    // 59 minutes idle: still alive, and the use moves the idle clock.
    let now = appward::infra::now();
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now - 59 * 60))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.call(&client, "current_account", &[]).await.status(),
        200
    );
    let touched = session::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert!(touched.last_seen_at >= now);

    // 61 minutes idle: gone.
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now - 61 * 60))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.call(&client, "current_account", &[]).await.status(),
        401
    );
    assert_eq!(
        session::Entity::find()
            .filter(session::Column::AccountId.eq(1))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
}

/// The `Set-Cookie` values of `response` for the cookie `name`.
fn set_cookies<'a>(response: &'a reqwest::Response, name: &str) -> Vec<&'a str> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter(|value| value.starts_with(&format!("{name}=")))
        .collect()
}

/// The attributes of a `Set-Cookie` value, as `name=value` or bare names.
fn attributes(set_cookie: &str) -> Vec<&str> {
    set_cookie.split(';').skip(1).map(str::trim).collect()
}

#[tokio::test]
async fn two_session_cookies_sign_the_browser_out_clear_both_and_say_why() {
    const NAME: &str = "__Secure-appward_session";
    let mut app = TestServer::spawn_with(&[
        ("APPWARD_BASE_PATH", "/console"),
        ("APPWARD_PUBLIC_URL", "https://apps.example.com/console"),
    ])
    .await;
    app.url = format!("{}/console", app.url);
    let signed_in = app
        .call(
            &app.client(),
            "sign_in",
            &[("login", "admin"), ("password", ADMIN_PASSWORD)],
        )
        .await;
    let own = session_cookie(signed_in.headers()).unwrap();
    let own = own.split(';').next().unwrap().to_owned();
    assert!(own.starts_with(NAME), "{own}");
    // A sibling host (blog.example.com) planted one for `Domain=example.com;
    // Path=/console/apps`: the browser sends both, in either order.
    let planted = format!("{NAME}=planted-by-a-sibling-host");
    let get = |path: &str, cookie: String| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(format!("{}{path}", app.url))
            .header("accept", "text/html")
            .header("cookie", cookie)
            .send()
    };
    assert_eq!(
        get("/apps", own.clone()).await.unwrap().status(),
        200,
        "one cookie: signed in"
    );
    for both in [format!("{own}; {planted}"), format!("{planted}; {own}")] {
        // A page: signed out, sent to sign in with the reason.
        let page = get("/apps?tab=management", both.clone()).await.unwrap();
        assert!(page.status().is_redirection(), "{both}: {}", page.status());
        let location = page.headers()["location"].to_str().unwrap();
        assert!(location.starts_with("/console/sign-in?"), "{location}");
        assert!(location.contains("reason=cookies"), "{location}");
        // Removed for every path the cookie could have had, on the host and its parent
        // domains.
        let removals = set_cookies(&page, NAME);
        for path in ["/", "/console", "/console/", "/console/apps"] {
            for domain in [None, Some("example.com"), Some("apps.example.com")] {
                assert!(
                    removals.iter().any(|removal| {
                        let attributes = attributes(removal);
                        removal.starts_with(&format!("{NAME}=;"))
                            && attributes.contains(&"Max-Age=0")
                            && attributes.contains(&"Secure")
                            && attributes.contains(&format!("Path={path}").as_str())
                            && match domain {
                                Some(domain) => {
                                    attributes.contains(&format!("Domain={domain}").as_str())
                                }
                                None => !attributes.iter().any(|a| a.starts_with("Domain=")),
                            }
                    }),
                    "no removal for {path} on {domain:?}: {removals:#?}"
                );
            }
        }
        // A server function: signed out, both removed too.
        let call = reqwest::Client::new()
            .post(format!("{}/api/current_account", app.url))
            .header("cookie", both.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(call.status(), 401);
        assert!(!set_cookies(&call, NAME).is_empty());
        // The sign-in page itself gets the reason, and says it.
        let sign_in = get("/sign-in", both.clone()).await.unwrap();
        assert_eq!(sign_in.status(), 303);
        assert_eq!(
            sign_in.headers()["location"],
            "/console/sign-in?reason=cookies"
        );
        let html = get("/sign-in?reason=cookies", both.clone())
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Your browser sent two session cookies"),
            "{html}"
        );
    }
    // Signing in again with both still there: the removals come first, the new session last.
    let again = reqwest::Client::new()
        .post(format!("{}/api/sign_in", app.url))
        .header("cookie", format!("{planted}; {own}"))
        .form(&[("login", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(again.status().is_success(), "{}", again.status());
    let set = set_cookies(&again, NAME);
    let new = set.last().unwrap();
    assert!(!new.starts_with(&format!("{NAME}=;")), "{set:#?}");
    assert!(set.len() > 1, "{set:#?}");
    assert_eq!(
        get("/apps", new.split(';').next().unwrap().to_owned())
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn two_session_cookies_on_an_authorization_request_lead_to_sign_in_with_the_reason() {
    let app = TestServer::spawn().await;
    let (oauth_app, _) = app.app_and_user(&[]).await;
    let own = app.admin_session_cookie(&app.client()).await;
    let own = own.split(';').next().unwrap().to_owned();
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/oauth/authorize", app.url))
        .query(&[
            ("response_type", "code"),
            ("client_id", oauth_app.key.as_str()),
            ("redirect_uri", oauth_app.redirect_uri.as_str()),
            ("state", "s1"),
        ])
        .header("cookie", format!("{own}; appward_session=planted"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/sign-in?next="), "{location}");
    assert!(location.ends_with("&reason=cookies"), "{location}");
    let removals = set_cookies(&response, "appward_session");
    for path in ["/", "/oauth", "/oauth/", "/oauth/authorize"] {
        assert!(
            removals.iter().any(|removal| attributes(removal)
                .contains(&format!("Path={path}").as_str())
                && attributes(removal).contains(&"Max-Age=0")),
            "{path}: {removals:#?}"
        );
    }
}
