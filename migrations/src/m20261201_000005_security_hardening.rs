//! Issue 15, security hardening:
//! - each App has a secret generation (bumped by Regenerate) and a trust generation (bumped
//!   when it stops being trusted); every grant and code records the generations it was
//!   issued under, and a token, refresh token or code works only while they still match,
//!   so a token issued in a race with Regenerate or un-trusting is dead on arrival;
//! - `account.app_count` stays within 0..=1000, enforced by the database (a CHECK
//!   constraint on PostgreSQL; triggers on SQLite, whose ALTER TABLE cannot add one).
use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [App::SecretGeneration, App::TrustGeneration] {
            manager
                .alter_table(
                    Table::alter()
                        .table(App::Table)
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        for column in [TokenGrant::SecretGeneration, TokenGrant::TrustGeneration] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TokenGrant::Table)
                        .add_column(big_integer(column).default(0))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AuthorizationCode::Table)
                    .add_column(big_integer(AuthorizationCode::SecretGeneration).default(0))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        // Counts that the old Remove Selected pushed out of range are recounted first.
        db.execute_unprepared(
            "UPDATE account SET app_count = (SELECT COUNT(*) FROM app \
             WHERE app.owner_id = account.id AND app.removed_at IS NULL)",
        )
        .await?;
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("UPDATE account SET app_count = LEAST(app_count, 1000)")
                    .await?;
                db.execute_unprepared(
                    "ALTER TABLE account ADD CONSTRAINT account_app_count_range \
                     CHECK (app_count BETWEEN 0 AND 1000)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared("UPDATE account SET app_count = MIN(app_count, 1000)")
                    .await?;
                for event in ["INSERT", "UPDATE OF app_count"] {
                    let name = if event == "INSERT" {
                        "account_app_count_range_insert"
                    } else {
                        "account_app_count_range_update"
                    };
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {name} BEFORE {event} ON account \
                         WHEN NEW.app_count < 0 OR NEW.app_count > 1000 \
                         BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: app_count must be within 0 and 1000'); END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE account DROP CONSTRAINT account_app_count_range",
                )
                .await?;
            }
            _ => {
                for name in [
                    "account_app_count_range_insert",
                    "account_app_count_range_update",
                ] {
                    db.execute_unprepared(&format!("DROP TRIGGER {name}"))
                        .await?;
                }
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(AuthorizationCode::Table)
                    .drop_column(AuthorizationCode::SecretGeneration)
                    .to_owned(),
            )
            .await?;
        for column in [TokenGrant::SecretGeneration, TokenGrant::TrustGeneration] {
            manager
                .alter_table(
                    Table::alter()
                        .table(TokenGrant::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [App::SecretGeneration, App::TrustGeneration] {
            manager
                .alter_table(
                    Table::alter()
                        .table(App::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum App {
    Table,
    SecretGeneration,
    TrustGeneration,
}

#[derive(DeriveIden)]
enum TokenGrant {
    Table,
    SecretGeneration,
    TrustGeneration,
}

#[derive(DeriveIden)]
enum AuthorizationCode {
    Table,
    SecretGeneration,
}
