//! Embedding into a portal (issue 16), through the real router: the base path (pages, OAuth
//! and nothing outside it), cross-site cookies and the CSRF check under them, the start-up
//! refusal of wildcard frame ancestors, frameless mode, the theme, and sign-in from the
//! portal with tokens signed by a real JWT library (every bad token refused, nothing created).
use crate::common;

use appward::embedding::entities::{portal_person, portal_token_use};
use appward::infra::ServerState;
use appward::infra::entities::{account, session};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::TestServer;
use common::oauth::{Pkce, access_token};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::path::PathBuf;

pub(crate) const ISSUER: &str = "https://portal.test";
pub(crate) const AUDIENCE: &str = "appward-tests";

fn key_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/keys")
        .join(name)
}

pub(crate) fn key_bytes(name: &str) -> Vec<u8> {
    std::fs::read(key_file(name)).expect("a test key")
}

pub(crate) fn now() -> i64 {
    appward::infra::now()
}

/// Claims of a good token: `sub` becomes an Organization under `sp1`.
pub(crate) fn claims(sub: &str, jti: &str) -> Value {
    json!({
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": sub,
        "jti": jti,
        "exp": now() + 60,
        "level": "organization",
        "parent": "sp1",
        "name": "Portal Person",
    })
}

pub(crate) fn sign(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::EdDSA),
        claims,
        &EncodingKey::from_ed_pem(&key_bytes("portal-ed25519-test-only.key")).unwrap(),
    )
    .unwrap()
}

/// A server under `/console` that trusts the test portal's Ed25519 key, with `sp1` (a
/// Service Provider, the portal's subtree root), `org-outside` (an Organization outside it)
/// and `alice` (an existing login). Its `url` includes the base path.
pub(crate) async fn portal_server(extra: &[(&str, &str)]) -> TestServer {
    portal_server_and_state(extra).await.0
}

/// [`portal_server`], with its shared state (to look inside its in-memory stores).
async fn portal_server_and_state(extra: &[(&str, &str)]) -> (TestServer, ServerState) {
    let key = key_file("portal-ed25519-test-only.pub")
        .display()
        .to_string();
    let mut vars = vec![
        ("APPWARD_BASE_PATH", "/console"),
        ("APPWARD_PORTAL_SSO_KEY", key.as_str()),
        ("APPWARD_PORTAL_SSO_ISSUER", ISSUER),
        ("APPWARD_PORTAL_SSO_AUDIENCE", AUDIENCE),
        ("APPWARD_PORTAL_SSO_ROOT", "sp1"),
    ];
    vars.extend_from_slice(extra);
    let (mut server, state) = TestServer::spawn_with_state(&vars).await;
    server.url = format!("{}/console", server.url);
    let admin = server.admin().await;
    server
        .create_account(&admin, "sp1", "service_provider", None)
        .await;
    server
        .create_account(&admin, "org-outside", "organization", None)
        .await;
    server.create_account(&admin, "alice", "user", None).await;
    (server, state)
}

async fn sso(server: &TestServer, token: &str, return_to: &str) -> reqwest::Response {
    server
        .client()
        .get(format!("{}/sso", server.url))
        .query(&[("token", token), ("return_to", return_to)])
        .send()
        .await
        .unwrap()
}

/// Rows of every table a sign-in could write to.
pub(crate) async fn footprint(server: &TestServer) -> [u64; 4] {
    [
        server.count::<account::Entity>().await,
        server.count::<portal_person::Entity>().await,
        server.count::<portal_token_use::Entity>().await,
        server.count::<session::Entity>().await,
    ]
}

#[tokio::test]
async fn a_portal_token_signs_a_new_person_in_without_a_password() {
    let server = portal_server(&[]).await;
    let before = footprint(&server).await;
    let response = sso(
        &server,
        &sign(&claims("pat", "jti-1")),
        "/console/apps?tab=management",
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/console/apps?tab=management"
    );
    let cookie = common::session_cookie(response.headers()).expect("a session cookie");
    assert!(cookie.contains("Path=/console"), "{cookie}");
    assert_eq!(server.status_with_cookie(&cookie).await, 200);
    let after = footprint(&server).await;
    assert_eq!(after[0], before[0] + 1, "one account created");
    assert_eq!(after[1], before[1] + 1, "one portal person linked");
    let mut people = portal_person::Entity::find().all(&server.db).await.unwrap();
    assert_eq!(people.len(), 1);
    let person = people.remove(0);
    assert_eq!(person.issuer, ISSUER);
    assert_eq!(person.subject, "pat");
    let created = account::Entity::find_by_id(person.account_id)
        .one(&server.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.login, "pat");
    assert_eq!(created.name, "Portal Person");
    assert_eq!(created.level, appward::domain::AccountLevel::Organization);

    // A second token of the same person signs in to the same account.
    let again = sso(&server, &sign(&claims("pat", "jti-2")), "/console").await;
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"], "/console/");
    assert_eq!(
        server.count::<account::Entity>().await,
        after[0],
        "no second account"
    );
    // Password sign-in never works for a portal person.
    let refused = server
        .call(
            &server.client(),
            "sign_in",
            &[("login", "pat"), ("password", "!portal")],
        )
        .await;
    assert_eq!(refused.status(), 401);
}

/// A token made as `claims`, but with `alg: none` and no signature.
pub(crate) fn unsigned(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

#[tokio::test]
async fn every_bad_token_is_refused_with_a_clear_page_and_creates_nothing() {
    let server = portal_server(&[]).await;
    // The replayed one is used once first.
    let used = sign(&claims("replayed", "jti-used"));
    assert_eq!(
        sso(&server, &used, "/console/apps").await.status(),
        303,
        "first use"
    );
    let with = |change: &dyn Fn(&mut Value)| {
        let mut c = claims("newcomer", "jti-bad");
        change(&mut c);
        c
    };
    let other_key = encode(
        &Header::new(Algorithm::EdDSA),
        &claims("newcomer", "jti-bad"),
        &EncodingKey::from_ed_pem(&key_bytes("other-ed25519-test-only.key")).unwrap(),
    )
    .unwrap();
    let hs256_with_public_key = encode(
        &Header::new(Algorithm::HS256),
        &claims("newcomer", "jti-bad"),
        &EncodingKey::from_secret(&key_bytes("portal-ed25519-test-only.pub")).unwrap(),
    )
    .unwrap();
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "expired",
            sign(&with(&|c| c["exp"] = json!(now() - 120))),
            "/console/apps",
            "has expired",
        ),
        (
            "replayed jti",
            used.clone(),
            "/console/apps",
            "used already",
        ),
        (
            "wrong audience",
            sign(&with(&|c| c["aud"] = json!("someone-else"))),
            "/console/apps",
            "wrong audience",
        ),
        (
            "wrong issuer",
            sign(&with(&|c| c["iss"] = json!("https://evil.example"))),
            "/console/apps",
            "unknown issuer",
        ),
        (
            "wrong key",
            other_key,
            "/console/apps",
            "does not match the portal's key",
        ),
        (
            "alg none",
            unsigned(&claims("newcomer", "jti-bad")),
            "/console/apps",
            "not a valid token",
        ),
        (
            "HS256 signed with the public key",
            hs256_with_public_key,
            "/console/apps",
            "only algorithm of the portal's key",
        ),
        (
            "lives too long",
            sign(&with(&|c| c["exp"] = json!(now() + 600))),
            "/console/apps",
            "lives too long",
        ),
        (
            "Administrator level",
            sign(&with(&|c| c["level"] = json!("administrator"))),
            "/console/apps",
            "as the Administrator",
        ),
        (
            "parent outside the subtree",
            sign(&with(&|c| c["parent"] = json!("org-outside"))),
            "/console/apps",
            "outside the part of the account tree",
        ),
        (
            "missing parent",
            sign(&with(&|c| c["parent"] = json!("nobody"))),
            "/console/apps",
            "missing or outside",
        ),
        (
            "a level the parent may not create",
            sign(&with(&|c| c["level"] = json!("service_provider"))),
            "/console/apps",
            "cannot have a Service Provider below it",
        ),
        (
            "sub equal to an existing login",
            sign(&with(&|c| c["sub"] = json!("alice"))),
            "/console/apps",
            "never takes an account over",
        ),
        (
            "sub equal to the Administrator's login",
            sign(&with(&|c| c["sub"] = json!("admin"))),
            "/console/apps",
            "never takes an account over",
        ),
        (
            "foreign return_to",
            sign(&claims("newcomer", "jti-bad")),
            "https://evil.example/console/apps",
            "must be a path of this console",
        ),
        (
            "return_to outside the base",
            sign(&claims("newcomer", "jti-bad")),
            "/elsewhere",
            "must be a path of this console",
        ),
        (
            "protocol-relative return_to",
            sign(&claims("newcomer", "jti-bad")),
            "//evil.example/console",
            "must be a path of this console",
        ),
    ];
    let before = footprint(&server).await;
    for (case, token, return_to, says) in cases {
        let response = sso(&server, &token, return_to).await;
        let status = response.status();
        assert!(
            status == 400 || status == 403,
            "{case}: refused, not {status}"
        );
        assert!(
            common::session_cookie(response.headers()).is_none(),
            "{case}: no session"
        );
        assert!(response.headers().get("location").is_none(), "{case}");
        let page = response.text().await.unwrap();
        assert!(page.contains("Sign-in refused"), "{case}: {page}");
        assert!(page.contains(says), "{case}: the page says why: {page}");
        assert_eq!(
            footprint(&server).await,
            before,
            "{case}: nothing is created"
        );
    }
    // The refused newcomer can still come in with a good token afterwards.
    let good = sso(&server, &sign(&claims("newcomer", "jti-good")), "/console").await;
    assert_eq!(good.status(), 303);
}

#[tokio::test]
async fn a_linked_person_keeps_their_level() {
    let server = portal_server(&[]).await;
    assert_eq!(
        sso(&server, &sign(&claims("lee", "jti-a")), "/console")
            .await
            .status(),
        303
    );
    let mut promoted = claims("lee", "jti-b");
    promoted["level"] = json!("user");
    let before = footprint(&server).await;
    let response = sso(&server, &sign(&promoted), "/console").await;
    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("cannot change an account's level")
    );
    assert_eq!(footprint(&server).await, before);
}

#[tokio::test]
async fn es256_and_rs256_keys_pin_their_own_algorithm() {
    for (public, private, algorithm) in [
        (
            "portal-es256-test-only.pub",
            "portal-es256-test-only.key",
            Algorithm::ES256,
        ),
        (
            "portal-rs256-test-only.pub",
            "portal-rs256-test-only.key",
            Algorithm::RS256,
        ),
    ] {
        let key = key_file(public).display().to_string();
        let server = portal_server(&[("APPWARD_PORTAL_SSO_KEY", key.as_str())]).await;
        let signing = match algorithm {
            Algorithm::ES256 => EncodingKey::from_ec_pem(&key_bytes(private)).unwrap(),
            _ => EncodingKey::from_rsa_pem(&key_bytes(private)).unwrap(),
        };
        let good = encode(&Header::new(algorithm), &claims("kim", "jti-k1"), &signing).unwrap();
        assert_eq!(
            sso(&server, &good, "/console").await.status(),
            303,
            "{algorithm:?}"
        );
        // The portal's Ed25519 token is refused by a server configured with another key type.
        let response = sso(&server, &sign(&claims("kim", "jti-k2")), "/console").await;
        assert_eq!(response.status(), 403, "{algorithm:?}");
    }
}

#[tokio::test]
async fn under_a_base_path_nothing_answers_outside_it() {
    let server = TestServer::spawn_with(&[("APPWARD_BASE_PATH", "/console")]).await;
    let root = server.url.clone();
    for path in [
        "/livez",
        "/sign-in",
        "/.well-known/oauth-authorization-server",
        "/pkg/appward.css",
        "/consoleX/livez",
        "/",
    ] {
        let response = reqwest::get(format!("{root}{path}")).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    for path in ["/oauth/token", "/oauth/token.php", "/api/current_account"] {
        let response = reqwest::Client::new()
            .post(format!("{root}{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    assert_eq!(
        reqwest::get(format!("{root}/console/livez"))
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn pages_links_redirects_and_cookies_live_under_the_base_path() {
    let mut server = TestServer::spawn_with(&[("APPWARD_BASE_PATH", "/console")]).await;
    server.url = format!("{}/console", server.url);
    let page = reqwest::get(format!("{}/sign-in", server.url))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"data-base="/console""#), "{html}");
    assert!(
        html.contains(r#"action="/console/api/sign_in""#),
        "plain form posts stay under the base: {html}"
    );
    assert!(
        html.contains(r#"href="/console/pkg/appward.css""#),
        "{html}"
    );
    assert!(html.contains("/console/pkg/appward.js"), "{html}");
    assert!(!html.contains(r#""/pkg/"#), "{html}");
    // Signed out, the console sends the browser to its sign-in page under the base.
    let home = server.client().get(&server.url).send().await.unwrap();
    assert_eq!(home.status(), 303);
    assert_eq!(home.headers()["location"], "/console/sign-in");
    // The session cookie's path is the base; signed in, the console renders under it.
    let client = server.client();
    let cookie = server.admin_session_cookie(&client).await;
    assert!(
        cookie.split(';').any(|a| a.trim() == "Path=/console"),
        "{cookie}"
    );
    let apps = client
        .get(format!("{}/apps?tab=management", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(apps.status(), 200);
    let html = apps.text().await.unwrap();
    assert!(html.contains(r#"href="/console/accounts""#), "{html}");
    // A plain form sign-in goes home under the base.
    let plain = server
        .client()
        .post(format!("{}/api/sign_in", server.url))
        .header("accept", "text/html")
        .form(&[("login", "admin"), ("password", common::ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.headers()["location"], "/console/");
}

#[tokio::test]
async fn the_oauth_flows_pass_under_the_base_path() {
    let mut server = TestServer::spawn_with(&[("APPWARD_BASE_PATH", "/console")]).await;
    let origin = server.url.clone();
    server.url = format!("{origin}/console");
    let metadata = server.metadata().await;
    // The issuer is the public URL, base path included (the test server's default public
    // URL names its listen address, port 0).
    let issuer = metadata["issuer"].as_str().unwrap().to_owned();
    assert!(issuer.ends_with("/console"), "{issuer}");
    assert_eq!(metadata["token_endpoint"], format!("{issuer}/oauth/token"));
    assert_eq!(
        metadata["authorization_endpoint"],
        format!("{issuer}/oauth/authorize")
    );

    // Authorization code with PKCE: the sign-in redirect, the consent form, the code.
    let (app, user) = server.app_and_user(&[]).await;
    let signed_out = server
        .client()
        .get(format!("{}/oauth/authorize", server.url))
        .query(&[
            ("response_type", "code"),
            ("client_id", app.key.as_str()),
            ("redirect_uri", app.redirect_uri.as_str()),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap();
    let location = signed_out.headers()["location"].to_str().unwrap();
    assert!(location.starts_with("/console/sign-in?next="), "{location}");
    let consent = server
        .authorize(&user, &app, Some(&Pkce::new("base")), &[])
        .await;
    let html = consent.text().await.unwrap();
    assert!(
        html.contains(r#"action="/console/oauth/authorize""#),
        "{html}"
    );
    let tokens = server.user_tokens(&user, &app).await;
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(server.me(token).await.status(), 200);
    assert_eq!(server.introspect(&app, token).await["active"], true);
    assert_eq!(server.introspect(&app, token).await["iss"], issuer.as_str());

    // VoipNow's token path, then revocation.
    let (_, admin_app) = {
        let admin = server.admin().await;
        let trusted = server
            .oauth_app(&admin, "unified", &[("trusted", "on")])
            .await;
        (admin, trusted)
    };
    let php = server
        .app_post(
            "/oauth/token.php",
            format!(
                "grant_type=client_credentials&client_id={}&client_secret={}",
                admin_app.key, admin_app.secret
            ),
        )
        .await;
    assert_eq!(php.status(), 200);
    let trusted_token = access_token(php).await;
    let revoked = server
        .app_post(
            "/oauth/revoke",
            format!(
                "token={trusted_token}&client_id={}&client_secret={}",
                admin_app.key, admin_app.secret
            ),
        )
        .await;
    assert_eq!(revoked.status(), 200);
    assert_eq!(
        server.introspect(&admin_app, &trusted_token).await["active"],
        false
    );
}

#[tokio::test]
async fn cross_site_cookies_keep_the_csrf_check() {
    let server = TestServer::spawn_with(&[
        ("APPWARD_CROSS_SITE_COOKIES", "true"),
        ("APPWARD_FRAME_ANCESTORS", "https://portal.example"),
    ])
    .await;
    let client = server.client();
    let cookie = server.admin_session_cookie(&client).await;
    assert!(cookie.starts_with("__Secure-appward_session="), "{cookie}");
    let mut attributes: Vec<&str> = cookie.split(';').skip(1).map(str::trim).collect();
    attributes.sort();
    assert_eq!(
        attributes,
        [
            "HttpOnly",
            "Partitioned",
            "Path=/",
            "SameSite=None",
            "Secure"
        ],
        "{cookie}"
    );
    let post = |headers: Vec<(&'static str, &'static str)>| {
        let mut request = reqwest::Client::new()
            .post(format!("{}/api/current_account", server.url))
            .header("cookie", cookie.split(';').next().unwrap().to_owned());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request.send()
    };
    // The framed console posts to itself: same-origin, accepted.
    let own = post(vec![
        ("sec-fetch-site", "same-origin"),
        ("origin", "http://127.0.0.1"),
    ])
    .await
    .unwrap();
    assert_eq!(own.status(), 200);
    // A page of another site posting with the user's (now cross-site) cookie: refused.
    let evil = post(vec![
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ])
    .await
    .unwrap();
    assert_eq!(evil.status(), 403);
    let evil_without_fetch_metadata = post(vec![("origin", "https://evil.example")])
        .await
        .unwrap();
    assert_eq!(evil_without_fetch_metadata.status(), 403);
    // Even the listed portal cannot post to the console's server functions: it frames the
    // console, it does not act for the user.
    let portal = post(vec![
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://portal.example"),
    ])
    .await
    .unwrap();
    assert_eq!(portal.status(), 403);
    // Pages may be framed only by the listed origin.
    let page = reqwest::get(format!("{}/sign-in", server.url))
        .await
        .unwrap();
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        policy.ends_with("frame-ancestors https://portal.example"),
        "{policy}"
    );
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"data-frame-origins="https://portal.example""#),
        "{html}"
    );
}

#[tokio::test]
async fn start_refuses_wildcard_frame_ancestors_with_cross_site_cookies() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_appward"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("APPWARD_DATA_DIR", dir.path())
        .env("APPWARD_ADMIN_PASSWORD", common::ADMIN_PASSWORD)
        .env("APPWARD_CROSS_SITE_COOKIES", "true")
        .env("APPWARD_FRAME_ANCESTORS", "'self' https://*.example.com")
        .output()
        .expect("the server binary runs");
    assert!(!output.status.success(), "it must not start");
    let log = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("APPWARD_FRAME_ANCESTORS"), "{log}");
    assert!(log.contains("wildcards are refused"), "{log}");
    assert!(
        !dir.path().join("appward.db").exists(),
        "nothing was started"
    );
}

#[tokio::test]
async fn frameless_mode_is_asked_once_and_kept() {
    let theme = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        theme.path(),
        ":root { --aw-accent: light-dark(#0a7d4f, #6fe0b0); }",
    )
    .unwrap();
    let theme_path = theme.path().display().to_string();
    let mut server = TestServer::spawn_with(&[
        ("APPWARD_BASE_PATH", "/console"),
        ("APPWARD_THEME_CSS", theme_path.as_str()),
    ])
    .await;
    server.url = format!("{}/console", server.url);
    let client = server.client();
    // The portal's frame: the browser says `Sec-Fetch-Dest: iframe`.
    let first = client
        .get(format!("{}/sign-in?embed=1", server.url))
        .header("sec-fetch-dest", "iframe")
        .send()
        .await
        .unwrap();
    let set = first
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("appward_frameless=1"))
        .expect("the frameless cookie");
    assert!(set.contains("Path=/console"), "{set}");
    assert!(
        first
            .text()
            .await
            .unwrap()
            .contains(r#"data-frameless="true""#)
    );
    // Kept for the session: a reload without the parameter, a redirect, a sign-in.
    let reload = client
        .get(format!("{}/sign-in", server.url))
        .send()
        .await
        .unwrap();
    let html = reload.text().await.unwrap();
    assert!(html.contains(r#"data-frameless="true""#));
    // The operator's theme follows the built-in stylesheet, from the console's own origin.
    let built_in = html.find("/console/pkg/appward.css").unwrap();
    let themed = html
        .find(r#"href="/console/theme.css""#)
        .expect("the theme link");
    assert!(
        themed > built_in,
        "the theme comes after the built-in stylesheet"
    );
    let css = client
        .get(format!("{}/theme.css", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(css.text().await.unwrap().contains("#0a7d4f"));
    // Another browser without the cookie gets the console's own header.
    let other = reqwest::get(format!("{}/sign-in", server.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!other.contains("data-frameless"));
}

/// The attributes of a `Set-Cookie` value, sorted.
fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    let mut attributes: Vec<String> = set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_owned())
        .collect();
    attributes.sort();
    attributes
}

#[tokio::test]
async fn embed_1_counts_only_inside_a_frame() {
    let mut server = TestServer::spawn_with(&[("APPWARD_BASE_PATH", "/console")]).await;
    server.url = format!("{}/console", server.url);
    let get = |dest: Option<&'static str>| {
        let mut request = server
            .client()
            .get(format!("{}/sign-in?embed=1", server.url));
        if let Some(dest) = dest {
            request = request.header("sec-fetch-dest", dest);
        }
        request.send()
    };
    let frameless_cookie = |response: &reqwest::Response| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("appward_frameless="))
            .map(str::to_owned)
    };
    // A link followed at the top level (or by a client that says nothing): the console keeps
    // its header and Sign out, and remembers nothing.
    for dest in [None, Some("document")] {
        let response = get(dest).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(frameless_cookie(&response), None, "{dest:?}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("data-frameless"), "{dest:?}: {html}");
    }
    // In the portal's frame: frameless, and kept.
    let framed = get(Some("iframe")).await.unwrap();
    let set = frameless_cookie(&framed).expect("the frameless cookie");
    assert_eq!(
        cookie_attributes(&set),
        ["HttpOnly", "Path=/console", "SameSite=Lax"],
        "{set}"
    );
    assert!(
        framed
            .text()
            .await
            .unwrap()
            .contains(r#"data-frameless="true""#)
    );
}

#[tokio::test]
async fn every_console_cookie_and_the_page_carry_the_base_path_and_the_cross_site_attributes() {
    let mut server = TestServer::spawn_with(&[
        ("APPWARD_BASE_PATH", "/console"),
        ("APPWARD_CROSS_SITE_COOKIES", "true"),
        ("APPWARD_FRAME_ANCESTORS", "https://portal.example"),
    ])
    .await;
    server.url = format!("{}/console", server.url);
    let cross_site = ["Partitioned", "Path=/console", "SameSite=None", "Secure"];
    let with_http_only = |attributes: &[&str]| {
        let mut all: Vec<String> = attributes.iter().map(|a| a.to_string()).collect();
        all.push("HttpOnly".into());
        all.sort();
        all
    };
    // The session cookie.
    let session = server.admin_session_cookie(&server.client()).await;
    assert_eq!(
        cookie_attributes(&session),
        with_http_only(&cross_site),
        "{session}"
    );
    // The frameless cookie.
    let framed = server
        .client()
        .get(format!("{}/sign-in?embed=1", server.url))
        .header("sec-fetch-dest", "iframe")
        .send()
        .await
        .unwrap();
    let frameless = framed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("appward_frameless=1"))
        .expect("the frameless cookie")
        .to_owned();
    assert_eq!(
        cookie_attributes(&frameless),
        with_http_only(&cross_site),
        "{frameless}"
    );
    // The theme cookie, which the browser writes: the page tells it the base path and that
    // cookies are cross-site (it writes them with `CookieScope::attributes`, the attributes
    // above: unit tests of `src/embedding/cookie_scope.rs` and `src/embedding/cookies.rs`);
    // the server reads the choice under the base path before a copy of the whole host's.
    let page = reqwest::Client::new()
        .get(format!("{}/sign-in", server.url))
        .header("cookie", "appward_theme=dark; appward_theme=light")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-base="/console""#), "{page}");
    assert!(page.contains(r#"data-cross-site-cookies="true""#), "{page}");
    assert!(page.contains(r#"data-theme="dark""#), "{page}");
    // Same-site cookies: the page says nothing of cross-site ones.
    let same_site = TestServer::spawn().await;
    let page = reqwest::get(format!("{}/sign-in", same_site.url))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("data-cross-site-cookies"), "{page}");
}

#[tokio::test]
async fn a_used_portal_token_stays_used_past_its_expiry_and_the_clock_leeway() {
    let server = portal_server(&[]).await;
    let mut short = claims("brief", "jti-brief");
    short["exp"] = json!(now() + 2);
    let token = sign(&short);
    assert_eq!(
        sso(&server, &token, "/console").await.status(),
        303,
        "first use"
    );
    // Past its `exp`, still inside the 5 s the signature check allows for clock skew; and
    // housekeeping has just run.
    tokio::time::sleep(std::time::Duration::from_millis(4500)).await;
    appward::oauth::housekeeping::purge(&server.db, now())
        .await
        .unwrap();
    let again = sso(&server, &token, "/console").await;
    assert_eq!(
        again.status(),
        403,
        "a used token was accepted again after its exp"
    );
    assert!(again.text().await.unwrap().contains("used already"));
}

#[tokio::test]
async fn a_return_to_that_would_leave_the_base_path_is_refused_and_signs_nobody_in() {
    let server = portal_server(&[]).await;
    let before = footprint(&server).await;
    for (n, return_to) in [
        "/console/../x",
        "/console/%2e%2e/x",
        "/console/apps/..",
        "/console%2fapps",
        "/console/apps%5Cx",
    ]
    .into_iter()
    .enumerate()
    {
        let token = sign(&claims("wanderer", &format!("jti-wander-{n}")));
        let response = sso(&server, &token, return_to).await;
        assert_eq!(response.status(), 400, "{return_to}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("return_to must be a path"),
            "{return_to}"
        );
    }
    assert_eq!(
        footprint(&server).await,
        before,
        "nothing was created or used"
    );
}

/// Found by the property test over `/sso` (`sso_properties`): a `return_to` beyond ASCII
/// signed the person in and sent the browser to `/é`, outside the base path (the base is put
/// back only on a `Location` that is plain text).
#[tokio::test]
async fn a_return_to_beyond_ascii_stays_under_the_base_path() {
    let server = portal_server(&[]).await;
    let response = sso(
        &server,
        &sign(&claims("unicode", "jti-unicode")),
        "/console/apps/é?q=ü",
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/console/apps/%C3%A9?q=%C3%BC"
    );
}

#[tokio::test]
async fn a_head_request_uses_no_token_and_a_refusal_leaks_no_referrer() {
    let server = portal_server(&[]).await;
    let token = sign(&claims("previewed", "jti-previewed"));
    let before = footprint(&server).await;
    // A link preview asks first: nothing is used, nothing created.
    let preview = server
        .client()
        .head(format!("{}/sso", server.url))
        .query(&[("token", token.as_str()), ("return_to", "/console")])
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), 200);
    assert_eq!(footprint(&server).await, before, "HEAD used the token");
    // The person's own click then signs them in.
    assert_eq!(sso(&server, &token, "/console").await.status(), 303);
    // A refusal's page (its URL holds the token) sends no Referer with its stylesheet.
    let refused = sso(&server, &token, "/console").await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        refused.headers()["referrer-policy"],
        "no-referrer",
        "the refusal page would send the token's URL as Referer"
    );
}

/// A plain form sign-in (as the page posts it without script) with `next`, as `client`;
/// where the server sends the browser.
async fn plain_sign_in(server: &TestServer, client: &reqwest::Client, next: &str) -> String {
    let signed_in = client
        .post(format!("{}/api/sign_in", server.url))
        .header("accept", "text/html")
        .form(&[
            ("login", "admin"),
            ("password", common::ADMIN_PASSWORD),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    String::from_utf8_lossy(signed_in.headers()["location"].as_bytes()).into_owned()
}

/// The `next` of a redirect to the sign-in page, decoded.
fn next_of(location: &str) -> String {
    let url = url::Url::parse(&format!("http://x{location}")).unwrap();
    url.query_pairs()
        .find(|(name, _)| name == "next")
        .map(|(_, next)| next.into_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_signed_out_visitor_is_sent_to_sign_in_and_back_whatever_they_accept() {
    let mut server = TestServer::spawn_with(&[("APPWARD_BASE_PATH", "/console")]).await;
    server.url = format!("{}/console", server.url);
    for accept in [Some("text/html,application/xhtml+xml"), Some("*/*"), None] {
        let client = server.client();
        let mut request = client.get(format!("{}/apps?tab=management", server.url));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        let page = request.send().await.unwrap();
        assert_eq!(page.status(), 303, "Accept: {accept:?}");
        let location = page.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with("/console/sign-in?"), "{location}");
        assert_eq!(next_of(&location), "/apps?tab=management");
        // Signed in, the person is on the page they asked for.
        let back = plain_sign_in(&server, &client, &next_of(&location)).await;
        assert_eq!(back, "/console/apps?tab=management");
        let apps = client
            .get(format!("{}/apps?tab=management", server.url))
            .send()
            .await
            .unwrap();
        assert_eq!(apps.status(), 200);
    }
}

#[tokio::test]
async fn an_apps_authorization_link_under_the_base_path_reaches_the_consent_page_after_sign_in() {
    let mut server = TestServer::spawn_with(&[("APPWARD_BASE_PATH", "/console")]).await;
    server.url = format!("{}/console", server.url);
    let (app, _) = server.app_and_user(&[]).await;
    let person = server.client();
    let signed_out = person
        .get(format!("{}/oauth/authorize", server.url))
        .query(&[
            ("response_type", "code"),
            ("client_id", app.key.as_str()),
            ("redirect_uri", app.redirect_uri.as_str()),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303);
    let location = signed_out.headers()["location"].to_str().unwrap();
    let next = next_of(location);
    assert!(next.starts_with("/oauth/authorize?"), "{next}");
    let back = plain_sign_in(&server, &person, &next).await;
    assert!(back.starts_with("/console/oauth/authorize?"), "{back}");
    let origin = server.url.strip_suffix("/console").unwrap();
    let consent = person.get(format!("{origin}{back}")).send().await.unwrap();
    assert_eq!(consent.status(), 200);
    let html = consent.text().await.unwrap();
    assert!(
        html.contains(r#"action="/console/oauth/authorize""#),
        "{html}"
    );
}

#[tokio::test]
async fn every_password_sign_in_runs_exactly_one_argon2_verification_whatever_the_login() {
    let (server, state) = portal_server_and_state(&[]).await;
    assert_eq!(
        sso(&server, &sign(&claims("pat", "jti-argon")), "/console")
            .await
            .status(),
        303
    );
    for (login, password) in [
        ("nobody-here", "a-wrong-password"),
        ("alice", "a-wrong-password"),
        ("pat", "a-wrong-password"),
        ("pat", "!portal"),
        ("alice", "password-123"),
    ] {
        let before = state.password_gate.verifications();
        let answer = server
            .call(
                &server.client(),
                "sign_in",
                &[("login", login), ("password", password)],
            )
            .await;
        assert_eq!(
            state.password_gate.verifications() - before,
            1,
            "{login}: answered {}",
            answer.status()
        );
        let expected = if password == "password-123" { 200 } else { 401 };
        assert_eq!(answer.status(), expected, "{login}");
    }
}

#[tokio::test]
async fn a_linked_portal_person_is_checked_again_at_each_sign_in() {
    let server = portal_server(&[]).await;
    let admin = server.admin().await;
    let sp1 = account::Entity::find()
        .all(&server.db)
        .await
        .unwrap()
        .into_iter()
        .find(|account| account.login == "sp1")
        .unwrap()
        .id;
    server
        .create_account(&admin, "org-a", "organization", Some(sp1))
        .await;
    server
        .create_account(&admin, "org-b", "organization", Some(sp1))
        .await;
    let person = |jti: &str, parent: &str| {
        let mut claims = claims("uma", jti);
        claims["level"] = json!("user");
        claims["parent"] = json!(parent);
        sign(&claims)
    };
    assert_eq!(
        sso(&server, &person("u-1", "org-a"), "/console")
            .await
            .status(),
        303
    );
    let linked = server.count::<portal_person::Entity>().await;

    // The portal now says another parent: refused, and the link is kept.
    let moved = sso(&server, &person("u-2", "org-b"), "/console").await;
    assert_eq!(moved.status(), 403);
    assert!(common::session_cookie(moved.headers()).is_none());
    let page = moved.text().await.unwrap();
    assert!(page.contains("another parent account"), "{page}");
    assert_eq!(server.count::<portal_person::Entity>().await, linked);
    assert_eq!(
        sso(&server, &person("u-3", "org-a"), "/console")
            .await
            .status(),
        303
    );

    // The operator narrows the portal's subtree to org-b: uma, under org-a, is outside it.
    let mut narrowed = server
        .another_instance_with(&[("APPWARD_PORTAL_SSO_ROOT", "org-b")])
        .await;
    narrowed.url = format!("{}/console", narrowed.url);
    let outside = sso(&narrowed, &person("u-4", "org-a"), "/console").await;
    assert_eq!(outside.status(), 403);
    assert!(common::session_cookie(outside.headers()).is_none());
    let page = outside.text().await.unwrap();
    assert!(
        page.contains("outside the part of the account tree"),
        "{page}"
    );
    assert_eq!(server.count::<portal_person::Entity>().await, linked);
}

/// The login signed in with `cookie` (a `Cookie` header value), or `None` when signed out.
pub(crate) async fn who(server: &TestServer, cookie: &str) -> Option<String> {
    let response = reqwest::Client::new()
        .post(format!("{}/api/current_account", server.url))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    if response.status() != 200 {
        return None;
    }
    let account: Value = response.json().await.unwrap();
    account["login"].as_str().map(str::to_owned)
}

/// `/sso` as a browser holding `cookie` asks for it: `GET` with the token in the query, or
/// `POST` of a form; with extra `headers`.
async fn sso_as(
    server: &TestServer,
    cookie: &str,
    post: Option<&[(&str, &str)]>,
    get: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{}/sso", server.url);
    let mut request = match post {
        Some(form) => client.post(url).form(form),
        None => client.get(url).query(get),
    };
    request = request.header("cookie", cookie);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

/// The `name=value` of a response's session cookie.
fn cookie_pair(response: &reqwest::Response) -> String {
    let cookie = common::session_cookie(response.headers()).expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_link_from_another_site_never_switches_a_signed_in_person_unasked() {
    let server = portal_server(&[]).await;
    let alice = server.client();
    let signed_in = server.sign_in(&alice, "alice", "password-123").await;
    let alice_cookie = cookie_pair(&signed_in);
    assert_eq!(who(&server, &alice_cookie).await.as_deref(), Some("alice"));
    let used_before = server.count::<portal_token_use::Entity>().await;

    // A top-level link from another site, with another person's token: a question, no switch.
    let token = sign(&claims("mallory", "jti-csrf"));
    let link = [("token", token.as_str()), ("return_to", "/console/apps")];
    for headers in [
        vec![
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-dest", "document"),
        ],
        vec![],
        vec![("sec-fetch-dest", "iframe")],
    ] {
        let asked = sso_as(&server, &alice_cookie, None, &link, &headers).await;
        assert_eq!(asked.status(), 200, "{headers:?}");
        assert!(common::session_cookie(asked.headers()).is_none());
        // Same origin only: its form sends the console's Origin, nothing leaves for elsewhere.
        assert_eq!(asked.headers()["referrer-policy"], "same-origin");
        assert_eq!(asked.headers()["cache-control"], "no-store");
        let page = asked.text().await.unwrap();
        assert!(page.contains("Sign in as another person?"), "{page}");
        assert!(page.contains("<code>alice</code>") && page.contains("<code>mallory</code>"));
        assert!(page.contains(r#"action="/console/sso""#), "{page}");
    }
    assert_eq!(who(&server, &alice_cookie).await.as_deref(), Some("alice"));
    assert_eq!(
        server.count::<portal_token_use::Entity>().await,
        used_before,
        "asking uses no token"
    );

    // Another site's page posting the confirmation: asked again, never switched.
    let confirm = [
        ("token", token.as_str()),
        ("return_to", "/console/apps"),
        ("switch", "1"),
    ];
    for headers in [
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        vec![("origin", "https://evil.example")],
    ] {
        let forged = sso_as(&server, &alice_cookie, Some(&confirm), &[], &headers).await;
        assert_eq!(forged.status(), 200, "{headers:?}");
        assert!(common::session_cookie(forged.headers()).is_none());
    }
    assert_eq!(who(&server, &alice_cookie).await.as_deref(), Some("alice"));

    // The page's own form, confirmed: switched, to where the link pointed.
    let switched = sso_as(
        &server,
        &alice_cookie,
        Some(&confirm),
        &[],
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://127.0.0.1"),
        ],
    )
    .await;
    assert_eq!(switched.status(), 303);
    assert_eq!(switched.headers()["location"], "/console/apps");
    let mallory_cookie = cookie_pair(&switched);
    assert_eq!(
        who(&server, &mallory_cookie).await.as_deref(),
        Some("mallory")
    );
    assert_eq!(
        who(&server, &alice_cookie).await,
        None,
        "alice's session ended"
    );

    // The same person again: no question.
    let again = sso_as(
        &server,
        &mallory_cookie,
        None,
        &[
            ("token", &sign(&claims("mallory", "jti-again"))),
            ("return_to", ""),
        ],
        &[("sec-fetch-site", "cross-site")],
    )
    .await;
    assert_eq!(again.status(), 303);
}

#[tokio::test]
async fn in_a_portal_frame_with_cross_site_cookies_the_portal_switches_people_unasked() {
    let server = portal_server(&[
        ("APPWARD_CROSS_SITE_COOKIES", "true"),
        ("APPWARD_FRAME_ANCESTORS", "https://portal.test"),
    ])
    .await;
    let first = sso_as(
        &server,
        "",
        None,
        &[("token", &sign(&claims("pat", "jti-f1")))],
        &[
            ("sec-fetch-dest", "iframe"),
            ("sec-fetch-site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(first.status(), 303);
    let pat = cookie_pair(&first);
    assert!(pat.starts_with("__Secure-appward_session="), "{pat}");
    assert_eq!(who(&server, &pat).await.as_deref(), Some("pat"));
    let next = sso_as(
        &server,
        &pat,
        None,
        &[("token", &sign(&claims("quinn", "jti-f2")))],
        &[
            ("sec-fetch-dest", "iframe"),
            ("sec-fetch-site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(next.status(), 303);
    assert_eq!(
        who(&server, &cookie_pair(&next)).await.as_deref(),
        Some("quinn")
    );
    // The same link opened top-level still asks.
    let top = sso_as(
        &server,
        &cookie_pair(&next),
        None,
        &[("token", &sign(&claims("pat", "jti-f3")))],
        &[
            ("sec-fetch-dest", "document"),
            ("sec-fetch-site", "cross-site"),
        ],
    )
    .await;
    assert_eq!(top.status(), 200);
    assert!(common::session_cookie(top.headers()).is_none());
}

#[tokio::test]
async fn the_token_may_come_by_post_and_a_token_that_expired_while_asking_says_so() {
    let server = portal_server(&[]).await;
    // By POST, nobody signed in: signed in, the token stays out of the URL.
    let posted = sso_as(
        &server,
        "",
        Some(&[
            ("token", &sign(&claims("pat", "jti-p1"))),
            ("return_to", "/console/apps"),
        ]),
        &[],
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://portal.test"),
        ],
    )
    .await;
    assert_eq!(posted.status(), 303);
    assert_eq!(posted.headers()["location"], "/console/apps");
    let pat = cookie_pair(&posted);

    // Another person's token, 4 s past its exp (inside the 5 s leeway): asked…
    let mut late = claims("quinn", "jti-p2");
    late["exp"] = json!(now() - 4);
    let token = sign(&late);
    let asked = sso_as(&server, &pat, None, &[("token", token.as_str())], &[]).await;
    assert_eq!(asked.status(), 200);
    // …and by the time the person confirms, it has expired: the page says so and offers the
    // way back to the portal.
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let expired = sso_as(
        &server,
        &pat,
        Some(&[("token", token.as_str()), ("switch", "1")]),
        &[],
        &[("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(expired.status(), 403);
    assert!(common::session_cookie(expired.headers()).is_none());
    let page = expired.text().await.unwrap();
    assert!(page.contains("has expired"), "{page}");
    assert!(
        page.contains(r#"href="https://portal.test""#) && page.contains("Back to the portal"),
        "{page}"
    );
    assert_eq!(who(&server, &pat).await.as_deref(), Some("pat"));
}

#[tokio::test]
async fn a_portal_session_ends_after_its_own_lifetime_and_a_password_session_does_not() {
    let server = portal_server(&[("APPWARD_PORTAL_SESSION_TTL", "2s")]).await;
    let signed_in = sso(&server, &sign(&claims("pat", "jti-ttl")), "/console").await;
    assert_eq!(signed_in.status(), 303);
    let portal = cookie_pair(&signed_in);
    let alice = server.client();
    let password = cookie_pair(&server.sign_in(&alice, "alice", "password-123").await);
    assert_eq!(who(&server, &portal).await.as_deref(), Some("pat"));
    // Busy all along: used every half second, past its lifetime.
    for _ in 0..6 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        who(&server, &portal).await;
    }
    assert_eq!(
        who(&server, &portal).await,
        None,
        "the portal session ended"
    );
    assert_eq!(
        who(&server, &password).await.as_deref(),
        Some("alice"),
        "a password session lasts APPWARD_SESSION_TTL"
    );
    // The portal signs the person in again.
    let again = sso(&server, &sign(&claims("pat", "jti-ttl-2")), "/console").await;
    assert_eq!(
        who(&server, &cookie_pair(&again)).await.as_deref(),
        Some("pat")
    );
}

#[tokio::test]
async fn a_sign_in_back_to_a_path_beyond_ascii_stays_under_the_base_path() {
    let mut server = TestServer::spawn_with(&[("APPWARD_BASE_PATH", "/console")]).await;
    server.url = format!("{}/console", server.url);
    let back = plain_sign_in(&server, &server.client(), "/apps?filter=é").await;
    assert_eq!(back, "/console/apps?filter=é");
}

#[tokio::test]
async fn the_portal_sign_in_pages_wear_the_viewers_choice_and_the_operators_theme() {
    let theme = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        theme.path(),
        ":root { --aw-accent: light-dark(#0a7d4f, #5fd3a0); }",
    )
    .unwrap();
    let css = theme.path().display().to_string();
    let server = portal_server(&[("APPWARD_THEME_CSS", css.as_str())]).await;
    let refused = sso_as(
        &server,
        "appward_theme=dark",
        None,
        &[("token", "not-a-token")],
        &[],
    )
    .await;
    assert_eq!(refused.status(), 403);
    let page = refused.text().await.unwrap();
    assert!(page.contains(r#"data-theme="dark""#), "{page}");
    assert!(page.contains(r#"href="/console/theme.css""#), "{page}");
    assert!(page.contains(r#"href="/console/pkg/"#), "{page}");
}
