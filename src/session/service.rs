//! Sessions kept in the database: the cookie holds a random id, the table its SHA-256.
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::model::SignedInAccount;
use crate::domain::{AccountLevel, Login};
use crate::embedding::cookies::{self, Reader};
use crate::error::ConsoleError;
use crate::infra::entities::{account, session};
use crate::infra::{ServerState, crypto, now};

/// The name of the session cookie.
pub const COOKIE: &str = "appward_session";

/// The session cookie's name: `__Host-` prefixed when the console is served over https at
/// the root of its host (the browser then refuses it unless it is `Secure`, `Path=/` and
/// set by this very host), `__Secure-` over https under a base path, bare over http.
pub fn cookie_name(state: &ServerState) -> &'static str {
    if !state.config.is_https() {
        // Cross-site cookies are always `Secure` (browsers allow it on http://localhost).
        return if state.config.embedding.cross_site_cookies {
            "__Secure-appward_session"
        } else {
            COOKIE
        };
    }
    let at_root = url::Url::parse(&state.config.public_url).is_ok_and(|url| url.path() == "/");
    if at_root {
        "__Host-appward_session"
    } else {
        "__Secure-appward_session"
    }
}

/// A session's last-seen time is written at most this often (seconds): reads stay reads.
const TOUCH_INTERVAL: i64 = 60;

/// The account behind a request, with what the server needs beyond what the browser sees.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account's row.
    pub account: account::Model,
    /// Its level.
    pub level: AccountLevel,
}

impl Caller {
    /// What the browser is told about the account.
    pub fn signed_in(&self) -> SignedInAccount {
        SignedInAccount {
            id: self.account.id,
            login: self.account.login.clone(),
            name: self.account.name.clone(),
            level: self.level,
        }
    }
}

/// Checks the login and password and starts a new session, replacing any the browser held.
#[tracing::instrument(skip_all)]
pub async fn sign_in(
    state: &ServerState,
    login: &str,
    password: String,
) -> Result<(), ConsoleError> {
    if login.trim().is_empty() {
        return Err(ConsoleError::invalid("login", "Login is required."));
    }
    if password.is_empty() {
        return Err(ConsoleError::invalid("password", "Password is required."));
    }
    let login = Login::normalise(login);
    let network = use_context::<Parts>()
        .map(|parts| crate::infra::RequestMeta::of(&parts, state).client_network())
        .unwrap_or_default();
    let limit_key = format!("{login}|{network}");
    // Checked and counted in one atomic step: of many attempts at once, no more than the
    // limit get to a password check. A success gives its attempt back.
    let attempt = state
        .sign_in_failures
        .reserve(&limit_key)
        .map_err(|retry_after| ConsoleError::TooManyRequests { retry_after })?;
    // Failures of this login from anywhere slow it down (never a refusal).
    let slowed = match state.sign_in_slowdown.wait(&login).await {
        Ok(slowed) => slowed,
        Err(busy) => {
            attempt.succeeded();
            return Err(busy);
        }
    };
    // Every account's login passed `Login::parse`: a value it refuses (a NUL, which
    // PostgreSQL would not even compare) is looked up nowhere and refused like any unknown
    // login, after the same hash.
    let found = match Login::parse(&login) {
        Ok(login) => {
            account::Entity::find()
                .filter(account::Column::Login.eq(login.as_str()))
                .one(&state.db)
                .await?
        }
        Err(_) => None,
    };
    let hash = found.as_ref().map(|account| account.password_hash.clone());
    let matches = match crypto::verify_password(&state.password_gate, password, hash).await {
        Ok(matches) => matches,
        Err(busy) => {
            // Not checked: not a failure either.
            attempt.succeeded();
            slowed.not_checked();
            return Err(busy);
        }
    };
    if !matches {
        tracing::info!("sign-in refused");
        return Err(ConsoleError::WrongCredentials);
    }
    attempt.succeeded();
    slowed.succeeded();
    let account = found.ok_or(ConsoleError::WrongCredentials)?;
    let old = request_cookie_token(cookie_name(state));
    set_cookie(&start(state, account.id, old, StartedBy::Password).await?);
    tracing::info!(account_id = account.id, "signed in");
    Ok(())
}

/// How a session was started, which decides how long it may last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartedBy {
    /// A password sign-in: it ends after `APPWARD_SESSION_TTL` of idleness.
    Password,
    /// The portal's sign-in (`/sso`): it also ends `APPWARD_PORTAL_SESSION_TTL` after it
    /// began, however busy.
    Portal,
}

/// Starts a new session of `account_id`, ending the one the browser held (`old`, the
/// cookie's value); returns the `Set-Cookie` value that hands it to the browser.
pub async fn start(
    state: &ServerState,
    account_id: i64,
    old: Option<String>,
    started_by: StartedBy,
) -> Result<String, ConsoleError> {
    // A new id at every sign-in: an id planted before sign-in is worth nothing after it.
    if let Some(old) = old {
        session::Entity::delete_by_id(crypto::token_digest(&old))
            .exec(&state.db)
            .await?;
    }
    let token = crypto::random_token();
    let time = now();
    session::ActiveModel {
        id_hash: Set(crypto::token_digest(&token)),
        account_id: Set(account_id),
        created_at: Set(time),
        last_seen_at: Set(time),
        from_portal: Set(started_by == StartedBy::Portal),
    }
    .insert(&state.db)
    .await?;
    Ok(cookies::set(
        &state.config,
        cookie_name(state),
        &token,
        Reader::Server,
    ))
}

/// Deletes the request's session and clears the cookie.
#[tracing::instrument(skip_all)]
pub async fn sign_out(state: &ServerState) -> Result<(), ConsoleError> {
    if let Some(token) = request_cookie_token(cookie_name(state)) {
        session::Entity::delete_by_id(crypto::token_digest(&token))
            .exec(&state.db)
            .await?;
    }
    set_cookie(&cookies::removal(
        &state.config,
        cookie_name(state),
        Reader::Server,
    ));
    Ok(())
}

/// The account signed in on this request, or [`ConsoleError::SignedOut`].
pub async fn current(state: &ServerState) -> Result<Caller, ConsoleError> {
    let parts = use_context::<Parts>().ok_or(ConsoleError::SignedOut)?;
    current_for(state, &parts.headers).await
}

/// The account whose session cookie is among `headers` (for plain axum handlers), or
/// [`ConsoleError::SignedOut`]: also when the request carries two session cookies (another
/// host of the domain may have set one; `session::cookie_guard` clears both).
pub async fn current_for(state: &ServerState, headers: &HeaderMap) -> Result<Caller, ConsoleError> {
    let token = cookie_token(headers, cookie_name(state)).ok_or(ConsoleError::SignedOut)?;
    let id_hash = crypto::token_digest(&token);
    let Some((found, Some(account))) = session::Entity::find_by_id(id_hash.clone())
        .find_also_related(account::Entity)
        .one(&state.db)
        .await?
    else {
        return Err(ConsoleError::SignedOut);
    };
    let time = now();
    let idle = time - found.last_seen_at;
    let too_old = found.from_portal
        && time - found.created_at > state.config.portal_session_ttl.as_secs() as i64;
    if idle > state.config.session_ttl.as_secs() as i64 || too_old {
        session::Entity::delete_by_id(id_hash)
            .exec(&state.db)
            .await?;
        return Err(ConsoleError::SignedOut);
    }
    if idle >= TOUCH_INTERVAL {
        let mut touched: session::ActiveModel = found.into();
        touched.last_seen_at = Set(time);
        touched.update(&state.db).await?;
    }
    Ok(Caller {
        level: account.level,
        account,
    })
}

/// A value only this browser's session can know (the session id is never stored), for the
/// hidden field of forms the console posts outside server functions (the consent page).
pub fn form_token(state: &ServerState, headers: &HeaderMap, purpose: &str) -> Option<String> {
    cookie_token(headers, cookie_name(state))
        .map(|token| crypto::token_digest(&format!("{purpose}:{token}")))
}

fn request_cookie_token(name: &str) -> Option<String> {
    cookie_token(&use_context::<Parts>()?.headers, name)
}

/// The session cookie's value when the request carries exactly one.
fn cookie_token(headers: &HeaderMap, cookie: &str) -> Option<String> {
    cookies::only(headers, cookie)
}

fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}
