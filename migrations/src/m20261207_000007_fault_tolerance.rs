//! Issue 26, when something goes wrong: the health check's row (the readiness probe writes it
//! through the grant writer, so "ready" means "can be written"), and the indexes that let
//! housekeeping find expired grants, codes, retired refresh tokens and idle sessions without
//! reading a whole table.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes this migration adds: (name, table, columns).
fn indexes() -> Vec<(&'static str, DynIden, Vec<DynIden>)> {
    vec![
        (
            "idx_token_grant_expiry",
            TokenGrant::Table.into_iden(),
            vec![
                TokenGrant::RefreshExpiresAt.into_iden(),
                TokenGrant::AccessExpiresAt.into_iden(),
            ],
        ),
        (
            "idx_token_grant_app_secret_generation",
            TokenGrant::Table.into_iden(),
            vec![
                TokenGrant::AppId.into_iden(),
                TokenGrant::SecretGeneration.into_iden(),
            ],
        ),
        (
            "idx_authorization_code_expires",
            AuthorizationCode::Table.into_iden(),
            vec![AuthorizationCode::ExpiresAt.into_iden()],
        ),
        (
            "idx_retired_refresh_expires",
            RetiredRefresh::Table.into_iden(),
            vec![RetiredRefresh::ExpiresAt.into_iden()],
        ),
        (
            "idx_session_last_seen",
            Session::Table.into_iden(),
            vec![Session::LastSeenAt.into_iden()],
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(HealthCheck::Table)
                    .col(big_integer(HealthCheck::Id).primary_key())
                    .col(big_integer(HealthCheck::CheckedAt))
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in indexes() {
            let mut index = Index::create();
            index.name(name).table(table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in indexes() {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(HealthCheck::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum HealthCheck {
    Table,
    Id,
    CheckedAt,
}

#[derive(DeriveIden)]
enum TokenGrant {
    Table,
    AppId,
    SecretGeneration,
    AccessExpiresAt,
    RefreshExpiresAt,
}

#[derive(DeriveIden)]
enum AuthorizationCode {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum RetiredRefresh {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    LastSeenAt,
}
