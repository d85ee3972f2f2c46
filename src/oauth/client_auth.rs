//! Client authentication at the token endpoint: HTTP Basic or `client_id`/`client_secret`
//! in the body (RFC 6749 §2.3.1), the secret compared in constant time.
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, QueryTrait, Select,
};
use std::collections::HashMap;
use std::sync::OnceLock;

use super::OAuthError;
use crate::domain::{ApiKind, AppKey};
use crate::infra::RequestMeta;
use crate::infra::entities::app;
use crate::infra::{ServerState, crypto, read_path};

/// The App that authenticated: what the token endpoints need of it, and nothing more (every
/// column read is a copy, on the hottest path of all).
#[derive(Debug, Clone, FromQueryResult)]
pub struct AuthenticatedApp {
    /// Its id.
    pub id: i64,
    /// Its key (`client_id`).
    pub key: String,
    /// `system` or `unified`.
    pub api: ApiKind,
    /// The account that registered it.
    pub owner_id: Option<i64>,
    /// Whether it is suspended.
    pub suspended: bool,
    /// Whether it may use client credentials.
    pub trusted: bool,
    /// Its Redirect URL, as stored.
    pub redirect_url: String,
    /// Its secret generation, read with the secret it was authenticated with.
    pub secret_generation: i64,
    /// Its trust generation, read with its trusted flag.
    pub trust_generation: i64,
    secret_sealed: String,
}

/// The live App whose key and secret the request presents. Failures are counted per App key
/// and client network (an IPv4 address, an IPv6 /64), so that guesses from one network cannot
/// lock the App out elsewhere.
pub async fn authenticate(
    state: &ServerState,
    meta: &RequestMeta,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<AuthenticatedApp, OAuthError> {
    let basic = basic_credentials(headers)?;
    let body = match (params.get("client_id"), params.get("client_secret")) {
        (Some(id), Some(secret)) => Some((id.clone(), secret.clone())),
        _ => None,
    };
    let (key, secret) = match (basic, body) {
        (Some(_), Some(_)) => {
            return Err(OAuthError::invalid_request(
                "Authenticate the App one way: HTTP Basic or client_id and client_secret, not both.",
            ));
        }
        (Some(credentials), None) | (None, Some(credentials)) => credentials,
        (None, None) => {
            return Err(OAuthError::invalid_client(
                "The App must authenticate with its key and secret.",
            ));
        }
    };
    let refused = || OAuthError::invalid_client("Unknown App key or wrong App secret.");
    // Keyed by what was presented (cut short), so unknown keys are counted too, and by the
    // network it came from.
    let limit_key = format!(
        "{}|{}",
        key.chars().take(64).collect::<String>(),
        meta.client_network()
    );
    if let Err(retry_after) = state.client_auth_failures.check(&limit_key) {
        return Err(OAuthError::too_many_failures(retry_after));
    }
    let Ok(key) = AppKey::parse(&key) else {
        state.client_auth_failures.record_failure(&limit_key);
        return Err(refused());
    };
    let found = match &state.read_path {
        Some(read_path) => {
            read_path.with(|connection| authenticated_app_sqlite(connection, key.as_str()))?
        }
        None => {
            app_select(Expr::val(key.as_str()))
                .into_model::<AuthenticatedApp>()
                .one(&state.db)
                .await?
        }
    };
    let Some(app) = found else {
        state.client_auth_failures.record_failure(&limit_key);
        return Err(refused());
    };
    let real = state.secrets.open(&app.key, &app.secret_sealed)?;
    if !crypto::secrets_match(&secret, &real) {
        state.client_auth_failures.record_failure(&limit_key);
        tracing::info!(app_key = %app.key, "App authentication refused");
        return Err(refused());
    }
    Ok(app)
}

/// The live App whose key is `key` (an expression: a value, or the parameter `:key`).
fn app_select(key: Expr) -> Select<app::Entity> {
    app::Entity::find()
        .select_only()
        .columns([
            app::Column::Id,
            app::Column::Key,
            app::Column::Api,
            app::Column::OwnerId,
            app::Column::Suspended,
            app::Column::Trusted,
            app::Column::RedirectUrl,
            app::Column::SecretGeneration,
            app::Column::TrustGeneration,
            app::Column::SecretSealed,
        ])
        .filter(Expr::col((app::Entity, app::Column::Key)).eq(key))
        .filter(app::Column::RemovedAt.is_null())
}

/// [`app_select`] on the thin SQLite read path.
fn authenticated_app_sqlite(
    connection: &rusqlite::Connection,
    key: &str,
) -> rusqlite::Result<Option<AuthenticatedApp>> {
    use rusqlite::OptionalExtension;
    static SQL: OnceLock<String> = OnceLock::new();
    let sql =
        SQL.get_or_init(|| read_path::sqlite_sql(&app_select(Expr::cust(":key")).into_query()));
    connection
        .prepare_cached(sql)?
        .query_row(rusqlite::named_params! {":key": key}, |row| {
            Ok(AuthenticatedApp {
                id: row.get(0)?,
                key: row.get(1)?,
                api: row.get(2)?,
                owner_id: row.get(3)?,
                suspended: row.get(4)?,
                trusted: row.get(5)?,
                redirect_url: row.get(6)?,
                secret_generation: row.get(7)?,
                trust_generation: row.get(8)?,
                secret_sealed: row.get(9)?,
            })
        })
        .optional()
}

/// The key and secret of an `Authorization: Basic` header, each form-url-decoded.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || OAuthError::invalid_client("The Basic credentials cannot be read.");
    let value = value.to_str().map_err(|_| malformed())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(malformed());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(malformed)?;
    let (id, secret) = decoded.split_once(':').ok_or_else(malformed)?;
    let decode = |part: &str| {
        percent_decode_str(&part.replace('+', " "))
            .decode_utf8()
            .map(|text| text.into_owned())
            .map_err(|_| malformed())
    };
    Ok(Some((decode(id)?, decode(secret)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn any_authorization_header_is_read_or_refused_without_panicking(value in "\\PC{0,200}") {
            let mut headers = HeaderMap::new();
            if let Ok(value) = value.parse() {
                headers.insert(header::AUTHORIZATION, value);
                let _ = basic_credentials(&headers);
            }
        }

        #[test]
        fn keys_and_secrets_survive_basic_encoding(
            key in "[A-Za-z0-9._~-]{32}",
            secret in "[A-Za-z0-9._~-]{32}",
        ) {
            let mut headers = HeaderMap::new();
            let encoded = STANDARD.encode(format!("{key}:{secret}"));
            headers.insert(header::AUTHORIZATION, format!("Basic {encoded}").parse().unwrap());
            proptest::prop_assert_eq!(basic_credentials(&headers).unwrap(), Some((key, secret)));
        }
    }

    #[test]
    fn basic_credentials_are_decoded() {
        let mut headers = HeaderMap::new();
        let encoded =
            STANDARD.encode("5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE:z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ");
        headers.insert(
            header::AUTHORIZATION,
            format!("Basic {encoded}").parse().unwrap(),
        );
        assert_eq!(
            basic_credentials(&headers).unwrap(),
            Some((
                "5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE".into(),
                "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ".into()
            ))
        );
        headers.insert(header::AUTHORIZATION, "Basic %%%".parse().unwrap());
        assert_eq!(
            basic_credentials(&headers).unwrap_err().code,
            crate::oauth::OAuthErrorCode::InvalidClient
        );
        headers.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert!(basic_credentials(&headers).is_err());
        assert_eq!(basic_credentials(&HeaderMap::new()).unwrap(), None);
    }
}
