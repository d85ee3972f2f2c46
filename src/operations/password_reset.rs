//! `appward reset-password LOGIN`: a new password for an account (a lost Administrator
//! password, most often), and every session of that account ended. The password is never
//! logged: the command prints it itself, on its standard output, once.
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use super::Failure;
use crate::domain::Password;
use crate::infra::entities::{account, session};
use crate::infra::{Config, crypto, db};

/// What a reset did.
#[derive(Debug)]
pub struct Reset {
    /// How many sessions of the account ended.
    pub sessions_ended: u64,
}

/// A new random password of 20 characters (about 120 bits).
pub fn generated_password() -> String {
    crypto::random_token()[..20].to_owned()
}

/// Sets the password of `login` to `password` and ends its sessions, in one transaction.
/// The database must be at this binary's migration level.
pub async fn reset(config: &Config, login: &str, password: &str) -> Result<Reset, Failure> {
    let password = Password::parse(password).map_err(|error| error.message)?;
    super::database_check::require_current(config).await?;
    let db = db::open(config).await?;
    let Some(found) = account::Entity::find()
        .filter(account::Column::Login.eq(login))
        .one(&db)
        .await?
    else {
        return Err(format!("there is no account with the login '{login}'").into());
    };
    let hash = crypto::hash_password(
        &crypto::PasswordGate::new(1, 0),
        password.expose().to_owned(),
    )
    .await
    .map_err(|_| "the password could not be hashed")?;
    let sessions_ended = db::write_transaction(&db, |txn| {
        Box::pin(async move {
            let mut changed: account::ActiveModel = found.clone().into();
            changed.password_hash = Set(hash);
            sea_orm::ActiveModelTrait::update(changed, txn).await?;
            let ended = session::Entity::delete_many()
                .filter(session::Column::AccountId.eq(found.id))
                .exec(txn)
                .await?;
            Ok::<_, sea_orm::DbErr>(ended.rows_affected)
        })
    })
    .await?;
    let _ = db.close().await;
    tracing::info!(
        login,
        sessions_ended,
        "password reset by `appward reset-password`"
    );
    Ok(Reset { sessions_ended })
}
