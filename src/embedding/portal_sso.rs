//! `{base}/sso`: sign-in from the portal, by `GET ?token=JWT&return_to=…` (the portal opens
//! this URL in its frame: a plain navigation) or by `POST` of the same fields as a form (the
//! token then stays out of access logs). The token is verified with the operator's key, its
//! algorithm pinned to the key's type, its issuer and audience checked, expiring at most two
//! minutes ahead, and used once (its `jti` is kept until a minute past its expiry and the
//! clock leeway, then forgotten by housekeeping). `HEAD` never uses a token.
//! Portal people are linked to accounts by (issuer, `sub`) in a table of their own: a `sub`
//! that equals an existing login never takes that account over, and a linked person is
//! checked again at each sign-in (still inside `APPWARD_PORTAL_SSO_ROOT`, same parent).
//! A browser signed in as someone else is switched without a question only inside a
//! portal's frame with cross-site cookies (the jar is then the portal's own partition);
//! anywhere else a page names both people and asks, and only its own same-origin `POST`
//! switches (a link from another site cannot sign a person in as someone else).
//! A refused token is a page that says why, and creates nothing.
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Validation, decode};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, SqlErr,
};
use serde::Deserialize;

use super::entities::{portal_person, portal_token_use};
use super::sso_pages::{self, SwitchView};
use crate::accounts::ScopePath;
use crate::domain::{AccountLevel, AccountName, Login};
use crate::error::ConsoleError;
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

/// What a portal sign-in carries: the query of `GET /sso`, or the form of `POST /sso`.
#[derive(Debug, Default, Deserialize)]
pub struct SsoRequest {
    /// The portal's signed token.
    token: Option<String>,
    /// Where the frame goes once signed in: a path under the base.
    return_to: Option<String>,
    /// `1` from the switch page's own form: the person signed in confirmed that the token's
    /// person takes this browser over. Honoured only on a same-origin `POST`.
    switch: Option<String>,
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
pub struct Refusal {
    /// The page's status.
    pub status: StatusCode,
    /// What the page says.
    pub message: String,
    /// Whether the page offers the way back to the portal (the token expired or was used:
    /// the portal makes a new one).
    pub back_to_portal: bool,
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        message: message.into(),
        back_to_portal: false,
    }
}

/// A refusal that a fresh token from the portal mends.
fn refuse_stale(message: impl Into<String>) -> Refusal {
    Refusal {
        back_to_portal: true,
        ..refuse(StatusCode::FORBIDDEN, message)
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

/// What a portal sign-in comes to.
enum Outcome {
    /// Signed in: the `Set-Cookie` value and where the frame goes (inside the base).
    SignedIn { set_cookie: String, target: String },
    /// Another person is signed in here: the page that asks first.
    AskFirst(Response),
}

/// `GET /sso` (and `HEAD`, which a link preview or a checker sends: it uses no token).
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    State(state): State<ServerState>,
    method: Method,
    headers: HeaderMap,
    Query(request): Query<SsoRequest>,
) -> Response {
    if state.config.embedding.portal_sso.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    if method == Method::HEAD {
        let mut response = StatusCode::OK.into_response();
        sso_pages::private(response.headers_mut());
        return response;
    }
    answer(&state, &headers, request, false).await
}

/// `POST /sso`: the same sign-in with the token in a form, and the switch page's confirmation.
#[tracing::instrument(skip_all)]
pub async fn sign_in_posted(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Form(request): Form<SsoRequest>,
) -> Response {
    if state.config.embedding.portal_sso.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    answer(&state, &headers, request, true).await
}

async fn answer(
    state: &ServerState,
    headers: &HeaderMap,
    request: SsoRequest,
    posted: bool,
) -> Response {
    let Some(settings) = &state.config.embedding.portal_sso else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match sign_in_person(state, settings, headers, request, posted).await {
        Ok(Outcome::SignedIn { set_cookie, target }) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            let out = response.headers_mut();
            if let Ok(location) = HeaderValue::from_str(&target) {
                out.insert(header::LOCATION, location);
            }
            if let Ok(cookie) = HeaderValue::from_str(&set_cookie) {
                out.append(header::SET_COOKIE, cookie);
            }
            sso_pages::private(out);
            response
        }
        Ok(Outcome::AskFirst(page)) => page,
        Err(refusal) => {
            tracing::info!(reason = %refusal.message, "portal sign-in refused");
            sso_pages::refused(
                state,
                headers,
                refusal.status,
                &refusal.message,
                refusal.back_to_portal,
            )
        }
    }
}

async fn sign_in_person(
    state: &ServerState,
    settings: &PortalSsoSettings,
    headers: &HeaderMap,
    request: SsoRequest,
    posted: bool,
) -> Result<Outcome, Refusal> {
    let base = state.config.embedding.base_path.as_str();
    let target = return_target(base, request.return_to.as_deref())?;
    let token = request
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
    let signed_in = match crate::session::service::current_for(state, headers).await {
        Ok(caller) => Some(caller),
        Err(ConsoleError::SignedOut) => None,
        Err(error) => return Err(error.into()),
    };
    if let Some(current) = &signed_in {
        let person = linked_account(state, &settings.issuer, &claims.sub).await?;
        let same_person = person
            .as_ref()
            .is_some_and(|person| person.id == current.account.id);
        let confirmed = posted
            && request.switch.as_deref() == Some("1")
            && !crate::infra::cross_site::is_cross_site(
                headers,
                &crate::infra::embedding_settings::origin_of(&state.config.public_url),
            );
        if !same_person && !in_portal_frame(state, headers) && !confirmed {
            let switch = SwitchView {
                current: &current.account,
                person: person.as_ref(),
                claims_name: claims.name.as_deref().unwrap_or(&claims.sub),
                claims_sub: &claims.sub,
                token: &token,
                return_to: request.return_to.as_deref().unwrap_or(""),
            };
            return Ok(Outcome::AskFirst(sso_pages::switch(
                state, headers, &switch,
            )));
        }
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
    let set_cookie = crate::session::service::start(
        state,
        account_id,
        old,
        crate::session::service::StartedBy::Portal,
    )
    .await?;
    tracing::info!(account_id, "signed in from the portal");
    Ok(Outcome::SignedIn { set_cookie, target })
}

/// Whether the request is the portal's frame navigating with cross-site cookies: the cookie
/// jar is then the portal's own partition, whose session the portal may replace unasked.
fn in_portal_frame(state: &ServerState, headers: &HeaderMap) -> bool {
    state.config.embedding.cross_site_cookies
        && headers
            .get("sec-fetch-dest")
            .is_some_and(|dest| dest.as_bytes() == b"iframe")
}

/// The account a portal person is linked to, if they signed in before.
async fn linked_account(
    state: &ServerState,
    issuer: &str,
    subject: &str,
) -> Result<Option<account::Model>, Refusal> {
    let Some(linked) = portal_person::Entity::find()
        .filter(portal_person::Column::Issuer.eq(issuer))
        .filter(portal_person::Column::Subject.eq(subject))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    Ok(account::Entity::find_by_id(linked.account_id)
        .one(&state.db)
        .await?)
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
    let inner = if inner.starts_with('?') {
        format!("/{inner}")
    } else {
        inner.to_owned()
    };
    Ok(ascii_only(&inner))
}

/// `target` with every byte beyond visible ASCII percent-encoded, as a browser encodes a
/// URL: a `Location` must be text for the base path to be put in front of it on the way
/// out (`/console/é` was sent to `/é`, outside the base).
fn ascii_only(target: &str) -> String {
    target
        .bytes()
        .map(|byte| {
            if byte.is_ascii_graphic() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
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
                ErrorKind::ExpiredSignature => return refuse_stale("The sign-in token has expired. Open the console from the portal again."),
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
        Some(SqlErr::UniqueConstraintViolation(_)) => refuse_stale(
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
        // Checked again at every sign-in: narrowing the root, or moving the person at the
        // portal, takes effect at once (the link is kept for when it matches again).
        let root = subtree_root(txn, root_login).await?;
        if !in_subtree(&root, &account) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "The person's account lies outside the part of the account tree the portal may use (APPWARD_PORTAL_SSO_ROOT).",
            ));
        }
        let parent = match account.parent_id {
            Some(parent_id) => account::Entity::find_by_id(parent_id).one(txn).await?,
            None => None,
        };
        if parent.is_none_or(|parent| parent.login != Login::normalise(&claims.parent)) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "The sign-in token names another parent account than the person's account has: a portal cannot move an account.",
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
    let root = subtree_root(txn, root_login).await?;
    let parent = account::Entity::find()
        .filter(account::Column::Login.eq(crate::domain::Login::normalise(&claims.parent)))
        .one(txn)
        .await?
        .filter(|parent| in_subtree(&root, parent))
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

/// The account whose subtree portal people live in (`APPWARD_PORTAL_SSO_ROOT`).
async fn subtree_root(
    txn: &impl ConnectionTrait,
    root_login: &str,
) -> Result<account::Model, Refusal> {
    account::Entity::find()
        .filter(account::Column::Login.eq(root_login))
        .one(txn)
        .await?
        .ok_or_else(|| {
            refuse(
                StatusCode::FORBIDDEN,
                "The portal's subtree root (APPWARD_PORTAL_SSO_ROOT) is not an account.",
            )
        })
}

/// Whether `account` is `root` or lies below it.
fn in_subtree(root: &account::Model, account: &account::Model) -> bool {
    ScopePath::from_stored(root.scope_path.clone())
        .contains(&ScopePath::from_stored(account.scope_path.clone()))
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
        assert_eq!(
            target("/console", "/console/apps/é?q=a b").unwrap(),
            "/apps/%C3%A9?q=a%20b"
        );
    }
}
