//! Malformed, oversized and mistyped requests get a clear 4xx, never a 500, and store nothing.

use crate::common;

use appward::infra::entities::{app as app_entity, token_grant};
use common::TestServer;
use sea_orm::{EntityTrait, PaginatorTrait};

#[tokio::test]
async fn the_oauth_endpoints_answer_4xx_to_hostile_bodies() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let client = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let auth = format!("client_id={}&client_secret={}", client.key, client.secret);
    let huge = "a".repeat(1 << 20);
    let bodies: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "application/x-www-form-urlencoded"),
        (
            "bad UTF-8",
            b"grant_type=\xff\xfe&client_id=\xc3".to_vec(),
            "application/x-www-form-urlencoded",
        ),
        (
            "1 MB field",
            format!("grant_type=client_credentials&{auth}&type={huge}").into_bytes(),
            "application/x-www-form-urlencoded",
        ),
        (
            "JSON",
            br#"{"grant_type":"client_credentials"}"#.to_vec(),
            "application/json",
        ),
        (
            "repeated",
            format!(
                "grant_type=client_credentials&{auth}&client_id={}",
                client.key
            )
            .into_bytes(),
            "application/x-www-form-urlencoded",
        ),
        (
            "percent garbage",
            b"grant_type=%zz%&client_id=%".to_vec(),
            "application/x-www-form-urlencoded",
        ),
        (
            "a NUL",
            format!("grant_type=client_credentials\0&{auth}").into_bytes(),
            "application/x-www-form-urlencoded",
        ),
    ];
    for path in [
        "/oauth/token",
        "/oauth/token.php",
        "/oauth/introspect",
        "/oauth/revoke",
        "/soap2/",
        "/oauth/authorize",
    ] {
        for (why, body, content_type) in &bodies {
            let response = reqwest::Client::new()
                .post(format!("{}{path}", app.url))
                .header("content-type", *content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let soap_fault = path.starts_with("/soap2") && status == 500;
            let text = response.text().await.unwrap_or_default();
            if soap_fault {
                // SOAP 1.1 answers every fault with 500, but it must be the client's fault.
                assert!(text.contains("soap:Client"), "{path} {why}: {text}");
            } else {
                assert!(
                    (400..500).contains(&status),
                    "{path} {why}: {status} {text}"
                );
                assert!(!text.is_empty(), "{path} {why}: a message");
            }
        }
    }
    assert_eq!(token_grant::Entity::find().count(&app.db).await.unwrap(), 0);
}

#[tokio::test]
async fn server_functions_answer_4xx_to_hostile_bodies_and_store_nothing() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let before = app_entity::Entity::find().count(&app.db).await.unwrap();
    let huge = "n".repeat(1 << 20);
    let bodies: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "1 MB name",
            format!("api=unified&form[name]={huge}").into_bytes(),
            "application/x-www-form-urlencoded",
        ),
        (
            "bad UTF-8",
            b"api=unified&form[name]=\xff\xfe".to_vec(),
            "application/x-www-form-urlencoded",
        ),
        (
            "missing fields",
            b"api=unified".to_vec(),
            "application/x-www-form-urlencoded",
        ),
        ("wrong content type", b"<xml/>".to_vec(), "text/xml"),
        (
            "nested garbage",
            b"form[name][x][y]=1&api[]=2".to_vec(),
            "application/x-www-form-urlencoded",
        ),
    ];
    for (why, body, content_type) in bodies {
        let response = admin
            .post(format!("{}/api/create_app", app.url))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert!((400..500).contains(&status), "{why}: {status} {text}");
    }
    assert_eq!(
        app_entity::Entity::find().count(&app.db).await.unwrap(),
        before
    );
}
