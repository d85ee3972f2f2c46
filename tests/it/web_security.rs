//! Security headers on every page and the refusal of cross-site form posts, through the
//! real router.

use crate::common;

use common::TestServer;

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_the_common_headers() {
    let app = TestServer::spawn_with(&[
        ("APPWARD_FRAME_ANCESTORS", "'self' https://portal.example"),
        ("APPWARD_PUBLIC_URL", "https://apps.example.com"),
    ])
    .await;
    let response = reqwest::get(format!("{}/sign-in", app.url)).await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let policy = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the nonce"
    );
    assert!(policy.contains("'wasm-unsafe-eval'"));
    assert!(!policy.contains("unsafe-inline"));
    assert!(policy.contains("frame-ancestors 'self' https://portal.example"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert_eq!(headers["strict-transport-security"], "max-age=31536000");

    // Each page gets its own nonce.
    let again = reqwest::get(format!("{}/sign-in", app.url)).await.unwrap();
    assert_ne!(
        again.headers()["content-security-policy"].to_str().unwrap(),
        policy
    );
    // HSTS only when the public URL is https.
    let plain = TestServer::spawn().await;
    let response = reqwest::get(format!("{}/sign-in", plain.url))
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_none()
    );
}

#[tokio::test]
async fn another_sites_page_cannot_post_to_server_functions_or_the_consent_form() {
    let app = TestServer::spawn().await;
    let form = format!(
        "login=admin&password={}",
        common::ADMIN_PASSWORD.replace('-', "%2D")
    );
    let post = |path: &str, headers: &[(&str, &str)]| {
        let mut request = reqwest::Client::new()
            .post(format!("{}{path}", app.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.clone());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![("sec-fetch-site", "cross-site")],
    ] {
        let response = post("/api/sign_in", &headers).await.unwrap();
        assert_eq!(response.status(), 403, "{headers:?}");
        assert!(response.headers().get("set-cookie").is_none());
        let response = post("/oauth/authorize", &headers).await.unwrap();
        assert_eq!(response.status(), 403, "{headers:?}");
    }
    // The console's own pages, and clients that send no Origin, pass.
    let own = app.url.clone();
    let response = post("/api/sign_in", &[("origin", own.as_str())])
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = post("/api/sign_in", &[]).await.unwrap();
    assert_eq!(response.status(), 200);
}
