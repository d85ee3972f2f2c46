//! The SystemAPI's SOAP service, as VoipNow clients call it, through the real router on
//! SQLite and PostgreSQL.

use crate::common;

use common::TestServer;
use common::oauth::access_token;

fn fault_string(xml: &str) -> &str {
    let start = xml.find("<faultstring>").expect("a fault") + "<faultstring>".len();
    &xml[start..start + xml[start..].find("</faultstring>").unwrap()]
}

#[tokio::test]
async fn get_account_details_answers_for_a_system_api_token() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let system = app
        .oauth_app(
            &admin,
            "system",
            &[("trusted", "on"), ("name", "Billing <sync>")],
        )
        .await;
    let token = access_token(app.client_credentials(&system).await).await;
    for path in [
        "/soap2/",
        "/soap2/account_agent.php",
        "/soap2/v3/Account.php",
    ] {
        let response = app.soap(path, &token).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/xml; charset=utf-8"
        );
        let xml = response.text().await.unwrap();
        for shown in [
            "<GetAccountDetailsResponse xmlns=\"http://4psa.com/AccountMessages.xsd/3.5.0\">",
            "<login>admin</login>",
            "<level>administrator</level>",
            &format!("<key>{}</key>", system.key),
            "<name>Billing &lt;sync&gt;</name>",
            "<api>SystemAPI</api>",
        ] {
            assert!(xml.contains(shown), "{path}: {shown} in {xml}");
        }
    }
    // Only `.php` agents live below /soap2/.
    let response = app.soap("/soap2/agent.txt", &token).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn failures_are_soap_faults() {
    let app = TestServer::spawn().await;
    let admin = app.admin().await;
    let unified = app.oauth_app(&admin, "unified", &[("trusted", "on")]).await;
    let unified_token = access_token(app.client_credentials(&unified).await).await;
    let system = app.oauth_app(&admin, "system", &[("trusted", "on")]).await;
    let system_token = access_token(app.client_credentials(&system).await).await;

    for (why, token, message) in [
        ("unknown token", "nope", "not valid"),
        ("UnifiedAPI token", unified_token.as_str(), "UnifiedAPI"),
        ("no token", "", "userCredentials/accessToken"),
    ] {
        let response = app.soap("/soap2/", token).await;
        assert_eq!(response.status(), 500, "{why}");
        let xml = response.text().await.unwrap();
        assert!(
            xml.contains("<faultcode>soap:Client</faultcode>"),
            "{why}: {xml}"
        );
        assert!(fault_string(&xml).contains(message), "{why}: {xml}");
    }
    // And a SystemAPI token is refused by the UnifiedAPI.
    assert_eq!(app.me(&system_token).await.status(), 401);

    for (why, body) in [
        ("not XML", "hello".to_owned()),
        (
            "other operation",
            common::oauth::soap_request(&system_token)
                .replace("GetAccountDetails", "DeleteEverything"),
        ),
        (
            "a DTD",
            format!(
                "<!DOCTYPE x [<!ENTITY e \"e\">]>{}",
                common::oauth::soap_request(&system_token)
                    .replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "")
            ),
        ),
    ] {
        let response = reqwest::Client::new()
            .post(format!("{}/soap2/", app.url))
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 500, "{why}");
        let xml = response.text().await.unwrap();
        assert!(
            xml.contains("<faultcode>soap:Client</faultcode>"),
            "{why}: {xml}"
        );
    }
}
