//! `GET {base}/sso?token=JWT&return_to=…`: sign-in from the portal. The portal opens this URL
//! in its frame (a plain navigation: no cross-site post). The token is verified with the
//! operator's key, its algorithm pinned to the key's type, its issuer and audience checked,
//! expiring at most two minutes ahead, and used once (its `jti` is kept until a minute past
//! its expiry and the clock leeway, then forgotten by housekeeping).
//! Portal people are linked to accounts by (issuer, `sub`) in a table of their own: a `sub`
//! that equals an existing login never takes that account over. A refused token is a page
//! that says why, and creates nothing.
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Validation, decode};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr,
};
use serde::Deserialize;

use super::entities::{portal_person, portal_token_use};
use crate::accounts::ScopePath;
use crate::domain::{AccountLevel, AccountName, Login};
use crate::infra::embedding_settings::PortalSsoSettings;
use crate::infra::entities::account;
use crate::infra::{ServerState, now};

/// The longest a portal token may live: a sign-in link is used at once.
pub const MAX_LIFETIME_SECONDS: i64 = 120;
/// How far the portal's clock and Appward's may differ: a token is accepted this long after
/// its `exp`.
const LEEWAY_SECONDS: u64 = 5;
/// How long a used token's `jti` is kept after the token's `exp` (housekeeping forgets it
/// then): past the leeway, and past a minute more for instances whose clocks differ, so that
/// no instance can accept the token again.
pub const JTI_KEPT_AFTER_EXPIRY: i64 = LEEWAY_SECONDS as i64 + 60;

/// The query of the sign-in URL.
#[derive(Debug, Deserialize)]
pub struct SsoQuery {
    /// The portal's signed token.
    token: Option<String>,
    /// Where the frame goes once signed in: a path under the base.
    return_to: Option<String>,
}

/// The claims a portal token carries besides `iss`, `aud` and `exp`.
#[derive(Debug, Deserialize)]
struct PortalClaims {
    /// The person's id at the portal.
    sub: String,
    /// The token's unique id.
    jti: String,
    /// Its expiry (Unix seconds).
    exp: i64,
    /// The account level to create the person at: `service_provider`, `organization`, `user`.
    level: String,
    /// The login of the account to create the person under.
    parent: String,
    /// The person's display name (else the `sub`).
    name: Option<String>,
}

/// Why a portal sign-in was refused, as the page says it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct Refusal {
    status: StatusCode,
    message: String,
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
    }
}

impl From<sea_orm::DbErr> for Refusal {
    fn from(error: sea_orm::DbErr) -> Self {
        crate::error::ConsoleError::from(error).into()
    }
}

impl From<crate::error::ConsoleError> for Refusal {
    fn from(error: crate::error::ConsoleError) -> Self {
        refuse(
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            error.to_string(),
        )
    }
}

/// Verifies the portal's token, links or creates the person's account, starts a session and
/// sends the frame to `return_to`.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    State(state): State<ServerState>,
    method: Method,
    headers: HeaderMap,
    Query(query): Query<SsoQuery>,
) -> Response {
    let Some(settings) = &state.config.embedding.portal_sso else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // A link preview or a checker asks with HEAD: it must not use the person's token up.
    if method == Method::HEAD {
        return (
            StatusCode::OK,
            [
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                (
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ),
            ],
        )
            .into_response();
    }
    match sign_in_person(&state, settings, &headers, query).await {
        Ok((set_cookie, target)) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            let out = response.headers_mut();
            if let Ok(location) = HeaderValue::from_str(&target) {
                out.insert(header::LOCATION, location);
            }
            if let Ok(cookie) = HeaderValue::from_str(&set_cookie) {
                out.append(header::SET_COOKIE, cookie);
            }
            out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            out.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            response
        }
        Err(refusal) => {
            tracing::info!(reason = %refusal.message, "portal sign-in refused");
            refusal_page(&state, refusal)
        }
    }
}

async fn sign_in_person(
    state: &ServerState,
    settings: &PortalSsoSettings,
    headers: &HeaderMap,
    query: SsoQuery,
) -> Result<(String, String), Refusal> {
    let base = state.config.embedding.base_path.as_str();
    let target = return_target(base, query.return_to.as_deref())?;
    let token = query
        .token
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            refuse(
                StatusCode::BAD_REQUEST,
                "The sign-in link carries no token.",
            )
        })?;
    let claims = verify(settings, &token)?;
    let time = now();
    if claims.exp - time > MAX_LIFETIME_SECONDS {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            format!(
                "The sign-in token lives too long: it must expire at most {MAX_LIFETIME_SECONDS} seconds after it is made."
            ),
        ));
    }
    let issuer = settings.issuer.clone();
    let root_login = settings.root_login.clone();
    // From here the token's jti is spent: the answer carries the result, never a 503 that
    // would make the retry look like a reuse.
    crate::infra::deadline::spending()?;
    let account_id = crate::infra::db::write_transaction::<_, Refusal, _>(&state.db, |txn| {
        Box::pin(async move { link_person(txn, &issuer, &root_login, claims).await })
    })
    .await?;
    let old = super::cookies::only(headers, crate::session::service::cookie_name(state));
    let set_cookie = crate::session::service::start(state, account_id, old).await?;
    tracing::info!(account_id, "signed in from the portal");
    Ok((set_cookie, target))
}

/// `return_to` inside the base as the path Appward routes (the base is put back on the
/// redirect): a relative path under the base, nothing else. None means the console's home.
fn return_target(base: &str, return_to: Option<&str>) -> Result<String, Refusal> {
    let Some(return_to) = return_to.filter(|r| !r.is_empty()) else {
        return Ok("/".into());
    };
    let foreign = || {
        refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "return_to must be a path of this console (under {}); it is not.",
                if base.is_empty() { "/" } else { base }
            ),
        )
    };
    let local = crate::session::local_path(return_to).ok_or_else(foreign)?;
    let inner = local.strip_prefix(base).ok_or_else(foreign)?;
    if inner.is_empty() {
        return Ok("/".into());
    }
    if !(inner.starts_with('/') || inner.starts_with('?')) || inner.starts_with("//") {
        return Err(foreign());
    }
    Ok(if inner.starts_with('?') {
        format!("/{inner}")
    } else {
        inner.to_owned()
    })
}

fn verify(settings: &PortalSsoSettings, token: &str) -> Result<PortalClaims, Refusal> {
    let mut validation = Validation::new(settings.algorithm);
    validation.set_issuer(&[settings.issuer.as_str()]);
    validation.set_audience(&[settings.audience.as_str()]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    // Clocks of the portal and Appward may differ a little; not by minutes.
    validation.leeway = LEEWAY_SECONDS;
    decode::<PortalClaims>(token, &settings.key, &validation)
        .map(|data| data.claims)
        .map_err(|error| {
            let message = match error.kind() {
                ErrorKind::ExpiredSignature => "The sign-in token has expired. Open the console from the portal again.".to_owned(),
                ErrorKind::InvalidAudience => "The sign-in token is meant for another service (wrong audience).".to_owned(),
                ErrorKind::InvalidIssuer => "The sign-in token comes from an unknown issuer.".to_owned(),
                ErrorKind::InvalidSignature => "The sign-in token's signature does not match the portal's key.".to_owned(),
                ErrorKind::InvalidAlgorithm => format!(
                    "The sign-in token is not signed with {:?}, the only algorithm of the portal's key.",
                    settings.algorithm
                ),
                ErrorKind::MissingRequiredClaim(claim) => format!("The sign-in token lacks the {claim} claim."),
                _ => "The sign-in token is not a valid token of the portal (for example alg none, or malformed claims).".to_owned(),
            };
            refuse(StatusCode::FORBIDDEN, message)
        })
}

/// Uses the token's `jti` once, then finds the person's account by (issuer, `sub`), or
/// creates it where the claims say, inside the subtree the operator allows.
async fn link_person(
    txn: &impl ConnectionTrait,
    issuer: &str,
    root_login: &str,
    claims: PortalClaims,
) -> Result<i64, Refusal> {
    if claims.jti.is_empty() || claims.jti.len() > 255 {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "The sign-in token lacks a usable jti.",
        ));
    }
    portal_token_use::ActiveModel {
        jti: Set(claims.jti.clone()),
        expires_at: Set(claims.exp),
    }
    .insert(txn)
    .await
    .map_err(|error| match error.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => refuse(
            StatusCode::FORBIDDEN,
            "This sign-in token was used already: each works once. Open the console from the portal again.",
        ),
        _ => error.into(),
    })?;
    let level = AccountLevel::parse(&claims.level).map_err(|_| {
        refuse(
            StatusCode::FORBIDDEN,
            "The sign-in token names no known level (service_provider, organization or user).",
        )
    })?;
    let linked = portal_person::Entity::find()
        .filter(portal_person::Column::Issuer.eq(issuer))
        .filter(portal_person::Column::Subject.eq(claims.sub.as_str()))
        .one(txn)
        .await?;
    if let Some(linked) = linked {
        let account = account::Entity::find_by_id(linked.account_id)
            .one(txn)
            .await?
            .ok_or_else(|| refuse(StatusCode::FORBIDDEN, "The linked account is gone."))?;
        if account.level != level {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "The sign-in token asks for another level than the person's account has: a portal cannot change an account's level.",
            ));
        }
        return Ok(account.id);
    }
    if level == AccountLevel::Administrator {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "A portal cannot sign anyone in as the Administrator.",
        ));
    }
    let login = Login::parse(&claims.sub).map_err(|error| {
        refuse(
            StatusCode::FORBIDDEN,
            format!("The token's sub cannot be a login here: {}", error.message),
        )
    })?;
    let taken = account::Entity::find()
        .filter(account::Column::Login.eq(login.as_str()))
        .one(txn)
        .await?;
    if taken.is_some() {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "The token's sub is the login of an existing account that no portal person is linked to: a portal sign-in never takes an account over.",
        ));
    }
    let root = account::Entity::find()
        .filter(account::Column::Login.eq(root_login))
        .one(txn)
        .await?
        .ok_or_else(|| {
            refuse(
                StatusCode::FORBIDDEN,
                "The portal's subtree root (APPWARD_PORTAL_SSO_ROOT) is not an account.",
            )
        })?;
    let parent = account::Entity::find()
        .filter(account::Column::Login.eq(crate::domain::Login::normalise(&claims.parent)))
        .one(txn)
        .await?
        .filter(|parent| {
            ScopePath::from_stored(root.scope_path.clone())
                .contains(&ScopePath::from_stored(parent.scope_path.clone()))
        })
        .ok_or_else(|| {
            refuse(
                StatusCode::FORBIDDEN,
                "The token's parent account is missing or outside the part of the account tree the portal may use.",
            )
        })?;
    let parent_level = parent.level;
    if !parent_level.is_above(level) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            format!("A {parent_level} cannot have a {level} below it."),
        ));
    }
    let name = claims
        .name
        .as_deref()
        .and_then(|name| AccountName::parse(name).ok())
        .or_else(|| AccountName::parse(login.as_str()).ok())
        .ok_or_else(|| refuse(StatusCode::FORBIDDEN, "The token names no usable name."))?;
    let created = account::ActiveModel {
        login: Set(login.as_str().to_owned()),
        name: Set(name.as_str().to_owned()),
        level: Set(level),
        parent_id: Set(Some(parent.id)),
        scope_path: Set(String::new()),
        // Not a password hash: no password ever matches it; portal people sign in through
        // the portal only.
        password_hash: Set("!portal".into()),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let path = ScopePath::from_stored(parent.scope_path.clone()).child(created.id);
    let id = created.id;
    let mut created: account::ActiveModel = created.into();
    created.scope_path = Set(path.as_str().to_owned());
    created.update(txn).await?;
    portal_person::ActiveModel {
        issuer: Set(issuer.to_owned()),
        subject: Set(claims.sub),
        account_id: Set(id),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    tracing::info!(account_id = id, "portal person's account created");
    Ok(id)
}

fn refusal_page(state: &ServerState, refusal: Refusal) -> Response {
    let message = escape(&refusal.message);
    let base = &state.config.embedding.base_path;
    let css = &state.bundle.css;
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Sign-in refused · Appward</title>\
         <link rel=\"stylesheet\" href=\"{base}/pkg/{css}\"></head>\
         <body><main id=\"main\" class=\"narrow\"><section class=\"card\" aria-labelledby=\"refused-title\">\
         <h1 id=\"refused-title\">Sign-in refused</h1><p role=\"alert\" class=\"error\">{message}</p>\
         </section></main></body></html>"
    );
    let policy = format!(
        "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors {}",
        state.config.frame_ancestors
    );
    let mut response = (refusal.status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The page's URL holds the token: its stylesheet request must not carry it as `Referer`.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_must_stay_under_the_base() {
        let target = |base: &str, to: &str| return_target(base, Some(to)).map_err(|r| r.message);
        assert_eq!(
            target("/console", "/console/apps?tab=management").unwrap(),
            "/apps?tab=management"
        );
        assert_eq!(target("/console", "/console").unwrap(), "/");
        assert_eq!(target("", "/apps").unwrap(), "/apps");
        for foreign in [
            "https://evil.example/console/apps",
            "//evil.example/console",
            "/other/apps",
            "/consoleX/apps",
            "/console//evil.example",
            "/console/\\\\evil",
            "apps",
        ] {
            assert!(target("/console", foreign).is_err(), "{foreign}");
        }
        assert_eq!(return_target("/console", None).unwrap(), "/");
    }
}
