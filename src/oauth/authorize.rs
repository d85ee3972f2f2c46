//! `GET/POST /oauth/authorize` (and `/oauth/authorize.php`): the authorization request of the
//! code grant (RFC 6749 §4.1.1), the sign-in it may need, and the user's consent.
//!
//! A bad `client_id` or `redirect_uri` gets an error page, never a redirect (RFC 6749
//! §4.1.2.1): otherwise anyone could bounce users to any address. Every other error goes
//! back to the App's Redirect URL with `error`, `state` and `iss` (RFC 9207).
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;
use url::Url;

use super::code_grant::{self, Consent};
use super::consent_page::{self, ConsentView};
use super::{OAuthError, OAuthErrorCode, params, pkce};
use crate::domain::{AppKey, RedirectUrl};
use crate::error::ConsoleError;
use crate::infra::entities::app;
use crate::infra::{ServerState, crypto};
use crate::session::service::{self as session, Caller};

/// The purpose bound into the consent form's token.
const CONSENT_FORM: &str = "consent";

/// A valid authorization request.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    /// The App asking.
    pub app: app::Model,
    /// `state`, echoed back.
    pub state: String,
    /// The PKCE S256 challenge, when sent.
    pub code_challenge: Option<String>,
}

/// Why a request is refused.
#[derive(Debug)]
enum Refusal {
    /// Shown on an error page: the request cannot be trusted to go back to the App.
    Page(StatusCode, String),
    /// Sent back to the App's Redirect URL.
    Redirect {
        redirect_uri: String,
        error: OAuthError,
        state: Option<String>,
    },
    /// The database cannot answer now (a fault of the environment): 503 with `Retry-After`.
    Busy(u64),
    /// The server failed (logged where it happened).
    Fault,
}

impl From<ConsoleError> for Refusal {
    fn from(error: ConsoleError) -> Self {
        match error {
            ConsoleError::Busy { retry_after } => Self::Busy(retry_after),
            _ => Self::Fault,
        }
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(error: sea_orm::DbErr) -> Self {
        ConsoleError::from(error).into()
    }
}

/// `GET /oauth/authorize`: the consent page, or the sign-in page first.
pub async fn show(
    State(state): State<ServerState>,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    // Signed out, the user comes back to this very address (as Appward routes it: the base
    // path is put back on the way out).
    let here = |_: &HashMap<String, String>| {
        uri.path_and_query()
            .map_or("/", |path| path.as_str())
            .to_owned()
    };
    let raw = query.unwrap_or_default();
    let (_, request, caller) = match prepare(&state, raw.as_bytes(), &headers, here).await {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    let form_token = session::form_token(&state, &headers, CONSENT_FORM).unwrap_or_default();
    let html = consent_page::render(ConsentView {
        app: &request.app,
        account: &caller.account,
        state: &request.state,
        code_challenge: request.code_challenge.as_deref(),
        form_token: &form_token,
        stylesheet: &state.bundle.css,
    });
    page(StatusCode::OK, html)
}

/// `POST /oauth/authorize`: the user's Allow or Deny from the consent page.
pub async fn decide(State(state): State<ServerState>, headers: HeaderMap, body: Bytes) -> Response {
    let (params, request, caller) = match prepare(&state, &body, &headers, authorize_path).await {
        Ok(prepared) => prepared,
        Err(response) => return response,
    };
    let expected = session::form_token(&state, &headers, CONSENT_FORM).unwrap_or_default();
    let presented = params.get("form_token").map(String::as_str).unwrap_or("");
    if expected.is_empty() || !crypto::secrets_match(presented, &expected) {
        return error_page(
            &state,
            StatusCode::FORBIDDEN,
            "This answer did not come from your consent page. Go back to the App and start again.",
        );
    }
    let redirect_uri = request.app.redirect_url.clone();
    match params.get("decision").map(String::as_str) {
        Some("allow") => {
            let consent = Consent {
                app: &request.app,
                account_id: caller.account.id,
                redirect_uri: &redirect_uri,
                code_challenge: request.code_challenge.as_deref(),
            };
            match code_grant::issue(&state, consent).await {
                Ok(code) => back_to_app(
                    &state,
                    &redirect_uri,
                    &[("code", &code), ("state", &request.state)],
                ),
                Err(error) => refused(&state, error.into()),
            }
        }
        Some("deny") => {
            crate::infra::metrics::refused(OAuthErrorCode::AccessDenied.as_str());
            back_to_app(
                &state,
                &redirect_uri,
                &[
                    ("error", OAuthErrorCode::AccessDenied.as_str()),
                    ("error_description", "The user denied the request."),
                    ("state", &request.state),
                ],
            )
        }
        _ => error_page(&state, StatusCode::BAD_REQUEST, "Choose Allow or Deny."),
    }
}

/// What both the page and its answer need: the parameters, the valid request, and the
/// signed-in user. Otherwise the response to send: an error page, an error back to the
/// App, or the sign-in page that comes back to `back(params)`.
async fn prepare(
    state: &ServerState,
    raw: &[u8],
    headers: &HeaderMap,
    back: impl FnOnce(&HashMap<String, String>) -> String,
) -> Result<(HashMap<String, String>, AuthorizationRequest, Caller), Response> {
    let params = params::parse(raw)
        .map_err(|error| error_page(state, StatusCode::BAD_REQUEST, &error.description))?;
    let request = validate(state, &params)
        .await
        .map_err(|refusal| refused(state, refusal))?;
    match session::current_for(state, headers).await {
        Ok(caller) => Ok((params, request, caller)),
        Err(ConsoleError::SignedOut) => Err(to_sign_in(state, &back(&params))),
        Err(error) => Err(refused(state, error.into())),
    }
}

/// Checks an authorization request, in the order RFC 6749 §4.1.2.1 asks: the App and its
/// Redirect URL first (errors shown here), then the rest (errors sent to the App).
async fn validate(
    state: &ServerState,
    params: &HashMap<String, String>,
) -> Result<AuthorizationRequest, Refusal> {
    let page = |message: &str| Refusal::Page(StatusCode::BAD_REQUEST, message.to_owned());
    let key = params
        .get("client_id")
        .ok_or_else(|| page("The request does not say which App is asking (client_id)."))?;
    let unknown = || page("No App is registered with this client_id.");
    let key = AppKey::parse(key).map_err(|_| unknown())?;
    let app = app::Entity::find()
        .filter(app::Column::Key.eq(key.as_str()))
        .filter(app::Column::RemovedAt.is_null())
        .one(&state.db)
        .await?
        .ok_or_else(unknown)?;
    let presented = params
        .get("redirect_uri")
        .ok_or_else(|| page("The request does not say where to send you back (redirect_uri)."))?;
    let matches = RedirectUrl::parse(presented).is_ok_and(|url| url.as_str() == app.redirect_url);
    if !matches {
        return Err(page(
            "The redirect_uri is not the Redirect URL registered for this App.",
        ));
    }
    let back = |error: OAuthError| Refusal::Redirect {
        redirect_uri: app.redirect_url.clone(),
        error,
        state: params.get("state").cloned(),
    };
    match params.get("response_type").map(String::as_str) {
        Some("code") => {}
        Some(_) => {
            return Err(back(OAuthError::unsupported_response_type(
                "Only response_type=code is supported.",
            )));
        }
        None => {
            return Err(back(OAuthError::invalid_request(
                "response_type is required.",
            )));
        }
    }
    let Some(request_state) = params.get("state").filter(|value| !value.is_empty()) else {
        return Err(back(OAuthError::invalid_request("state is required.")));
    };
    if app.suspended {
        return Err(back(OAuthError::unauthorized_client(
            "The App is suspended.",
        )));
    }
    let challenge = params.get("code_challenge");
    match (
        challenge,
        params.get("code_challenge_method").map(String::as_str),
    ) {
        (Some(challenge), Some("S256")) if pkce::is_s256_challenge(challenge) => {}
        (Some(_), Some("S256")) => {
            return Err(back(OAuthError::invalid_request(
                "code_challenge must be 43 characters of base64url (S256).",
            )));
        }
        (Some(_), _) | (None, Some(_)) => {
            return Err(back(OAuthError::invalid_request(
                "code_challenge_method must be S256 and come with a code_challenge; plain is not accepted.",
            )));
        }
        (None, None) if state.config.require_pkce => {
            return Err(back(OAuthError::invalid_request(
                "PKCE is required: send code_challenge with code_challenge_method=S256.",
            )));
        }
        (None, None) => {}
    }
    Ok(AuthorizationRequest {
        state: request_state.clone(),
        code_challenge: challenge.cloned(),
        app,
    })
}

fn refused(state: &ServerState, refusal: Refusal) -> Response {
    match refusal {
        Refusal::Page(status, message) => error_page(state, status, &message),
        Refusal::Redirect {
            redirect_uri,
            error,
            state: request_state,
        } => {
            crate::infra::metrics::refused(error.code.as_str());
            let mut pairs = vec![
                ("error", error.code.as_str()),
                ("error_description", error.description.as_str()),
            ];
            if let Some(request_state) = request_state.as_deref() {
                pairs.push(("state", request_state));
            }
            back_to_app(state, &redirect_uri, &pairs)
        }
        Refusal::Busy(retry_after) => {
            let mut response = error_page(
                state,
                StatusCode::SERVICE_UNAVAILABLE,
                &ConsoleError::Busy { retry_after }.to_string(),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            response
        }
        Refusal::Fault => error_page(
            state,
            StatusCode::INTERNAL_SERVER_ERROR,
            "The server could not answer. Try again later.",
        ),
    }
}

/// A 303 to the App's Redirect URL with `pairs` and `iss` added to its query.
fn back_to_app(state: &ServerState, redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = Url::parse(redirect_uri) else {
        return error_page(
            state,
            StatusCode::INTERNAL_SERVER_ERROR,
            "The App's Redirect URL cannot be used.",
        );
    };
    url.query_pairs_mut()
        .extend_pairs(pairs)
        .append_pair("iss", &state.config.public_url);
    see_other(state, url.as_str())
}

/// The sign-in page, which comes back to `path` once the user is signed in.
fn to_sign_in(state: &ServerState, path: &str) -> Response {
    see_other(state, &crate::session::sign_in_path(path))
}

/// `/oauth/authorize?…` rebuilt from a posted consent form (for a sign-in that expired).
fn authorize_path(params: &HashMap<String, String>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for name in [
        "response_type",
        "client_id",
        "redirect_uri",
        "state",
        "code_challenge",
        "code_challenge_method",
    ] {
        if let Some(value) = params.get(name) {
            query.append_pair(name, value);
        }
    }
    format!("/oauth/authorize?{}", query.finish())
}

fn see_other(state: &ServerState, location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            let headers = response.headers_mut();
            headers.insert(header::LOCATION, location);
            super::no_store(headers);
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            response
        }
        Err(_) => error_page(
            state,
            StatusCode::BAD_REQUEST,
            "The address cannot be used.",
        ),
    }
}

fn error_page(state: &ServerState, status: StatusCode, message: &str) -> Response {
    page(
        status,
        consent_page::render_error(message, &state.bundle.css),
    )
}

/// An HTML page of this flow: never cached, never framed, never leaking its URL (which
/// carries `state` and the challenge) through `Referer`. (No `form-action`: the answer to
/// the consent form is a redirect to the App, which Chromium would check against it.)
fn page(status: StatusCode, html: String) -> Response {
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    super::no_store(headers);
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src https: 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}
