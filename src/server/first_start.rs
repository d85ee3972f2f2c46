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
/// from `APPWARD_ADMIN_PASSWORD`, or is generated and handed over once, never through the
/// log stream (see [`hand_over`]).
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
                hand_over(config, &password)?;
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

/// The file a generated Administrator password is written to when no terminal shows it.
pub const PASSWORD_FILE: &str = "initial-admin-password";

/// Hands the generated password over once, outside the log stream (no log format, file or
/// shipper keeps it): printed straight to the terminal when the server runs in one, else
/// written to [`PASSWORD_FILE`] in the data folder, readable by its owner only. The log says
/// where, never what.
fn hand_over(config: &Config, password: &str) -> Result<(), Box<dyn std::error::Error>> {
    use std::io::{IsTerminal, Write};
    if std::io::stderr().is_terminal() {
        let mut terminal = std::io::stderr().lock();
        writeln!(
            terminal,
            "\n  Created the Administrator 'admin' with the password: {password}\n  \
             It is shown only this once: keep it safe (`appward reset-password admin` sets a new one).\n"
        )?;
        tracing::warn!("created the Administrator 'admin'; its password is shown on the terminal");
        return Ok(());
    }
    // On PostgreSQL nothing else may have made the data folder yet.
    std::fs::create_dir_all(&config.data_dir)?;
    let file = config.data_dir.join(PASSWORD_FILE);
    // One left from an earlier database is stale: made anew, owner-only from the start.
    let _ = std::fs::remove_file(&file);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut handle = options.open(&file)?;
    writeln!(handle, "{password}")?;
    handle.sync_all()?;
    tracing::warn!(
        file = %file.display(),
        "created the Administrator 'admin'; its password is in this file, readable by its owner only: delete it once read"
    );
    Ok(())
}
