//! App storage and the rules of SPEC §2, enforced on the server.
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};

use super::model::{AppDetails, MAX_APPS_PER_ACCOUNT, MAX_REMOVED_AT_ONCE, RegisteredApp};
use crate::domain::{
    AdminEmail, ApiKind, AppFields, AppForm, AppKey, Homepage, ImageUrl, RedirectUrl,
};
use crate::error::ConsoleError;
use crate::infra::entities::{account, app};
use crate::infra::{ServerState, crypto, now, utc_rfc3339};
use crate::oauth::{code_grant, grants};
use crate::session::service::Caller;

/// Registers an App for the caller, within the cap of 1000 live Apps per account.
#[tracing::instrument(skip_all, fields(caller = caller.account.id, api = api.as_str()))]
pub async fn create(
    state: &ServerState,
    caller: &Caller,
    api: ApiKind,
    fields: AppFields,
) -> Result<RegisteredApp, ConsoleError> {
    let key = crypto::random_app_key();
    let secret = crypto::random_app_key();
    let sealed = state.secrets.seal(&key, &secret);
    let owner_id = caller.account.id;
    let created = crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, |txn| {
        Box::pin(async move {
            // One conditional write takes the slot: racing registrations queue on the
            // account's row, so the count can never pass the cap.
            let slot = account::Entity::update_many()
                .col_expr(
                    account::Column::AppCount,
                    Expr::col(account::Column::AppCount).add(1),
                )
                .filter(account::Column::Id.eq(owner_id))
                .filter(account::Column::AppCount.lt(MAX_APPS_PER_ACCOUNT))
                .exec(txn)
                .await?;
            if slot.rows_affected == 0 {
                return Err(ConsoleError::Conflict(format!(
                    "You already have {MAX_APPS_PER_ACCOUNT} Apps, the most one account may \
                         register. Remove an App to add another."
                )));
            }
            let at = now();
            let mut row = app::ActiveModel {
                key: Set(key),
                owner_id: Set(Some(owner_id)),
                api: Set(api),
                secret_sealed: Set(sealed),
                suspended: Set(false),
                created_at: Set(at),
                updated_at: Set(at),
                removed_at: Set(None),
                ..Default::default()
            };
            fill(&mut row, fields);
            Ok(row.insert(txn).await?)
        })
    })
    .await?;
    tracing::info!(app_key = %created.key, "App registered");
    Ok(RegisteredApp {
        app: details_of(created, Some(caller.account.login.clone())),
        secret,
    })
}

/// The App with `key`, when the caller may manage it.
#[tracing::instrument(skip_all, fields(caller = caller.account.id))]
pub async fn details(
    state: &ServerState,
    caller: &Caller,
    key: &str,
) -> Result<AppDetails, ConsoleError> {
    let (app, owner) = find_manageable(&state.db, caller, key).await?;
    Ok(details_of(app, owner.map(|owner| owner.login)))
}

/// Saves every field of the edit form; the API and the key never change.
#[tracing::instrument(skip_all, fields(caller = caller.account.id))]
pub async fn update(
    state: &ServerState,
    caller: &Caller,
    key: &str,
    fields: AppFields,
) -> Result<AppDetails, ConsoleError> {
    let (app, owner) = find_manageable(&state.db, caller, key).await?;
    let keeps_trust = fields.trusted;
    let app_id = app.id;
    let mut row: app::ActiveModel = app.into();
    fill(&mut row, fields);
    row.updated_at = Set(now());
    // A new Redirect URL needs nothing more: the token endpoint compares a code's redirect
    // URL with the stored one, so codes issued for the old URL fail.
    let saved = crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, |txn| {
        Box::pin(async move {
            // Un-trusting is decided on the row itself, not on what was read before: the
            // trust generation moves on, so a client-credentials token issued in a race
            // with this carries the old one and never works.
            let untrusted = if keeps_trust {
                false
            } else {
                app::Entity::update_many()
                    .col_expr(
                        app::Column::TrustGeneration,
                        Expr::col(app::Column::TrustGeneration).add(1),
                    )
                    .filter(app::Column::Id.eq(app_id))
                    .filter(app::Column::Trusted.eq(true))
                    .exec(txn)
                    .await?
                    .rows_affected
                    > 0
            };
            let saved = row.update(txn).await?;
            if untrusted {
                grants::revoke_client_credentials(txn, app_id).await?;
            }
            Ok(saved)
        })
    })
    .await?;
    tracing::info!(app_key = %saved.key, "App saved");
    Ok(details_of(saved, owner.map(|owner| owner.login)))
}

/// The App's secret in clear, for its manager.
#[tracing::instrument(skip_all, fields(caller = caller.account.id))]
pub async fn reveal_secret(
    state: &ServerState,
    caller: &Caller,
    key: &str,
) -> Result<String, ConsoleError> {
    let (app, _) = find_manageable(&state.db, caller, key).await?;
    state.secrets.open(&app.key, &app.secret_sealed)
}

/// Gives the App a new secret; the old one and every token, refresh token and pending code
/// of the App stop working at once. The secret generation moves on in the same `UPDATE`, so a
/// token or code issued in a race with this carries the old one and never works.
#[tracing::instrument(skip_all, fields(caller = caller.account.id))]
pub async fn regenerate_secret(
    state: &ServerState,
    caller: &Caller,
    key: &str,
) -> Result<String, ConsoleError> {
    let (app, _) = find_manageable(&state.db, caller, key).await?;
    let secret = crypto::random_app_key();
    let sealed = state.secrets.seal(&app.key, &secret);
    let (app_key, app_id) = (app.key.clone(), app.id);
    crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, |txn| {
        Box::pin(async move {
            let updated = app::Entity::update_many()
                .col_expr(app::Column::SecretSealed, Expr::value(sealed))
                .col_expr(app::Column::UpdatedAt, Expr::value(now()))
                .col_expr(
                    app::Column::SecretGeneration,
                    Expr::col(app::Column::SecretGeneration).add(1),
                )
                .filter(app::Column::Id.eq(app_id))
                .filter(app::Column::RemovedAt.is_null())
                .exec(txn)
                .await?;
            if updated.rows_affected == 0 {
                return Err(ConsoleError::NotFound(
                    "There is no App with this key.".into(),
                ));
            }
            grants::revoke_all_of_apps(txn, vec![app_id]).await?;
            code_grant::end_codes(txn, vec![app_id], None).await?;
            Ok(())
        })
    })
    .await?;
    tracing::info!(%app_key, "App secret regenerated");
    Ok(secret)
}

/// Suspends or enables the App `key`. Nothing is cached: every instance sees it at the next
/// request. (`updated_at` stays: Configured is when the App's fields were last saved.)
#[tracing::instrument(skip_all, fields(caller = caller.account.id, suspended))]
pub async fn set_status(
    state: &ServerState,
    caller: &Caller,
    key: &str,
    suspended: bool,
) -> Result<bool, ConsoleError> {
    let (app, _) = find_manageable(&state.db, caller, key).await?;
    app::Entity::update_many()
        .col_expr(app::Column::Suspended, Expr::value(suspended))
        .filter(app::Column::Id.eq(app.id))
        .exec(&state.db)
        .await?;
    tracing::info!(app_key = %app.key, "App status changed");
    Ok(suspended)
}

/// Removes the Apps with `keys`, all or none: each becomes a tombstone that keeps its key.
/// The keys are de-duplicated, then checked and removed in one transaction, with a fixed
/// number of statements whatever their number.
#[tracing::instrument(skip_all, fields(caller = caller.account.id, count = keys.len()))]
pub async fn remove(
    state: &ServerState,
    caller: &Caller,
    keys: &[String],
) -> Result<u64, ConsoleError> {
    let keys = selection(keys)?;
    let caller = caller.clone();
    let removed = crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, |txn| {
        Box::pin(async move {
            let found = find_live_many(txn, &keys).await?;
            if found
                .iter()
                .any(|(_, owner)| !owner.as_ref().is_some_and(|o| caller.has_in_scope(o)))
            {
                return Err(outside_scope());
            }
            remove_in(txn, found.into_iter().map(|(app, _)| app.id).collect()).await
        })
    })
    .await?;
    tracing::info!(removed, "Apps removed");
    Ok(removed)
}

/// The distinct keys of a Remove Selected; refuses one that names no App, more than
/// [`MAX_REMOVED_AT_ONCE`], or a key that cannot be an App's (404, as for a missing App).
pub fn selection(keys: &[String]) -> Result<Vec<String>, ConsoleError> {
    if keys.is_empty() {
        return Err(ConsoleError::invalid("keys", "Select at least one App."));
    }
    if keys.len() > MAX_REMOVED_AT_ONCE {
        return Err(ConsoleError::invalid(
            "keys",
            format!("Remove at most {MAX_REMOVED_AT_ONCE} Apps at once."),
        ));
    }
    let mut distinct = std::collections::BTreeSet::new();
    for key in keys {
        let key = AppKey::parse(key).map_err(|_| not_found())?;
        distinct.insert(key.as_str().to_owned());
    }
    Ok(distinct.into_iter().collect())
}

/// The live Apps with `keys` (distinct) and their registering accounts, in one query; 404
/// when any of them is missing.
pub async fn find_live_many(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<(app::Model, Option<account::Model>)>, ConsoleError> {
    let found = app::Entity::find()
        .find_also_related(account::Entity)
        .filter(app::Column::Key.is_in(keys.iter().cloned()))
        .filter(app::Column::RemovedAt.is_null())
        .all(db)
        .await?;
    if found.len() != keys.len() {
        return Err(not_found());
    }
    Ok(found)
}

/// Turns the live Apps with `ids` (already checked to be the caller's to remove) into
/// tombstones inside the caller's transaction, giving their owners' slots back: only the
/// rows this transaction turned, so a race or a repeated key gives nothing back twice.
pub async fn remove_in(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<u64, ConsoleError> {
    let turned = tombstone(db, ids).await?;
    let mut per_owner: std::collections::BTreeMap<i64, i32> = std::collections::BTreeMap::new();
    for owner_id in turned.iter().filter_map(|app| app.owner_id) {
        *per_owner.entry(owner_id).or_default() += 1;
    }
    release_slots(db, &per_owner).await?;
    Ok(turned.len() as u64)
}

/// Turns every live App of a removed account into a tombstone (inside its removal).
pub async fn tombstone_apps_of(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<u64, ConsoleError> {
    let ids: Vec<i64> = app::Entity::find()
        .select_only()
        .column(app::Column::Id)
        .filter(app::Column::OwnerId.eq(account_id))
        .filter(app::Column::RemovedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(tombstone(db, ids).await?.len() as u64)
}

/// Marks the live Apps with `ids` removed, revokes every token and code they issued, and
/// forgets their secret and contact details; the row stays so that the key is never issued
/// again. Returns the Apps that were live (and are now tombstones).
async fn tombstone(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<Vec<app::Model>, ConsoleError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    grants::revoke_all_of_apps(db, ids.clone()).await?;
    code_grant::end_codes(db, ids.clone(), None).await?;
    let turned = app::Entity::update_many()
        .col_expr(app::Column::RemovedAt, Expr::value(now()))
        .col_expr(app::Column::SecretSealed, Expr::value(""))
        .col_expr(app::Column::AdminEmail, Expr::value(""))
        .col_expr(app::Column::AdminPhone, Expr::value(Option::<String>::None))
        .filter(app::Column::Id.is_in(ids))
        .filter(app::Column::RemovedAt.is_null())
        .exec_with_returning(db)
        .await?;
    Ok(turned)
}

/// Gives back `count` slots to each owner in one statement (`CASE id WHEN … THEN …`).
async fn release_slots(
    db: &impl ConnectionTrait,
    per_owner: &std::collections::BTreeMap<i64, i32>,
) -> Result<(), ConsoleError> {
    if per_owner.is_empty() {
        return Ok(());
    }
    let mut released = CaseStatement::new();
    for (owner_id, count) in per_owner {
        released = released.case(account::Column::Id.eq(*owner_id), Expr::val(*count));
    }
    account::Entity::update_many()
        .col_expr(
            account::Column::AppCount,
            Expr::col(account::Column::AppCount)
                .sub(Expr::Case(Box::new(released.finally(Expr::val(0))))),
        )
        .filter(account::Column::Id.is_in(per_owner.keys().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// The one answer for a key that names no live App, or one the caller may not touch: the
/// two cannot be told apart, so nobody learns which keys exist.
pub fn not_found() -> ConsoleError {
    ConsoleError::NotFound("There is no App with this key among yours.".into())
}

fn outside_scope() -> ConsoleError {
    not_found()
}

/// How the caller stands toward an App.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Its registering account is in the caller's scope: the caller manages it.
    InScope,
    /// Outside the scope, but it holds a grant of the caller's.
    Authorized,
    /// Neither.
    Outside,
}

/// The live App with `key` and its registering account; 404 when there is no such App.
pub async fn find_live(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<(app::Model, Option<account::Model>), ConsoleError> {
    let key = AppKey::parse(key).map_err(|_| not_found())?;
    app::Entity::find()
        .find_also_related(account::Entity)
        .filter(app::Column::Key.eq(key.as_str()))
        .filter(app::Column::RemovedAt.is_null())
        .one(db)
        .await?
        .ok_or_else(not_found)
}

/// The live App with `key` and how the caller stands toward it; 404 when there is none.
pub async fn standing(
    db: &impl ConnectionTrait,
    caller: &Caller,
    key: &str,
) -> Result<(app::Model, Standing), ConsoleError> {
    let (app, owner) = find_live(db, key).await?;
    let standing = if owner.is_some_and(|owner| caller.has_in_scope(&owner)) {
        Standing::InScope
    } else if grants::held_by(db, app.id, caller.account.id).await? {
        Standing::Authorized
    } else {
        Standing::Outside
    };
    Ok((app, standing))
}

/// The live App with `key` and its registering account, when that account is in the
/// caller's scope: 404 when there is no such App, and the same 404 when it is someone
/// else's.
pub async fn find_manageable(
    db: &impl ConnectionTrait,
    caller: &Caller,
    key: &str,
) -> Result<(app::Model, Option<account::Model>), ConsoleError> {
    match find_live(db, key).await? {
        (app, Some(owner)) if caller.has_in_scope(&owner) => Ok((app, Some(owner))),
        _ => Err(outside_scope()),
    }
}

fn fill(row: &mut app::ActiveModel, fields: AppFields) {
    row.name = Set(fields.name.as_str().to_owned());
    row.description = Set(fields.description.as_str().to_owned());
    row.homepage = Set(fields.homepage.as_str().to_owned());
    row.image_url = Set(fields.image_url.map(|url| url.as_str().to_owned()));
    row.admin_email = Set(fields.admin_email.as_str().to_owned());
    row.admin_phone = Set(fields.admin_phone.map(|phone| phone.as_str().to_owned()));
    row.trusted = Set(fields.trusted);
    row.redirect_url = Set(fields.redirect_url.as_str().to_owned());
}

fn details_of(app: app::Model, owner_login: Option<String>) -> AppDetails {
    AppDetails {
        api: app.api,
        form: AppForm {
            name: app.name,
            description: app.description,
            homepage: Homepage::from_stored(app.homepage).display(),
            image_url: app
                .image_url
                .map(|url| ImageUrl::from_stored(url).display())
                .unwrap_or_default(),
            admin_email: AdminEmail::from_stored(app.admin_email).display(),
            admin_phone: app.admin_phone.unwrap_or_default(),
            trusted: app.trusted.then(|| "on".to_owned()),
            redirect_url: RedirectUrl::from_stored(app.redirect_url).display(),
        },
        key: app.key,
        owner_login,
        suspended: app.suspended,
        created_at: utc_rfc3339(app.created_at),
        updated_at: utc_rfc3339(app.updated_at),
    }
}
