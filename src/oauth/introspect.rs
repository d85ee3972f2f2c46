//! `POST /oauth/introspect` (RFC 7662): an App asks whether one of its own tokens is live.
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    Condition, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect, QueryTrait,
    RelationTrait, Select,
};
use serde_json::{Value, json};
use std::sync::OnceLock;

use super::{OAuthError, client_auth, grants, params};
use crate::infra::RequestMeta;
use crate::infra::entities::{account, token_grant};
use crate::infra::metrics::{self, CheckResult, CheckedAt};
use crate::infra::{ServerState, crypto, now, read_path};

/// `{active: true, …}` for a live access or refresh token of the calling App; `{active:
/// false}` for anything else: unknown, expired, another App's, or the App is suspended.
pub async fn introspect(
    State(state): State<ServerState>,
    meta: RequestMeta,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match run(&state, &meta, &headers, &body).await {
        Ok(answer) => {
            let mut response = Json(answer).into_response();
            super::no_store(response.headers_mut());
            response
        }
        Err(error) => error.into_response(),
    }
}

/// The grant a presented token matched, with the account it acts for.
#[derive(Debug, FromQueryResult)]
struct Introspected {
    access_hash: String,
    access_expires_at: i64,
    refresh_expires_at: Option<i64>,
    created_at: i64,
    account_id: i64,
    account_login: String,
}

/// The grant of the App `app_id` (under its generations) whose access or refresh token has
/// the hash `digest`; each an expression: a value, or a parameter of the same name.
fn grant_select(
    app_id: Expr,
    secret_generation: Expr,
    trust_generation: Option<Expr>,
    digest: Expr,
) -> Select<token_grant::Entity> {
    let grant_col = |column: token_grant::Column| Expr::col((token_grant::Entity, column));
    token_grant::Entity::find()
        .select_only()
        .columns([
            token_grant::Column::AccessHash,
            token_grant::Column::AccessExpiresAt,
            token_grant::Column::RefreshExpiresAt,
            token_grant::Column::CreatedAt,
        ])
        .column_as(account::Column::Id, "account_id")
        .column_as(account::Column::Login, "account_login")
        .join(JoinType::InnerJoin, token_grant::Relation::Account.def())
        .filter(grant_col(token_grant::Column::AppId).eq(app_id))
        .filter(grants::generations_match_values(
            secret_generation,
            trust_generation,
        ))
        .filter(
            Condition::any()
                .add(grant_col(token_grant::Column::AccessHash).eq(digest.clone()))
                .add(grant_col(token_grant::Column::RefreshHash).eq(digest)),
        )
}

/// [`grant_select`] on the thin SQLite read path (one statement for trusted Apps, one for
/// the others).
fn introspected_sqlite(
    connection: &rusqlite::Connection,
    app: &client_auth::AuthenticatedApp,
    digest: &str,
) -> rusqlite::Result<Option<Introspected>> {
    use rusqlite::OptionalExtension;
    static SQL: [OnceLock<String>; 2] = [OnceLock::new(), OnceLock::new()];
    let sql = SQL[usize::from(app.trusted)].get_or_init(|| {
        let select = grant_select(
            Expr::cust(":app_id"),
            Expr::cust(":secret_generation"),
            app.trusted.then(|| Expr::cust(":trust_generation")),
            Expr::cust(":digest"),
        );
        read_path::sqlite_sql(&select.into_query())
    });
    let mut parameters: Vec<(&str, &dyn rusqlite::ToSql)> = vec![
        (":app_id", &app.id),
        (":secret_generation", &app.secret_generation),
        (":digest", &digest),
    ];
    if app.trusted {
        parameters.push((":trust_generation", &app.trust_generation));
    }
    connection
        .prepare_cached(sql)?
        .query_row(parameters.as_slice(), |row| {
            Ok(Introspected {
                access_hash: row.get(0)?,
                access_expires_at: row.get(1)?,
                refresh_expires_at: row.get(2)?,
                created_at: row.get(3)?,
                account_id: row.get(4)?,
                account_login: row.get(5)?,
            })
        })
        .optional()
}

async fn run(
    state: &ServerState,
    meta: &RequestMeta,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let params = params::parse(body)?;
    let app = client_auth::authenticate(state, meta, headers, &params).await?;
    let token = params
        .get("token")
        .ok_or_else(|| OAuthError::invalid_request("token is required."))?;
    let answer = check(state, &app, token).await;
    metrics::token_checked(
        CheckedAt::Introspection,
        match &answer {
            Ok(answer) if answer["active"] == Value::Bool(true) => CheckResult::Valid,
            Ok(_) => CheckResult::Invalid,
            Err(_) => CheckResult::Error,
        },
    );
    answer
}

/// What introspection answers about `token`, presented by the authenticated `app`.
async fn check(
    state: &ServerState,
    app: &client_auth::AuthenticatedApp,
    token: &str,
) -> Result<Value, OAuthError> {
    let inactive = json!({ "active": false });
    if app.suspended {
        return Ok(inactive);
    }
    let digest = crypto::token_digest(token);
    let found = match &state.read_path {
        Some(read_path) => {
            read_path.with(|connection| introspected_sqlite(connection, app, &digest))?
        }
        None => {
            let trust_generation = app.trusted.then(|| Expr::val(app.trust_generation));
            grant_select(
                Expr::val(app.id),
                Expr::val(app.secret_generation),
                trust_generation,
                Expr::val(digest.as_str()),
            )
            .into_model::<Introspected>()
            .one(&state.db)
            .await?
        }
    };
    let Some(grant) = found else {
        return Ok(inactive);
    };
    let (token_type, expires_at) = if grant.access_hash == digest {
        ("Bearer", grant.access_expires_at)
    } else {
        ("refresh_token", grant.refresh_expires_at.unwrap_or(0))
    };
    if expires_at <= now() {
        return Ok(inactive);
    }
    let api = app.api.label();
    Ok(json!({
        "active": true,
        "client_id": app.key,
        "token_type": token_type,
        "exp": expires_at,
        "iat": grant.created_at,
        "sub": grant.account_id.to_string(),
        "username": grant.account_login,
        "iss": state.config.public_url,
        "api": api,
    }))
}
