//! Repeated failed App authentications and sign-ins are slowed down with 429 and
//! `Retry-After`, per App and per login and client network (an IPv4 address, an IPv6 /64),
//! with configurable thresholds; failures of one login from many networks make its attempts
//! wait, never refused; a trusted proxy may be listed by its range.

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

/// One sign-in of `login` from `address`, as a trusted proxy on 127.0.0.1 forwards it.
async fn sign_in_from(
    app: &TestServer,
    address: &str,
    login: &str,
    password: &str,
) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/sign_in", app.url))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", address)
        .body(common::serde_urlencoded(&[
            ("login", login),
            ("password", password),
        ]))
        .send()
        .await
        .expect("request sent")
}

#[tokio::test]
async fn addresses_of_one_ipv6_64_share_one_sign_in_limit() {
    let app = TestServer::spawn_with(&[
        ("APPWARD_SIGN_IN_ATTEMPTS", "3"),
        ("APPWARD_TRUSTED_PROXIES", "127.0.0.0/8"),
    ])
    .await;
    let admin = app.admin().await;
    app.create_account(&admin, "alice", "organization", None)
        .await;
    // Three addresses of 2001:db8:1:2::/64, one guess each: the limit is used up.
    for address in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3"] {
        let response = sign_in_from(&app, address, "alice", "wrong-password").await;
        assert_eq!(response.status(), 401, "{address}");
    }
    // A fourth address of the same /64 is refused, right password or not, as one address is.
    for password in ["wrong-password", "password-123"] {
        let response =
            sign_in_from(&app, "2001:db8:1:2:ffff:ffff:ffff:fffe", "alice", password).await;
        assert_eq!(response.status(), 429, "{password}");
        let wait: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&wait));
    }
    // Another /64 is another network: the person signs in from there.
    let response = sign_in_from(&app, "2001:db8:1:3::1", "alice", "password-123").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn failures_of_one_login_from_many_addresses_slow_it_down_without_locking_it_out() {
    use appward::infra::login_slowdown::{FREE_FAILURES, delay_after};
    use std::time::{Duration, Instant};

    let (app, state) =
        TestServer::spawn_with_state(&[("APPWARD_TRUSTED_PROXIES", "127.0.0.0/8")]).await;
    let admin = app.admin().await;
    app.create_account(&admin, "alice", "organization", None)
        .await;
    let slowdown = &state.sign_in_slowdown;
    // One guess from each of many addresses: no address reaches its own limit (10), yet
    // past the free failures each guess of the login waited, longer each time.
    let failures = FREE_FAILURES + 3;
    for n in 1..=failures {
        let address = format!("203.0.113.{n}");
        let response = sign_in_from(&app, &address, "Alice", "wrong-password").await;
        assert_eq!(response.status(), 401, "{address}");
    }
    assert_eq!(slowdown.slowed(), 3);
    let next = slowdown.next_delay("alice");
    assert_eq!(next, delay_after(failures));
    assert!(next >= Duration::from_secs(2), "{next:?}");

    // The next attempt waits that long, and the right password still signs in.
    let started = Instant::now();
    let response = sign_in_from(&app, "198.51.100.7", "alice", "password-123").await;
    let took = started.elapsed();
    assert_eq!(response.status(), 200);
    assert_eq!(slowdown.slowed(), 4);
    assert!(took >= next, "{took:?}");

    // The success forgot the failures: the next attempt does not wait.
    assert_eq!(slowdown.next_delay("alice"), Duration::ZERO);
    let response = sign_in_from(&app, "203.0.113.200", "alice", "wrong-password").await;
    assert_eq!(response.status(), 401);
    assert_eq!(slowdown.slowed(), 4);
    // Other logins were never slowed down.
    assert_eq!(slowdown.next_delay("admin"), Duration::ZERO);
}

#[tokio::test]
async fn forwarded_addresses_are_believed_from_a_listed_range_only() {
    let sign_ins = |trusted: &'static str| async move {
        let app = TestServer::spawn_with(&[
            ("APPWARD_SIGN_IN_ATTEMPTS", "2"),
            ("APPWARD_TRUSTED_PROXIES", trusted),
        ])
        .await;
        for _ in 0..2 {
            let response = sign_in_from(&app, "203.0.113.66", "admin", "wrong").await;
            assert_eq!(response.status(), 401);
        }
        sign_in_from(&app, "198.51.100.7", "admin", common::ADMIN_PASSWORD)
            .await
            .status()
    };
    // 127.0.0.1 lies in 127.0.0.0/8: the forwarded addresses are the clients, and the second
    // client is not held back by the first one's failures.
    assert_eq!(sign_ins("127.0.0.0/8").await, 200);
    // 127.0.0.1 lies in no listed range: its forwarded addresses are ignored, both guesses
    // and the sign-in came from 127.0.0.1.
    assert_eq!(sign_ins("10.0.0.0/8, fd00::/8, 192.0.2.1").await, 429);
}
