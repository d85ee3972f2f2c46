//! Issue 29, portal sign-in hardened: a session started by the portal is marked, so that it
//! ends after a lifetime of its own (`APPWARD_PORTAL_SESSION_TTL`, shorter than a password
//! session's: on a shared computer the next portal user must not find the last one's
//! console open).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .add_column(boolean(Session::FromPortal).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Session::Table)
                    .drop_column(Session::FromPortal)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Session {
    Table,
    FromPortal,
}
