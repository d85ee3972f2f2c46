//! Account storage and the rules of SPEC §1, enforced on the server.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    SqlErr,
};
use std::collections::HashMap;

use super::ScopePath;
use super::model::{AccountRow, NewAccount};

use crate::error::ConsoleError;
use crate::infra::entities::account;
use crate::infra::{ServerState, crypto, now};
use crate::session::service::Caller;

/// The most accounts the Accounts page lists at once.
const LIST_LIMIT: u64 = 1000;

impl Caller {
    /// The caller's scope.
    pub fn scope(&self) -> ScopePath {
        ScopePath::from_stored(self.account.scope_path.clone())
    }

    /// Whether `account` is in the caller's scope.
    pub fn has_in_scope(&self, account: &account::Model) -> bool {
        self.scope()
            .contains(&ScopePath::from_stored(account.scope_path.clone()))
    }
}

/// Every account in the caller's scope, the caller first, then in tree order.
#[tracing::instrument(skip_all, fields(caller = caller.account.id))]
pub async fn list(state: &ServerState, caller: &Caller) -> Result<Vec<AccountRow>, ConsoleError> {
    let accounts = account::Entity::find()
        .filter(account::Column::ScopePath.starts_with(caller.scope().as_str()))
        .order_by_asc(account::Column::ScopePath)
        .paginate(&state.db, LIST_LIMIT)
        .fetch_page(0)
        .await?;
    let mut logins: HashMap<i64, String> =
        accounts.iter().map(|a| (a.id, a.login.clone())).collect();
    if let Some(parent_id) = caller.account.parent_id
        && let Some(parent) = account::Entity::find_by_id(parent_id)
            .one(&state.db)
            .await?
    {
        logins.insert(parent.id, parent.login);
    }
    Ok(accounts
        .into_iter()
        .filter_map(|a| row(a, &logins))
        .collect())
}

fn row(account: account::Model, logins: &HashMap<i64, String>) -> Option<AccountRow> {
    Some(AccountRow {
        level: account.level,
        parent_login: account.parent_id.and_then(|id| logins.get(&id).cloned()),
        parent_id: account.parent_id,
        id: account.id,
        login: account.login,
        name: account.name,
    })
}

/// Creates `new` under its parent (the caller when none is named), as SPEC §1 allows.
#[tracing::instrument(skip_all, fields(caller = caller.account.id, level = ?new.level))]
pub async fn create(
    state: &ServerState,
    caller: &Caller,
    new: NewAccount,
) -> Result<AccountRow, ConsoleError> {
    let parent = match new.parent {
        None => caller.account.clone(),
        Some(id) => account::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .filter(|parent| caller.has_in_scope(parent))
            .ok_or_else(|| {
                ConsoleError::Forbidden("The parent account is not in your scope.".into())
            })?,
    };
    let parent_level = parent.level;
    if !caller.level.may_create(new.level, parent_level) {
        return Err(ConsoleError::Forbidden(format!(
            "A {} may create only accounts of a lower level, under a parent of a higher level than the new account's.",
            caller.level
        )));
    }
    // Hashing is slow and needs no transaction: do it before opening one.
    let password_hash =
        crypto::hash_password(&state.password_gate, new.password.expose().to_owned()).await?;
    let parent_path = ScopePath::from_stored(parent.scope_path.clone());
    let logins = HashMap::from([(parent.id, parent.login.clone())]);
    let inserted = crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, |txn| {
        Box::pin(async move {
            let created = account::ActiveModel {
                login: Set(new.login.as_str().to_owned()),
                name: Set(new.name.as_str().to_owned()),
                level: Set(new.level),
                parent_id: Set(Some(parent.id)),
                scope_path: Set(String::new()),
                password_hash: Set(password_hash),
                created_at: Set(now()),
                ..Default::default()
            }
            .insert(txn)
            .await
            .map_err(|error| match error.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(_)) => ConsoleError::Conflict(format!(
                    "The login {} is taken. Choose another.",
                    new.login.as_str()
                )),
                _ => error.into(),
            })?;
            let path = parent_path.child(created.id);
            let mut created: account::ActiveModel = created.into();
            created.scope_path = Set(path.as_str().to_owned());
            Ok(created.update(txn).await?)
        })
    })
    .await?;
    tracing::info!(account_id = inserted.id, "account created");
    row(inserted, &logins).ok_or(ConsoleError::Internal)
}

/// Removes an account of the caller's scope that has no accounts below it; its sessions
/// go with it, and its Apps become tombstones (later, with their tokens).
#[tracing::instrument(skip_all, fields(caller = caller.account.id, account = id))]
pub async fn remove(state: &ServerState, caller: &Caller, id: i64) -> Result<(), ConsoleError> {
    let target = account::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ConsoleError::NotFound("There is no such account.".into()))?;
    if !caller.has_in_scope(&target) {
        return Err(ConsoleError::Forbidden(
            "This account is not in your scope.".into(),
        ));
    }
    if target.id == caller.account.id {
        return Err(ConsoleError::Forbidden(
            "You cannot remove your own account.".into(),
        ));
    }
    let children = account::Entity::find()
        .filter(account::Column::ParentId.eq(target.id))
        .count(&state.db)
        .await?;
    if children > 0 {
        return Err(ConsoleError::Conflict(format!(
            "{} has {} below it. Remove those first.",
            target.login,
            crate::components::counted(children, "account", "accounts")
        )));
    }
    let target_id = target.id;
    crate::infra::db::write_transaction::<_, ConsoleError, _>(&state.db, |txn| {
        Box::pin(async move {
            // Its Apps become tombstones (their keys stay reserved); the foreign key
            // then detaches them from the account.
            crate::apps::service::tombstone_apps_of(txn, target_id).await?;
            account::Entity::delete_by_id(target_id)
                .exec(txn)
                .await
                .map_err(|error| match error.sql_err() {
                    Some(SqlErr::ForeignKeyConstraintViolation(_)) => ConsoleError::Conflict(
                        "An account was just created below it. Remove that one first.".into(),
                    ),
                    _ => error.into(),
                })?;
            Ok(())
        })
    })
    .await?;
    tracing::info!("account removed");
    Ok(())
}
