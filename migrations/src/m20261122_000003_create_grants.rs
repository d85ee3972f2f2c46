//! Grants: an access token and the refresh token issued beside it, stored as hashes only.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TokenGrant::Table)
                    .col(big_pk_auto(TokenGrant::Id))
                    .col(big_integer(TokenGrant::AppId))
                    // The account the tokens act for: the user, or the App's owner.
                    .col(big_integer(TokenGrant::AccountId))
                    // `authorization_code` or `client_credentials`.
                    .col(string_len(TokenGrant::Kind, 24))
                    .col(string_len_uniq(TokenGrant::AccessHash, 64))
                    .col(big_integer(TokenGrant::AccessExpiresAt))
                    .col(string_len_null(TokenGrant::RefreshHash, 64).unique_key())
                    .col(big_integer_null(TokenGrant::RefreshExpiresAt))
                    .col(big_integer(TokenGrant::CreatedAt))
                    .col(big_integer(TokenGrant::LastUsedAt))
                    .col(string_len(TokenGrant::UserAgent, 512))
                    .col(string_len(TokenGrant::ClientAddr, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TokenGrant::Table, TokenGrant::AppId)
                            .to(App::Table, App::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TokenGrant::Table, TokenGrant::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_token_grant_app_account")
                    .table(TokenGrant::Table)
                    .col(TokenGrant::AppId)
                    .col(TokenGrant::AccountId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_token_grant_account")
                    .table(TokenGrant::Table)
                    .col(TokenGrant::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TokenGrant::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum App {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum TokenGrant {
    Table,
    Id,
    AppId,
    AccountId,
    Kind,
    AccessHash,
    AccessExpiresAt,
    RefreshHash,
    RefreshExpiresAt,
    CreatedAt,
    LastUsedAt,
    UserAgent,
    ClientAddr,
}
