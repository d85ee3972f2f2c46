//! The authorization code grant (RFC 6749 §4.1): codes issued at the consent page and
//! exchanged once at the token endpoint.
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use std::collections::HashMap;

use super::client_auth::AuthenticatedApp;
use super::grants::{self, IssuedTokens, NewGrant};
use super::{OAuthError, pkce};
use crate::domain::RedirectUrl;
use crate::error::ConsoleError;
use crate::infra::RequestMeta;
use crate::infra::entities::{app, authorization_code};
use crate::infra::{ServerState, crypto, now};

/// How long a code may wait to be exchanged (seconds).
pub const CODE_LIFETIME: i64 = 600;
/// How long a code is remembered after it expired, so that a late replay still revokes
/// what it gave (seconds); older codes are forgotten by housekeeping.
pub const REMEMBERED_FOR: i64 = 86_400;

/// What the user allowed: the App, the account, where the code goes, and the PKCE challenge.
#[derive(Debug, Clone)]
pub struct Consent<'a> {
    /// The App.
    pub app: &'a app::Model,
    /// The account that allowed it.
    pub account_id: i64,
    /// The App's Redirect URL, as stored.
    pub redirect_uri: &'a str,
    /// The S256 challenge, when the App sent one.
    pub code_challenge: Option<&'a str>,
}

/// Stores a new code (its hash) and returns it in clear, for the redirect only.
pub async fn issue(state: &ServerState, consent: Consent<'_>) -> Result<String, ConsoleError> {
    let code = crypto::random_token();
    let at = now();
    authorization_code::ActiveModel {
        code_hash: Set(crypto::token_digest(&code)),
        app_id: Set(consent.app.id),
        account_id: Set(consent.account_id),
        redirect_uri: Set(consent.redirect_uri.to_owned()),
        code_challenge: Set(consent.code_challenge.map(str::to_owned)),
        created_at: Set(at),
        expires_at: Set(at + CODE_LIFETIME),
        used_at: Set(None),
        grant_id: Set(None),
        secret_generation: Set(consent.app.secret_generation),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    tracing::debug!(app_key = %consent.app.key, account_id = consent.account_id, "authorization code issued");
    Ok(code)
}

/// Exchanges `code` for an access token and a refresh token. A code works once: presenting it
/// again revokes the grant it produced (RFC 6749 §4.1.2).
pub async fn exchange(
    state: &ServerState,
    app: &AuthenticatedApp,
    params: &HashMap<String, String>,
    meta: &RequestMeta,
) -> Result<IssuedTokens, OAuthError> {
    let code = params
        .get("code")
        .ok_or_else(|| OAuthError::invalid_request("code is required."))?;
    let redirect_uri = params.get("redirect_uri").ok_or_else(|| {
        OAuthError::invalid_request("redirect_uri is required with an authorization code.")
    })?;
    let found = live_code(state, app, code).await?;
    check_redirect_uri(app, &found, redirect_uri)?;
    check_verifier(&found, params.get("code_verifier"))?;
    match claim_and_issue(state, &found, meta).await {
        Ok(Exchange::Issued(tokens)) => {
            tracing::debug!(app_key = %app.key, "authorization code exchanged");
            Ok(tokens)
        }
        Err(ConsoleError::Conflict(_)) => Err(OAuthError::invalid_grant(
            "The App changed while the code was being exchanged.",
        )),
        Err(error) => Err(error.into()),
        // Another request exchanged it at the same moment: that is a replay too.
        Ok(Exchange::AlreadyUsed) => {
            if let Some(again) = authorization_code::Entity::find_by_id(found.id)
                .one(&state.db)
                .await?
            {
                revoke_replayed(state, &again).await?;
            }
            Err(already_used())
        }
    }
}

fn already_used() -> OAuthError {
    OAuthError::invalid_grant(
        "The authorization code was already used; the tokens it gave are revoked.",
    )
}

/// The App's code `code`, issued under its current secret, never used and not expired. A used
/// code presented again revokes what it gave.
async fn live_code(
    state: &ServerState,
    app: &AuthenticatedApp,
    code: &str,
) -> Result<authorization_code::Model, OAuthError> {
    let unknown = || OAuthError::invalid_grant("The authorization code is not valid.");
    let found = authorization_code::Entity::find()
        .filter(authorization_code::Column::CodeHash.eq(crypto::token_digest(code)))
        .one(&state.db)
        .await?
        .filter(|found| found.app_id == app.id)
        .ok_or_else(unknown)?;
    // Issued before a Regenerate: dead, whatever secret is presented now.
    if found.secret_generation != app.secret_generation {
        return Err(unknown());
    }
    if found.used_at.is_some() {
        revoke_replayed(state, &found).await?;
        return Err(already_used());
    }
    if found.expires_at <= now() {
        return Err(OAuthError::invalid_grant(
            "The authorization code has expired.",
        ));
    }
    Ok(found)
}

/// The URL must be the one the code was issued for, and still the App's Redirect URL.
fn check_redirect_uri(
    app: &AuthenticatedApp,
    found: &authorization_code::Model,
    redirect_uri: &str,
) -> Result<(), OAuthError> {
    let presented = RedirectUrl::parse(redirect_uri).map(|url| url.as_str().to_owned());
    if presented.as_deref() != Ok(found.redirect_uri.as_str())
        || app.redirect_url != found.redirect_uri
    {
        return Err(OAuthError::invalid_grant(
            "redirect_uri does not match the one the code was issued for.",
        ));
    }
    Ok(())
}

/// PKCE (RFC 7636): the verifier must match the challenge the code was issued with.
fn check_verifier(
    found: &authorization_code::Model,
    verifier: Option<&String>,
) -> Result<(), OAuthError> {
    let refusal = match (found.code_challenge.as_deref(), verifier) {
        (Some(challenge), Some(verifier)) if pkce::verifier_matches(verifier, challenge) => {
            return Ok(());
        }
        (None, None) => return Ok(()),
        (Some(_), Some(_)) => "code_verifier does not match the code_challenge.",
        (Some(_), None) => "code_verifier is required: the authorization request used PKCE.",
        // A verifier for a code issued without a challenge is a PKCE downgrade (RFC 9700).
        (None, Some(_)) => {
            "The authorization request had no code_challenge; code_verifier is not expected."
        }
    };
    Err(OAuthError::invalid_grant(refusal))
}

/// In one transaction: claims the code (only one request can), issues the grant, and links
/// the code to it. A Regenerate, suspend or removal meanwhile undoes the claim (`Conflict`).
async fn claim_and_issue(
    state: &ServerState,
    found: &authorization_code::Model,
    meta: &RequestMeta,
) -> Result<Exchange, ConsoleError> {
    // From here the code is spent: the answer carries the result, never a 503 that would
    // make the App's retry look like a replay.
    crate::infra::deadline::spending()?;
    let found = found.clone();
    let config = state.config.clone();
    let meta = meta.clone();
    crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, move |txn| {
        Box::pin(async move {
            let claimed = authorization_code::Entity::update_many()
                .col_expr(authorization_code::Column::UsedAt, Expr::value(now()))
                .filter(authorization_code::Column::Id.eq(found.id))
                .filter(authorization_code::Column::UsedAt.is_null())
                .exec(txn)
                .await?;
            if claimed.rows_affected != 1 {
                return Ok(Exchange::AlreadyUsed);
            }
            let new = NewGrant {
                app_id: found.app_id,
                account_id: found.account_id,
                kind: grants::AUTHORIZATION_CODE,
                secret_generation: found.secret_generation,
                trust_generation: None,
                meta: &meta,
            };
            let Some((grant_id, tokens)) = grants::insert(txn, &config, new).await? else {
                return Err(ConsoleError::Conflict(String::new()));
            };
            authorization_code::Entity::update_many()
                .col_expr(authorization_code::Column::GrantId, Expr::value(grant_id))
                .filter(authorization_code::Column::Id.eq(found.id))
                .exec(txn)
                .await?;
            Ok(Exchange::Issued(tokens))
        })
    })
    .await
}

/// What claiming a code came to.
enum Exchange {
    Issued(IssuedTokens),
    AlreadyUsed,
}

/// Ends the codes of the Apps with `app_ids` (Regenerate, removal), or only those of
/// `account_id` (a user de-authorizing the Apps).
pub async fn end_codes(
    db: &impl sea_orm::ConnectionTrait,
    app_ids: Vec<i64>,
    account_id: Option<i64>,
) -> Result<u64, ConsoleError> {
    if app_ids.is_empty() {
        return Ok(0);
    }
    let mut delete = authorization_code::Entity::delete_many()
        .filter(authorization_code::Column::AppId.is_in(app_ids));
    if let Some(account_id) = account_id {
        delete = delete.filter(authorization_code::Column::AccountId.eq(account_id));
    }
    Ok(delete.exec(db).await?.rows_affected)
}

async fn revoke_replayed(
    state: &ServerState,
    code: &authorization_code::Model,
) -> Result<(), ConsoleError> {
    if let Some(grant_id) = code.grant_id {
        grants::revoke(&state.db, grant_id).await?;
    }
    tracing::warn!(
        code_id = code.id,
        "authorization code replayed; its grant is revoked"
    );
    Ok(())
}
