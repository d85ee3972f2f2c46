//! What the first start of a new deployment creates: the Administrator `admin`.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

use crate::domain::AccountLevel;
use crate::infra::config::Config;
use crate::infra::crypto;
use crate::infra::entities::account;

/// Creates the Administrator `admin` unless an Administrator exists. Its password comes
/// from `APPWARD_ADMIN_PASSWORD`, or is generated and printed once to the log.
pub async fn ensure_administrator(
    db: &DatabaseConnection,
    config: &Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let existing = account::Entity::find()
        .filter(account::Column::Level.eq(AccountLevel::Administrator))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(());
    }
    let (password, generated) = match &config.admin_password {
        Some(password) => (password.clone(), false),
        None => (crypto::random_token()[..20].to_owned(), true),
    };
    let hash = crypto::hash_password(&crypto::PasswordGate::new(1, 0), password.clone()).await?;
    // The row and its scope path are written in one transaction: a crash between the two
    // cannot leave an Administrator without a scope.
    let inserted = db
        .transaction::<_, (), DbErr>(|txn| {
            Box::pin(async move {
                let admin = account::ActiveModel {
                    login: Set("admin".into()),
                    name: Set("Administrator".into()),
                    level: Set(AccountLevel::Administrator),
                    parent_id: Set(None),
                    scope_path: Set(String::new()),
                    password_hash: Set(hash),
                    created_at: Set(crate::infra::now()),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                let mut admin: account::ActiveModel = admin.into();
                let id = *admin.id.as_ref();
                admin.scope_path = Set(format!("{id}/"));
                admin.update(txn).await?;
                Ok(())
            })
        })
        .await;
    match inserted {
        Ok(()) => {
            if generated {
                // Printed once, on purpose: nobody could sign in otherwise.
                tracing::warn!(
                    "created the Administrator 'admin' with the generated password: {password}"
                );
            } else {
                tracing::info!("created the Administrator 'admin'");
            }
            Ok(())
        }
        // Another instance created it at the same moment.
        Err(_)
            if account::Entity::find()
                .filter(account::Column::Login.eq("admin"))
                .one(db)
                .await?
                .is_some() =>
        {
            Ok(())
        }
        Err(error) => Err(error.into()),
    }
}
