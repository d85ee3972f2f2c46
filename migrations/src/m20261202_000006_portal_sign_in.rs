//! Issue 16, sign-in from a portal: the `jti` of every portal token seen, kept until the token
//! expires, so each token signs in once; and the portal people, linked to their accounts by
//! the portal's (issuer, `sub`), never by login.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PortalTokenUse::Table)
                    .col(string_len(PortalTokenUse::Jti, 255).primary_key())
                    .col(big_integer(PortalTokenUse::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_portal_token_use_expires")
                    .table(PortalTokenUse::Table)
                    .col(PortalTokenUse::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PortalPerson::Table)
                    .col(big_pk_auto(PortalPerson::Id))
                    .col(string_len(PortalPerson::Issuer, 255))
                    .col(string_len(PortalPerson::Subject, 255))
                    .col(big_integer(PortalPerson::AccountId))
                    .col(big_integer(PortalPerson::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PortalPerson::Table, PortalPerson::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_portal_person_issuer_subject")
                    .table(PortalPerson::Table)
                    .col(PortalPerson::Issuer)
                    .col(PortalPerson::Subject)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_portal_person_account")
                    .table(PortalPerson::Table)
                    .col(PortalPerson::AccountId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PortalPerson::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PortalTokenUse::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum PortalTokenUse {
    Table,
    Jti,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum PortalPerson {
    Table,
    Id,
    Issuer,
    Subject,
    AccountId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}
