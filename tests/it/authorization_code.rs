//! The authorization code grant: sign-in, the consent page, PKCE, and the code at the token
//! endpoint, through the real router on SQLite and PostgreSQL.

use crate::common;

use appward::infra::entities::{authorization_code, token_grant};
use common::TestServer;
use common::oauth::{OAuthApp, Pkce, access_token, error_code, param, redirect_query};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

async fn issuer(app: &TestServer) -> String {
    app.metadata().await["issuer"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_user_allows_an_app_and_it_gets_tokens_for_that_user() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let pkce = Pkce::new("allow");

    // Signed out: the sign-in page first, which comes back to this very request.
    let anonymous = app.client();
    let response = app.authorize(&anonymous, &client, Some(&pkce), &[]).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    let next = url::Url::parse(&format!("http://x{location}")).unwrap();
    assert_eq!(next.path(), "/sign-in");
    let next = param(&next.query_pairs().into_owned().collect::<Vec<_>>(), "next")
        .unwrap()
        .to_owned();
    assert!(next.starts_with("/oauth/authorize?"), "{next}");
    assert!(next.contains(&client.key) && next.contains(&pkce.challenge));

    // Signed in: the consent page, which leaks nothing through Referer and is never framed.
    let page = app.authorize(&alice, &client, Some(&pkce), &[]).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    for shown in [
        "Allow MyApp to use your account?",
        "I love my App!",
        "href=\"http://example.com/MyApp\"",
        "src=\"https://example.com/logo.png\"",
        "alice name (alice)",
        ">Allow</button>",
        ">Deny</button>",
    ] {
        assert!(html.contains(shown), "the consent page shows {shown}");
    }

    let query = app.decide(&alice, &client, Some(&pkce), "allow").await;
    assert_eq!(param(&query, "state"), Some("state-123"));
    assert_eq!(param(&query, "iss"), Some(issuer(&app).await.as_str()));
    let code = param(&query, "code").unwrap().to_owned();
    assert!(code.len() >= 43);
    // Only the code's hash is stored.
    let codes = authorization_code::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(codes.len(), 1);
    assert!(!format!("{codes:?}").contains(&code));

    let response = app.exchange(&client, &code, Some(&pkce.verifier)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert!(tokens["refresh_token"].as_str().unwrap().len() >= 43);
    let me: Value = app
        .me(tokens["access_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["account"]["login"], "alice");
    assert_eq!(me["app"]["key"], client.key.as_str());

    let grants = token_grant::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].kind, "authorization_code");
    assert_eq!(grants[0].user_agent, common::oauth::APP_USER_AGENT);
    assert!(grants[0].refresh_expires_at.unwrap() > grants[0].access_expires_at);
}

#[tokio::test]
async fn the_php_aliases_work_without_pkce_and_deny_goes_back_with_access_denied() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let response = alice
        .get(format!(
            "{}/oauth/authorize.php?response_type=code&client_id={}&redirect_uri={}&state=s1",
            app.url, client.key, client.redirect_uri
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let query = app.decide(&alice, &client, None, "deny").await;
    assert_eq!(param(&query, "error"), Some("access_denied"));
    assert_eq!(param(&query, "state"), Some("state-123"));
    assert_eq!(param(&query, "code"), None);

    let code = app.code(&alice, &client, None).await;
    let response = app
        .app_post(
            "/oauth/token.php",
            common::serde_urlencoded(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &client.redirect_uri),
                ("client_id", &client.key),
                ("client_secret", &client.secret),
            ]),
        )
        .await;
    let token = access_token(response).await;
    assert_eq!(app.me(&token).await.status(), 200);
}

#[tokio::test]
async fn a_bad_client_or_redirect_url_is_an_error_page_never_a_redirect() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let admin = app.admin().await;
    let removed = app.oauth_app(&admin, "unified", &[]).await;
    app.call(&admin, "remove_apps", &[("keys[0]", &removed.key)])
        .await;
    let redirect = client.redirect_uri.as_str();
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("no client_id", vec![("client_id", String::new())]),
        ("unknown client_id", vec![("client_id", "q".repeat(32))]),
        ("removed App", vec![("client_id", removed.key.clone())]),
        ("no redirect_uri", vec![("redirect_uri", String::new())]),
        (
            "other path",
            vec![("redirect_uri", format!("{redirect}/x"))],
        ),
        (
            "extra query",
            vec![("redirect_uri", format!("{redirect}?a=1"))],
        ),
        (
            "path case",
            vec![("redirect_uri", redirect.replace("MyApp", "myapp"))],
        ),
        (
            "http",
            vec![("redirect_uri", redirect.replace("https://", "http://"))],
        ),
        (
            "userinfo",
            vec![(
                "redirect_uri",
                redirect.replace("https://", "https://user@"),
            )],
        ),
        (
            "look-alike host",
            vec![("redirect_uri", redirect.replace("example", "exаmple"))],
        ),
        ("fragment", vec![("redirect_uri", format!("{redirect}#x"))]),
    ];
    for (why, extra) in cases {
        let extra: Vec<(&str, &str)> = extra.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.authorize(&alice, &client, None, &extra).await;
        assert_eq!(response.status(), 400, "{why}");
        assert!(response.headers().get("location").is_none(), "{why}");
        assert_eq!(response.headers()["referrer-policy"], "no-referrer");
        let html = response.text().await.unwrap();
        assert!(html.contains("This App cannot be authorized"), "{why}");
    }
    // Differences the registration's normalisation removes are the same URL.
    let response = app
        .authorize(
            &alice,
            &client,
            None,
            &[(
                "redirect_uri",
                &redirect.replace("https://example.com", "HTTPS://EXAMPLE.com:443"),
            )],
        )
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn other_authorization_errors_go_back_to_the_app_with_state() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let challenge = Pkce::new("x").challenge;
    // (why, parameters changed, the error sent back)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        ("no state", vec![("state", "")], "invalid_request"),
        (
            "no response_type",
            vec![("response_type", "")],
            "invalid_request",
        ),
        (
            "implicit",
            vec![("response_type", "token")],
            "unsupported_response_type",
        ),
        (
            "plain",
            vec![
                ("code_challenge", &challenge),
                ("code_challenge_method", "plain"),
            ],
            "invalid_request",
        ),
        (
            "no method",
            vec![("code_challenge", &challenge)],
            "invalid_request",
        ),
        (
            "method alone",
            vec![("code_challenge_method", "S256")],
            "invalid_request",
        ),
        (
            "short challenge",
            vec![("code_challenge", "abc"), ("code_challenge_method", "S256")],
            "invalid_request",
        ),
    ];
    for (why, extra, error) in cases {
        let response = app.authorize(&alice, &client, None, &extra).await;
        assert_eq!(response.status(), 303, "{why}");
        let query = redirect_query(&response, &client.redirect_uri);
        assert_eq!(param(&query, "error"), Some(error), "{why}");
        assert!(param(&query, "error_description").is_some(), "{why}");
        let expected_state = if why == "no state" {
            None
        } else {
            Some("state-123")
        };
        assert_eq!(param(&query, "state"), expected_state, "{why}");
        assert!(param(&query, "iss").is_some(), "{why}");
    }
}

#[tokio::test]
async fn pkce_is_required_of_every_app_when_configured() {
    let app = TestServer::spawn_with(&[("APPWARD_REQUIRE_PKCE", "true")]).await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let response = app.authorize(&alice, &client, None, &[]).await;
    assert_eq!(response.status(), 303);
    let query = redirect_query(&response, &client.redirect_uri);
    assert_eq!(param(&query, "error"), Some("invalid_request"));
    let tokens = app.user_tokens(&alice, &client).await;
    assert!(tokens["access_token"].is_string());
}

#[tokio::test]
async fn the_token_endpoint_checks_every_part_of_the_code() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let admin = app.admin().await;
    let other = app.oauth_app(&admin, "unified", &[]).await;
    let pkce = Pkce::new("check");
    let code = app.code(&alice, &client, Some(&pkce)).await;
    let plain_code = app.code(&alice, &client, None).await;
    let exchange = |code: &str, redirect: &str, verifier: Option<&str>| {
        let mut params = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("client_id", client.key.clone()),
            ("client_secret", client.secret.clone()),
        ];
        if !redirect.is_empty() {
            params.push(("redirect_uri", redirect.to_owned()));
        }
        if let Some(verifier) = verifier {
            params.push(("code_verifier", verifier.to_owned()));
        }
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.token_request(common::serde_urlencoded(&pairs))
    };
    let redirect = client.redirect_uri.as_str();
    let other_redirect = format!("{redirect}/other");
    let wrong_verifier = Pkce::new("wrong").verifier;
    let cases: Vec<(&str, reqwest::Response, &str)> = vec![
        (
            "no verifier",
            exchange(&code, redirect, None).await,
            "invalid_grant",
        ),
        (
            "wrong verifier",
            exchange(&code, redirect, Some(&wrong_verifier)).await,
            "invalid_grant",
        ),
        (
            "the challenge as verifier (plain)",
            exchange(&code, redirect, Some(&pkce.challenge)).await,
            "invalid_grant",
        ),
        (
            "verifier without a challenge (downgrade)",
            exchange(&plain_code, redirect, Some(&pkce.verifier)).await,
            "invalid_grant",
        ),
        (
            "other redirect_uri",
            exchange(&code, &other_redirect, Some(&pkce.verifier)).await,
            "invalid_grant",
        ),
        (
            "no redirect_uri",
            exchange(&code, "", Some(&pkce.verifier)).await,
            "invalid_request",
        ),
        (
            "unknown code",
            exchange("nope", redirect, None).await,
            "invalid_grant",
        ),
        (
            "no code",
            exchange("", redirect, None).await,
            "invalid_grant",
        ),
        (
            "another App's code",
            app.exchange(&other, &code, Some(&pkce.verifier)).await,
            "invalid_grant",
        ),
    ];
    for (why, response, error) in cases {
        assert_eq!(error_code(response).await, (400, error.to_owned()), "{why}");
    }
    // None of those used the code up.
    let token = access_token(app.exchange(&client, &code, Some(&pkce.verifier)).await).await;
    assert_eq!(app.me(&token).await.status(), 200);

    // A code expires after ten minutes.
    let late = app.code(&alice, &client, None).await;
    authorization_code::Entity::update_many()
        .col_expr(authorization_code::Column::ExpiresAt, Expr::value(0))
        .filter(authorization_code::Column::UsedAt.is_null())
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        error_code(app.exchange(&client, &late, None).await).await,
        (400, "invalid_grant".into())
    );

    // Codes a day past their expiry are forgotten by housekeeping (not on the request path).
    let before = app.count::<authorization_code::Entity>().await;
    assert!(before >= 3);
    app.code(&alice, &client, None).await;
    assert_eq!(app.count::<authorization_code::Entity>().await, before + 1);
    appward::oauth::housekeeping::purge(&app.db, appward::infra::now())
        .await
        .unwrap();
    assert_eq!(
        app.count::<authorization_code::Entity>().await,
        before - 1,
        "the two expired unused codes went, one came"
    );
}

#[tokio::test]
async fn a_replayed_code_fails_and_revokes_the_tokens_it_gave() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let pkce = Pkce::new("replay");
    let code = app.code(&alice, &client, Some(&pkce)).await;
    let tokens: Value = app
        .exchange(&client, &code, Some(&pkce.verifier))
        .await
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.me(token).await.status(), 200);

    let again = app.exchange(&client, &code, Some(&pkce.verifier)).await;
    assert_eq!(error_code(again).await, (400, "invalid_grant".into()));
    assert_eq!(app.me(token).await.status(), 401);
    let refresh = app
        .refresh(&client, tokens["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(error_code(refresh).await, (400, "invalid_grant".into()));
}

#[tokio::test]
async fn a_changed_redirect_url_makes_codes_issued_before_fail() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let code = app.code(&alice, &client, None).await;
    let admin = app.admin().await;
    let response = app
        .update_app(
            &admin,
            &client.key,
            &[("redirect_url", "https://example.com/MyApp/new-handler")],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        error_code(app.exchange(&client, &code, None).await).await,
        (400, "invalid_grant".into())
    );
    let moved = OAuthApp {
        redirect_uri: "https://example.com/MyApp/new-handler".into(),
        ..client.clone()
    };
    assert_eq!(
        error_code(app.exchange(&moved, &code, None).await).await,
        (400, "invalid_grant".into())
    );
    // The new URL works for new codes; the old one is now an error page.
    let response = app.authorize(&alice, &client, None, &[]).await;
    assert_eq!(response.status(), 400);
    let code = app.code(&alice, &moved, None).await;
    assert_eq!(app.exchange(&moved, &code, None).await.status(), 200);
}

#[tokio::test]
async fn the_consent_answer_must_come_from_the_users_own_page() {
    let app = TestServer::spawn().await;
    let (client, alice) = app
        .app_and_user(&[("image_url", "https://example.com/logo.png")])
        .await;
    let page = app.authorize(&alice, &client, None, &[]).await;
    let form = common::oauth::consent_form(&page.text().await.unwrap(), "allow");
    // Another signed-in browser replaying alice's form.
    let admin = app.admin().await;
    let forged = admin
        .post(format!("{}/oauth/authorize", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(forged.headers().get("location").is_none());
    // A signed-out one is sent to sign in, with the request to come back to.
    let anonymous = app.client();
    let response = anonymous
        .post(format!("{}/oauth/authorize", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/sign-in?next=%2Foauth%2Fauthorize%3F")
    );
    assert!(app.count::<authorization_code::Entity>().await == 0);
}

#[tokio::test]
async fn signing_in_goes_to_next_only_within_the_site() {
    let app = TestServer::spawn().await;
    let next = "/oauth/authorize?client_id=x&state=1";
    // A plain form post is redirected.
    for (given, expected) in [
        (next, next),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
    ] {
        let response = app
            .client()
            .post(format!("{}/api/sign_in", app.url))
            .header("accept", "text/html")
            .form(&[
                ("login", "admin"),
                ("password", common::ADMIN_PASSWORD),
                ("next", given),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 302, "{given}");
        assert_eq!(response.headers()["location"], expected, "{given}");
    }
    // The hydrated page gets the path back and loads it itself.
    let response = app
        .call(
            &app.client(),
            "sign_in",
            &[
                ("login", "admin"),
                ("password", common::ADMIN_PASSWORD),
                ("next", next),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, next);
}
