//! An App's side of OAuth 2.0, for tests: registering a client, the consent page, the token,
//! introspection and revocation endpoints, and the two APIs.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::TestServer;

/// The User-Agent every App request of the tests sends.
pub const APP_USER_AGENT: &str = "appward-tests/1.0";

/// A registered App: what its developer copies from the edit form.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// App ID/key (`client_id`).
    pub key: String,
    /// App secret (`client_secret`).
    pub secret: String,
    /// Its Redirect URL, as registered.
    pub redirect_uri: String,
}

/// A PKCE verifier and its S256 challenge.
#[derive(Debug, Clone)]
pub struct Pkce {
    /// `code_verifier`.
    pub verifier: String,
    /// `code_challenge`.
    pub challenge: String,
}

impl Pkce {
    /// A verifier of 43 characters derived from `seed`, and its challenge.
    pub fn new(seed: &str) -> Self {
        let verifier = URL_SAFE_NO_PAD.encode(Sha256::digest(format!("verifier {seed}")));
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

impl TestServer {
    /// Registers an App as `client` under `api`, with the seed form and `overrides`.
    pub async fn oauth_app(
        &self,
        client: &reqwest::Client,
        api: &str,
        overrides: &[(&str, &str)],
    ) -> OAuthApp {
        let created = self.registered_app(client, api, overrides).await;
        OAuthApp {
            key: created["app"]["key"].as_str().unwrap().into(),
            secret: created["secret"].as_str().unwrap().into(),
            redirect_uri: created["app"]["form"]["redirect_url"]
                .as_str()
                .unwrap()
                .into(),
        }
    }

    /// An App the Administrator registered under the UnifiedAPI (with `overrides`), and a
    /// client signed in as `alice`, another account, to allow it.
    pub async fn app_and_user(&self, overrides: &[(&str, &str)]) -> (OAuthApp, reqwest::Client) {
        let admin = self.admin().await;
        let client = self.oauth_app(&admin, "unified", overrides).await;
        self.create_account(&admin, "alice", "organization", None)
            .await;
        (client, self.signed_in("alice", "password-123").await)
    }

    /// `POST /oauth/token` with a form `body`, as an App.
    pub async fn token_request(&self, body: String) -> reqwest::Response {
        self.app_post("/oauth/token", body).await
    }

    /// `POST` of a form `body` to `path`, as an App.
    pub async fn app_post(&self, path: &str, body: String) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("user-agent", APP_USER_AGENT)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// The RFC 8414 metadata document.
    pub async fn metadata(&self) -> Value {
        reqwest::get(format!(
            "{}/.well-known/oauth-authorization-server",
            self.url
        ))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
    }

    /// Client credentials for `app`.
    pub async fn client_credentials(&self, app: &OAuthApp) -> reqwest::Response {
        self.token_request(format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            app.key, app.secret
        ))
        .await
    }

    /// `GET /uapi/v1/me` with `token` as Bearer.
    pub async fn me(&self, token: &str) -> reqwest::Response {
        reqwest::Client::new()
            .get(format!("{}/uapi/v1/me", self.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// The consent page for `app`: `GET /oauth/authorize` as `user`, with `state`, PKCE and
    /// `extra` parameters.
    pub async fn authorize(
        &self,
        user: &reqwest::Client,
        app: &OAuthApp,
        pkce: Option<&Pkce>,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", app.key.as_str()),
            ("redirect_uri", app.redirect_uri.as_str()),
            ("state", "state-123"),
        ];
        if let Some(pkce) = pkce {
            params.push(("code_challenge", pkce.challenge.as_str()));
            params.push(("code_challenge_method", "S256"));
        }
        for (name, value) in extra {
            params.retain(|(existing, _)| existing != name);
            if !value.is_empty() {
                params.push((name, value));
            }
        }
        user.get(format!(
            "{}/oauth/authorize?{}",
            self.url,
            super::serde_urlencoded(&params)
        ))
        .send()
        .await
        .unwrap()
    }

    /// Shows the consent page to `user` and answers it with `decision` (`allow` or `deny`);
    /// returns the query of the redirect back to the App.
    pub async fn decide(
        &self,
        user: &reqwest::Client,
        app: &OAuthApp,
        pkce: Option<&Pkce>,
        decision: &str,
    ) -> Vec<(String, String)> {
        let page = self.authorize(user, app, pkce, &[]).await;
        assert_eq!(page.status(), 200);
        let form = consent_form(&page.text().await.unwrap(), decision);
        let answer = user
            .post(format!("{}/oauth/authorize", self.url))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 303);
        redirect_query(&answer, &app.redirect_uri)
    }

    /// A fresh authorization code for `app`, allowed by `user`.
    pub async fn code(
        &self,
        user: &reqwest::Client,
        app: &OAuthApp,
        pkce: Option<&Pkce>,
    ) -> String {
        let query = self.decide(user, app, pkce, "allow").await;
        assert_eq!(param(&query, "state"), Some("state-123"));
        param(&query, "code").expect("a code").to_owned()
    }

    /// Exchanges `code` at the token endpoint.
    pub async fn exchange(
        &self,
        app: &OAuthApp,
        code: &str,
        verifier: Option<&str>,
    ) -> reqwest::Response {
        let mut params = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", app.redirect_uri.as_str()),
            ("client_id", app.key.as_str()),
            ("client_secret", app.secret.as_str()),
        ];
        if let Some(verifier) = verifier {
            params.push(("code_verifier", verifier));
        }
        self.token_request(super::serde_urlencoded(&params)).await
    }

    /// The tokens `user` gives `app` through the whole code flow with PKCE.
    pub async fn user_tokens(&self, user: &reqwest::Client, app: &OAuthApp) -> Value {
        let pkce = Pkce::new(&app.key);
        let code = self.code(user, app, Some(&pkce)).await;
        let response = self.exchange(app, &code, Some(&pkce.verifier)).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// Exchanges a refresh token.
    pub async fn refresh(&self, app: &OAuthApp, refresh_token: &str) -> reqwest::Response {
        self.token_request(super::serde_urlencoded(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", app.key.as_str()),
            ("client_secret", app.secret.as_str()),
        ]))
        .await
    }

    /// `POST /oauth/introspect` as `app`; the answer must be 200.
    pub async fn introspect(&self, app: &OAuthApp, token: &str) -> Value {
        let response = self
            .app_post(
                "/oauth/introspect",
                super::serde_urlencoded(&[
                    ("token", token),
                    ("client_id", app.key.as_str()),
                    ("client_secret", app.secret.as_str()),
                ]),
            )
            .await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// `GetAccountDetails` at the SOAP `path`, with `token` in a VoipNow-style header.
    pub async fn soap(&self, path: &str, token: &str) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .header("content-type", "text/xml; charset=utf-8")
            .header(
                "soapaction",
                "http://4psa.com/Account/3.5.0:GetAccountDetails",
            )
            .body(soap_request(token))
            .send()
            .await
            .unwrap()
    }
}

/// A `GetAccountDetails` request as VoipNow's SOAP clients send it.
pub fn soap_request(token: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="http://4psa.com/AccountMessages.xsd/3.5.0" xmlns:ns2="http://4psa.com/HeaderData.xsd/3.5.0">
  <SOAP-ENV:Header>
    <ns2:userCredentials>
      <ns2:accessToken>{token}</ns2:accessToken>
    </ns2:userCredentials>
  </SOAP-ENV:Header>
  <SOAP-ENV:Body>
    <ns1:GetAccountDetails/>
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>"#
    )
}

/// The form body a browser sends when the user presses `decision` on the consent page.
pub fn consent_form(html: &str, decision: &str) -> String {
    let mut fields = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<input type=\"hidden\" name=\"") {
        rest = &rest[start + 27..];
        let name_end = rest.find('"').unwrap();
        let name = rest[..name_end].to_owned();
        let value_start = rest.find("value=\"").unwrap() + 7;
        let value_end = value_start + rest[value_start..].find('"').unwrap();
        fields.push((name, html_unescape(&rest[value_start..value_end])));
    }
    fields.push(("decision".into(), decision.into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    super::serde_urlencoded(&pairs)
}

fn html_unescape(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The query of a redirect to `redirect_uri`, which it must be.
pub fn redirect_query(response: &reqwest::Response, redirect_uri: &str) -> Vec<(String, String)> {
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("{redirect_uri}?")),
        "{location} goes back to {redirect_uri}"
    );
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// The value of `name` in a query.
pub fn param<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The status and the RFC 6749 `error` of a refused request.
pub async fn error_code(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The `access_token` of a 200 answer.
pub async fn access_token(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}
