//! Issue 29: the portal sign-in (`{base}/sso`) under arbitrary requests, against one portal
//! server under `/console` with cross-site cookies (so that the portal's frame may switch
//! people unasked, and every other request must ask first). Each case draws the method
//! (`GET`, a `POST`ed form, `HEAD`), the token (none, garbage, a token of the portal with
//! one claim wrong, `alg: none`, another key, a good one, a good one used already), the
//! `return_to` (inside the base, outside it, random), `switch`, the cookies (none, random,
//! the session of another person, two session cookies) and the browser's `Sec-Fetch-*` and
//! `Origin`. By construction the test knows which tokens are good, and checks that:
//! - the answer is never a 5xx, and always comes (a panic in a handler closes the connection);
//! - a session cookie is set only for a good, unused token, and then the session is the
//!   token's person, and the browser lands under the base path;
//! - a refused request, or the question asked first, leaves every table as it was;
//! - `HEAD` uses no token: the same token signs the person in afterwards.

use crate::common;
use crate::embedding::{
    AUDIENCE, ISSUER, claims, footprint, key_bytes, now, portal_server, sign, unsigned, who,
};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::TestServer;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};

/// The session cookie's name with cross-site cookies on plain HTTP.
const SESSION: &str = "__Secure-appward_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Get,
    Post,
    Head,
}

/// Whom a token of the portal names: `pat`, signed in once at the start (linked to an
/// Organization under `sp1`), or a newcomer with a login of its own (`pp-<n>`, new at
/// each run of the case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Person {
    Pat,
    Newcomer,
}

/// One thing wrong with an otherwise good token of the portal.
#[derive(Debug, Clone)]
enum Flaw {
    Issuer(Value),
    Audience(Value),
    /// `exp` this many seconds before now, past the 5 s leeway.
    ExpiredFor(i64),
    /// `exp` this many seconds ahead (more than the 120 s a token may live).
    LivesFor(i64),
    Exp(Value),
    Without(&'static str),
    Jti(Value),
    Level(Value),
    Parent(Value),
    Sub(Value),
}

#[derive(Debug, Clone)]
enum TokenDraw {
    Absent,
    Text(String),
    /// Raw bytes, percent-encoded (not always UTF-8).
    Bytes(Vec<u8>),
    /// Three dot-separated base64url parts of random bytes.
    GarbageJwt(Vec<u8>, Vec<u8>, Vec<u8>),
    /// The right header and claims with a random signature.
    GarbageSignature(Person, Vec<u8>),
    Flawed(Person, Flaw),
    AlgNone(Person),
    OtherKey(Person),
    Hs256WithThePublicKey(Person),
    Good(Person, Option<String>),
    /// A good token, used once before the request.
    Used(Person),
}

#[derive(Debug, Clone)]
enum ReturnTo {
    Absent,
    /// Inside the base: the `Location` the sign-in must send the browser to.
    Inside(String, String),
    /// Outside the base, or holding what could lead out of it: refused.
    Outside(String),
    /// Anything: the server decides, the checks on every answer still hold.
    Any(String),
}

#[derive(Debug, Clone)]
enum Cookies {
    None,
    Random(String, String),
    /// A session cookie with a made-up value.
    Forged(String),
    /// Another person's session: `alice` (a password account) or `pat` (a portal person).
    Alice,
    Pat,
    AliceAndForged(String),
    AliceAndPat,
}

#[derive(Debug, Clone)]
enum OriginDraw {
    Own,
    Given(String),
}

#[derive(Debug, Clone)]
struct Draw {
    verb: Verb,
    token: TokenDraw,
    return_to: ReturnTo,
    switch: Option<String>,
    cookies: Cookies,
    dest: Option<&'static str>,
    site: Option<&'static str>,
    origin: Option<OriginDraw>,
}

fn person() -> impl Strategy<Value = Person> {
    prop_oneof![Just(Person::Pat), Just(Person::Newcomer)]
}

fn flaw() -> impl Strategy<Value = Flaw> {
    let other = || {
        "\\PC{0,30}".prop_filter("not the right one", |s| {
            s.as_str() != ISSUER && s.as_str() != AUDIENCE
        })
    };
    prop_oneof![
        other().prop_map(|s| Flaw::Issuer(json!(s))),
        Just(Flaw::Issuer(json!(42))),
        other().prop_map(|s| Flaw::Audience(json!(s))),
        Just(Flaw::Audience(json!(null))),
        prop_oneof![Just(0i64), 0i64..100_000].prop_map(Flaw::ExpiredFor),
        prop_oneof![Just(0i64), 0i64..1_000_000_000].prop_map(Flaw::LivesFor),
        proptest::sample::select(vec![
            json!(0),
            json!(-1),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(1.5e20),
            json!("soon"),
            json!(null),
        ])
        .prop_map(Flaw::Exp),
        proptest::sample::select(vec!["jti", "exp", "sub", "iss", "aud", "level", "parent"])
            .prop_map(Flaw::Without),
        prop_oneof![
            Just(json!("")),
            (256usize..2000).prop_map(|n| json!("j".repeat(n))),
            Just(json!(7)),
        ]
        .prop_map(Flaw::Jti),
        prop_oneof![
            Just(json!("administrator")),
            Just(json!("service_provider")),
            Just(json!("Organization")),
            "\\PC{0,12}".prop_map(|s| json!(format!("x{s}"))),
            Just(json!(3)),
        ]
        .prop_map(Flaw::Level),
        prop_oneof![
            Just(json!("org-outside")),
            Just(json!("alice")),
            Just(json!("admin")),
            "[a-z]{0,8}".prop_map(|s| json!(format!("nobody-{s}"))),
            Just(json!(null)),
        ]
        .prop_map(Flaw::Parent),
        prop_oneof![
            proptest::sample::select(vec![
                "alice",
                "ALICE",
                " alice ",
                "admin",
                "sp1",
                "org-outside",
                "pat ",
                "PAT",
                "",
                "ab",
            ])
            .prop_map(|s| json!(s)),
            "\\PC{0,20}".prop_map(|s| json!(format!("-{s}"))),
            "\\PC{0,20}".prop_map(|s| json!(format!("a b{s}"))),
            "\\PC{0,20}".prop_map(|s| json!(format!("é{s}"))),
            (65usize..300).prop_map(|n| json!("x".repeat(n))),
            Just(json!(12)),
        ]
        .prop_map(Flaw::Sub),
    ]
}

fn token() -> impl Strategy<Value = TokenDraw> {
    let bytes = |max: usize| proptest::collection::vec(any::<u8>(), 0..max);
    prop_oneof![
        1 => Just(TokenDraw::Absent),
        1 => Just(TokenDraw::Text(String::new())),
        2 => "\\PC{0,60}".prop_map(TokenDraw::Text),
        1 => "(\\x00|a|\\.|é|%|&|=){1,20}".prop_map(TokenDraw::Text),
        1 => proptest::collection::vec(0x20u8..0x7f, 4000..8192)
            .prop_map(|b| TokenDraw::Text(String::from_utf8(b).unwrap())),
        1 => bytes(300).prop_map(TokenDraw::Bytes),
        2 => (bytes(64), bytes(64), bytes(80))
            .prop_map(|(h, p, s)| TokenDraw::GarbageJwt(h, p, s)),
        1 => (person(), bytes(80)).prop_map(|(p, s)| TokenDraw::GarbageSignature(p, s)),
        8 => (person(), flaw()).prop_map(|(p, f)| TokenDraw::Flawed(p, f)),
        1 => person().prop_map(TokenDraw::AlgNone),
        1 => person().prop_map(TokenDraw::OtherKey),
        1 => person().prop_map(TokenDraw::Hs256WithThePublicKey),
        10 => (person(), proptest::option::of("\\PC{0,20}"))
            .prop_map(|(p, name)| TokenDraw::Good(p, name)),
        3 => person().prop_map(TokenDraw::Used),
    ]
}

fn return_to() -> impl Strategy<Value = ReturnTo> {
    let inside = |to: &str, location: &str| ReturnTo::Inside(to.to_owned(), location.to_owned());
    let fixed_inside = proptest::sample::select(vec![
        inside("", "/console/"),
        inside("/console", "/console/"),
        inside("/console/", "/console/"),
        inside("/console/apps", "/console/apps"),
        inside(
            "/console/apps?tab=management",
            "/console/apps?tab=management",
        ),
        inside("/console?x=1", "/console/?x=1"),
        inside("/console/a.b/c..d", "/console/a.b/c..d"),
    ]);
    let random_inside = "/console(/[a-z0-9_-]{1,12}){1,4}(\\?[a-z0-9=&]{0,20})?"
        .prop_map(|to| ReturnTo::Inside(to.clone(), to));
    let long_inside = (1000usize..6000).prop_map(|n| {
        let to = format!("/console/{}", "a".repeat(n));
        ReturnTo::Inside(to.clone(), to)
    });
    let fixed_outside = proptest::sample::select(vec![
        "/console/../x",
        "/console/%2e%2e/x",
        "/console/%2E%2E",
        "/console/apps/..",
        "/console/./apps",
        "/console/.",
        "/console%2fapps",
        "/console/a%2Fb",
        "/console/a%5cb",
        "/console\\apps",
        "/console/\\\\evil.example",
        "//evil.example/console",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/console/apps",
        "http:/console",
        "javascript:alert(1)",
        "/elsewhere",
        "/consoleX/apps",
        "/console-apps",
        "console/apps",
        "apps",
        "/console//evil.example",
        "/console/a\tb",
        "/console/a\u{0}b",
        "/console/a\u{85}b",
    ])
    .prop_map(|to| ReturnTo::Outside(to.to_owned()));
    let dotted = (
        "[a-z]{1,8}",
        proptest::sample::select(vec!["..", ".", "%2e%2e", "%2E"]),
    )
        .prop_map(|(segment, dots)| ReturnTo::Outside(format!("/console/{segment}/{dots}/x")));
    let long_outside =
        (1000usize..6000).prop_map(|n| ReturnTo::Outside(format!("/elsewhere/{}", "a".repeat(n))));
    prop_oneof![
        2 => Just(ReturnTo::Absent),
        3 => fixed_inside,
        2 => random_inside,
        1 => long_inside,
        3 => fixed_outside,
        1 => dotted,
        1 => long_outside,
        1 => "\\PC{0,60}".prop_map(ReturnTo::Any),
        1 => "/console/\\PC{0,40}".prop_map(ReturnTo::Any),
        1 => "/console/[ -~]{0,40}".prop_map(ReturnTo::Any),
    ]
}

fn cookies() -> impl Strategy<Value = Cookies> {
    let value = "[!#-+\\--:<-\\[\\]-~]{0,40}";
    let session_value = "[A-Za-z0-9_-]{0,64}";
    prop_oneof![
        3 => Just(Cookies::None),
        1 => ("[a-z_]{1,12}", value).prop_map(|(n, v)| Cookies::Random(n, v)),
        1 => session_value.prop_map(Cookies::Forged),
        3 => Just(Cookies::Alice),
        2 => Just(Cookies::Pat),
        1 => session_value.prop_map(Cookies::AliceAndForged),
        1 => Just(Cookies::AliceAndPat),
    ]
}

fn draw() -> impl Strategy<Value = Draw> {
    let verb = prop_oneof![
        3 => Just(Verb::Get),
        3 => Just(Verb::Post),
        1 => Just(Verb::Head),
    ];
    let switch = prop_oneof![
        2 => Just(None),
        2 => Just(Some("1".to_owned())),
        1 => "\\PC{0,4}".prop_map(Some),
    ];
    let dest =
        proptest::sample::select(vec![None, Some("iframe"), Some("document"), Some("empty")]);
    let site = proptest::sample::select(vec![
        None,
        Some("same-origin"),
        Some("same-site"),
        Some("cross-site"),
        Some("none"),
    ]);
    let origin = prop_oneof![
        2 => Just(None),
        2 => Just(Some(OriginDraw::Own)),
        1 => proptest::sample::select(vec!["https://evil.example", "null", "https://portal.test"])
            .prop_map(|o| Some(OriginDraw::Given(o.to_owned()))),
        1 => "[a-z]{1,8}://[a-z0-9.]{1,16}".prop_map(|o| Some(OriginDraw::Given(o))),
    ];
    (
        verb,
        token(),
        return_to(),
        switch,
        cookies(),
        dest,
        site,
        origin,
    )
        .prop_map(
            |(verb, token, return_to, switch, cookies, dest, site, origin)| Draw {
                verb,
                token,
                return_to,
                switch,
                cookies,
                dest,
                site,
                origin,
            },
        )
}

/// The server and what the cases share: the other people's sessions, and a counter that
/// makes every `jti` (and every newcomer's login) new, also when a failing case is re-run
/// while shrinking.
struct Portal {
    server: TestServer,
    client: reqwest::Client,
    alice: RefCell<String>,
    pat: RefCell<String>,
    counter: Cell<u64>,
}

/// A token made for a case, and what the test knows of it.
struct Token {
    text: Option<Vec<u8>>,
    /// The login it signs in: a good token, unused.
    signs_in: Option<String>,
    /// Its `sub` when it passes the checks of the token itself (signature, issuer,
    /// audience, expiry, claims of the right types), which come before the question asked
    /// of a browser signed in as another person; its `jti` and the account it names are
    /// checked after it.
    verified: Option<String>,
    /// Used once before the request, by this person.
    used_by: Option<String>,
}

impl Portal {
    fn fresh(&self) -> u64 {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    fn sub(&self, person: Person) -> String {
        match person {
            Person::Pat => "pat".to_owned(),
            Person::Newcomer => format!("pp-{}", self.fresh()),
        }
    }

    /// Good claims for `person`, with a new `jti`.
    fn claims(&self, person: Person) -> Value {
        let mut claims = claims(&self.sub(person), &format!("prop-{}", self.fresh()));
        claims["exp"] = json!(now() + 60);
        claims
    }

    fn good(&self, person: Person) -> (String, String) {
        let claims = self.claims(person);
        let sub = claims["sub"].as_str().unwrap().to_owned();
        (sign(&claims), sub)
    }

    fn token(&self, draw: &TokenDraw) -> Token {
        let bad = |text: String| Token {
            text: Some(text.into_bytes()),
            signs_in: None,
            verified: None,
            used_by: None,
        };
        match draw {
            TokenDraw::Absent => Token {
                text: None,
                signs_in: None,
                verified: None,
                used_by: None,
            },
            TokenDraw::Text(text) => bad(text.clone()),
            TokenDraw::Bytes(bytes) => Token {
                text: Some(bytes.clone()),
                signs_in: None,
                verified: None,
                used_by: None,
            },
            TokenDraw::GarbageJwt(h, p, s) => bad(format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode(h),
                URL_SAFE_NO_PAD.encode(p),
                URL_SAFE_NO_PAD.encode(s)
            )),
            TokenDraw::GarbageSignature(person, signature) => {
                let good = sign(&self.claims(*person));
                let (signed, _) = good.rsplit_once('.').unwrap();
                bad(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
            }
            TokenDraw::Flawed(person, flaw) => {
                let mut claims = self.claims(*person);
                match flaw {
                    Flaw::Issuer(v) => claims["iss"] = v.clone(),
                    Flaw::Audience(v) => claims["aud"] = v.clone(),
                    Flaw::ExpiredFor(s) => claims["exp"] = json!(now() - 6 - s),
                    Flaw::LivesFor(s) => claims["exp"] = json!(now() + 130 + s),
                    Flaw::Exp(v) => claims["exp"] = v.clone(),
                    Flaw::Without(claim) => {
                        claims.as_object_mut().unwrap().remove(*claim);
                    }
                    Flaw::Jti(v) => claims["jti"] = v.clone(),
                    Flaw::Level(v) => claims["level"] = v.clone(),
                    Flaw::Parent(v) => claims["parent"] = v.clone(),
                    Flaw::Sub(v) => claims["sub"] = v.clone(),
                }
                // Flaws of the jti, the level, the parent or the login the sub makes are
                // found after the question.
                let verified = match flaw {
                    Flaw::Jti(v) | Flaw::Level(v) | Flaw::Parent(v) | Flaw::Sub(v)
                        if v.is_string() =>
                    {
                        claims["sub"].as_str().map(str::to_owned)
                    }
                    _ => None,
                };
                Token {
                    verified,
                    ..bad(sign(&claims))
                }
            }
            TokenDraw::AlgNone(person) => bad(unsigned(&self.claims(*person))),
            TokenDraw::OtherKey(person) => bad(encode(
                &Header::new(Algorithm::EdDSA),
                &self.claims(*person),
                &EncodingKey::from_ed_pem(&key_bytes("other-ed25519-test-only.key")).unwrap(),
            )
            .unwrap()),
            TokenDraw::Hs256WithThePublicKey(person) => bad(encode(
                &Header::new(Algorithm::HS256),
                &self.claims(*person),
                &EncodingKey::from_secret(&key_bytes("portal-ed25519-test-only.pub")).unwrap(),
            )
            .unwrap()),
            TokenDraw::Good(person, name) => {
                let mut claims = self.claims(*person);
                match name {
                    Some(name) => claims["name"] = json!(name),
                    None => {
                        claims.as_object_mut().unwrap().remove("name");
                    }
                }
                let sub = claims["sub"].as_str().unwrap().to_owned();
                Token {
                    text: Some(sign(&claims).into_bytes()),
                    signs_in: Some(sub.clone()),
                    verified: Some(sub),
                    used_by: None,
                }
            }
            TokenDraw::Used(person) => {
                let (token, sub) = self.good(*person);
                Token {
                    text: Some(token.into_bytes()),
                    signs_in: None,
                    verified: Some(sub.clone()),
                    used_by: Some(sub),
                }
            }
        }
    }

    /// A plain browser's `GET /sso` with `token`: signed in as `login`, or the case fails.
    async fn sign_in_plainly(&self, token: &str, login: &str) -> Result<String, TestCaseError> {
        let response = self
            .client
            .get(format!(
                "{}/sso?token={}",
                self.server.url,
                crate::common::percent_encode(token.as_bytes())
            ))
            .send()
            .await
            .map_err(|e| TestCaseError::fail(format!("no answer: {e}")))?;
        prop_assert_eq!(response.status().as_u16(), 303, "{} not signed in", login);
        let cookie = session_set(response.headers())
            .ok_or_else(|| TestCaseError::fail(format!("{login}: no session")))?;
        let signed_in = who(&self.server, &cookie).await;
        prop_assert_eq!(signed_in.as_deref(), Some(login));
        Ok(cookie)
    }

    /// `alice`'s and `pat`'s sessions, started again if a case ended them (a switch does).
    async fn sessions(&self) -> Result<(String, String), TestCaseError> {
        let alice = self.alice.borrow().clone();
        if who(&self.server, &alice).await.as_deref() != Some("alice") {
            let response = self
                .server
                .sign_in(&self.server.client(), "alice", "password-123")
                .await;
            let cookie = session_set(response.headers())
                .ok_or_else(|| TestCaseError::fail("alice cannot sign in"))?;
            *self.alice.borrow_mut() = cookie;
        }
        let pat = self.pat.borrow().clone();
        if who(&self.server, &pat).await.as_deref() != Some("pat") {
            let (token, _) = self.good(Person::Pat);
            let cookie = self.sign_in_plainly(&token, "pat").await?;
            *self.pat.borrow_mut() = cookie;
        }
        Ok((self.alice.borrow().clone(), self.pat.borrow().clone()))
    }
}

/// The `name=value` of a session the answer starts: a session cookie with a value, not the
/// removal of one (empty, `Max-Age=0`).
fn session_set(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter(|value| {
            ["appward_session=", "__Host-appward_session=", SESSION]
                .iter()
                .any(|name| value.starts_with(name))
        })
        .filter(|value| {
            !value
                .split(';')
                .any(|a| a.trim().eq_ignore_ascii_case("max-age=0"))
        })
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
        .find(|pair| pair.split_once('=').is_some_and(|(_, v)| !v.is_empty()))
}

/// Whether a `Location` stays under the base path, with nothing that could lead out of it.
fn under_the_base(location: &str) -> bool {
    let path = location.split(['?', '#']).next().unwrap_or_default();
    let lower = path.to_ascii_lowercase();
    location.starts_with("/console/")
        && !location.starts_with("/console//")
        && !location.contains('\\')
        && !lower.contains("%2f")
        && !lower.contains("%5c")
        && !lower
            .split('/')
            .any(|s| matches!(s.replace("%2e", ".").as_str(), "." | ".."))
}

/// What the answer to a `GET` or `POST` must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    SignedIn,
    /// The page that asks whether the token's person may take over the browser.
    Asked,
    Refused,
}

async fn check(portal: &Portal, draw: Draw) -> Result<(), TestCaseError> {
    let server = &portal.server;
    let (alice, pat) = portal.sessions().await?;
    let token = portal.token(&draw.token);
    if let Some(sub) = &token.used_by {
        let text = String::from_utf8(token.text.clone().unwrap()).unwrap();
        portal.sign_in_plainly(&text, sub).await?;
    }
    let cookie = match &draw.cookies {
        Cookies::None => None,
        Cookies::Random(name, value) => Some(format!("{name}={value}")),
        Cookies::Forged(value) => Some(format!("{SESSION}={value}")),
        Cookies::Alice => Some(alice.clone()),
        Cookies::Pat => Some(pat.clone()),
        Cookies::AliceAndForged(value) => Some(format!("{alice}; {SESSION}={value}")),
        Cookies::AliceAndPat => Some(format!("{alice}; {pat}")),
    };
    let signed_in_as = match &draw.cookies {
        Cookies::Alice => Some("alice"),
        Cookies::Pat => Some("pat"),
        _ => None,
    };

    let mut pairs: Vec<(&str, Vec<u8>)> = Vec::new();
    if let Some(text) = &token.text {
        pairs.push(("token", text.clone()));
    }
    match &draw.return_to {
        ReturnTo::Absent => {}
        ReturnTo::Inside(to, _) | ReturnTo::Outside(to) | ReturnTo::Any(to) => {
            pairs.push(("return_to", to.clone().into_bytes()))
        }
    }
    if let Some(switch) = &draw.switch {
        pairs.push(("switch", switch.clone().into_bytes()));
    }
    let encoded = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", crate::common::percent_encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    let url = format!("{}/sso", server.url);
    let mut request = match draw.verb {
        Verb::Get => portal.client.get(format!("{url}?{encoded}")),
        Verb::Head => portal.client.head(format!("{url}?{encoded}")),
        Verb::Post => portal
            .client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encoded),
    };
    if let Some(cookie) = &cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(dest) = draw.dest {
        request = request.header("sec-fetch-dest", dest);
    }
    if let Some(site) = draw.site {
        request = request.header("sec-fetch-site", site);
    }
    let own_origin = server.url.strip_suffix("/console").unwrap().to_owned();
    match &draw.origin {
        None => {}
        Some(OriginDraw::Own) => request = request.header("origin", own_origin.as_str()),
        Some(OriginDraw::Given(origin)) => request = request.header("origin", origin.as_str()),
    }

    let before = footprint(server).await;
    let response = request
        .send()
        .await
        .map_err(|e| TestCaseError::fail(format!("no answer (the connection dropped?): {e}")))?;
    let status = response.status().as_u16();
    let started = session_set(response.headers());
    let location = response
        .headers()
        .get("location")
        // Read as bytes: a `Location` beyond ASCII is checked too (one left the base path).
        .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
    let body = response.text().await.unwrap_or_default();
    let after = footprint(server).await;
    prop_assert!(status < 500, "answered {}: {}", status, body);

    // Never a session without a good, unused token: whatever else the request says.
    if let Some(started) = &started {
        let Some(login) = &token.signs_in else {
            return Err(TestCaseError::fail(format!(
                "a session ({started}) without a good token, answered {status}"
            )));
        };
        prop_assert!(draw.verb != Verb::Head, "HEAD started a session");
        let signed_in = who(server, started).await;
        prop_assert_eq!(
            signed_in.as_deref(),
            Some(login.as_str()),
            "the new session is not the token's person"
        );
    }

    if draw.verb == Verb::Head {
        prop_assert_eq!(status, 200);
        prop_assert_eq!(after, before, "HEAD changed a table");
        if let Some(login) = &token.signs_in {
            // The token is unused: the person's own click signs them in.
            let text = String::from_utf8(token.text.clone().unwrap()).unwrap();
            portal.sign_in_plainly(&text, login).await?;
        }
        return Ok(());
    }

    // The expected answer, by the rules of `/sso`.
    let cross_site = match draw.site {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => matches!(draw.origin, Some(OriginDraw::Given(_))),
    };
    let expected = match (&draw.return_to, token.verified.as_deref()) {
        (ReturnTo::Outside(_), _) | (_, None) => Expected::Refused,
        (_, Some(person)) => {
            let may_switch = signed_in_as.is_none_or(|current| current == person)
                || draw.dest == Some("iframe")
                || (draw.verb == Verb::Post && draw.switch.as_deref() == Some("1") && !cross_site);
            if !may_switch {
                Expected::Asked
            } else if token.signs_in.is_some() {
                Expected::SignedIn
            } else {
                Expected::Refused
            }
        }
    };
    // A random `return_to` may be refused first.
    let expected = match &draw.return_to {
        ReturnTo::Any(_) if status == 400 && started.is_none() => Expected::Refused,
        _ => expected,
    };
    match expected {
        Expected::SignedIn => {
            let login = token.signs_in.as_deref().unwrap();
            prop_assert_eq!(status, 303, "not signed in: {}", body);
            prop_assert!(started.is_some(), "signed in without a session cookie");
            let location = location.unwrap_or_default();
            if let ReturnTo::Inside(_, expected) = &draw.return_to {
                prop_assert_eq!(&location, expected);
            } else if let ReturnTo::Absent = &draw.return_to {
                prop_assert_eq!(location.as_str(), "/console/");
            }
            prop_assert!(under_the_base(&location), "sent to {:?}", location);
            let new_person = u64::from(login != "pat");
            prop_assert_eq!(after[0], before[0] + new_person, "accounts");
            prop_assert_eq!(after[1], before[1] + new_person, "portal people");
            prop_assert_eq!(after[2], before[2] + 1, "used tokens");
            prop_assert!(
                after[3] == before[3] + 1 || after[3] == before[3],
                "sessions {:?} -> {:?}",
                before,
                after
            );
            if let Some(current) = signed_in_as {
                // The session the browser had ended with the new one.
                let old = if current == "alice" { &alice } else { &pat };
                prop_assert_eq!(
                    who(server, old).await,
                    None,
                    "{}'s session lives on",
                    current
                );
            }
        }
        Expected::Asked => {
            prop_assert_eq!(status, 200, "not asked: {}", body);
            prop_assert!(started.is_none());
            prop_assert!(body.contains("Sign in as another person?"), "{}", body);
            prop_assert_eq!(after, before, "asking changed a table");
        }
        Expected::Refused => {
            prop_assert!(
                (400..500).contains(&status),
                "not refused: {} {}",
                status,
                body
            );
            prop_assert!(started.is_none());
            prop_assert!(location.is_none(), "a refusal redirects to {:?}", location);
            prop_assert_eq!(after, before, "a refusal changed a table");
        }
    }
    Ok(())
}

#[test]
fn portal_sign_in_starts_a_session_only_for_a_good_unused_token_and_never_fails() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let portal = runtime.block_on(async {
        let server = portal_server(&[
            ("APPWARD_CROSS_SITE_COOKIES", "true"),
            ("APPWARD_FRAME_ANCESTORS", "https://portal.test"),
        ])
        .await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Portal {
            server,
            client,
            alice: RefCell::new(String::new()),
            pat: RefCell::new(String::new()),
            counter: Cell::new(0),
        }
    });
    let mut runner = TestRunner::new(Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&draw(), |draw| runtime.block_on(check(&portal, draw)))
        .unwrap();
}
