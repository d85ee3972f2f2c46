//! Authorization codes (single use, hashed) and the refresh tokens a grant has rotated away
//! from, kept so that a replayed one can revoke its grant.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthorizationCode::Table)
                    .col(big_pk_auto(AuthorizationCode::Id))
                    .col(string_len_uniq(AuthorizationCode::CodeHash, 64))
                    .col(big_integer(AuthorizationCode::AppId))
                    .col(big_integer(AuthorizationCode::AccountId))
                    // The redirect URL the code was issued for, as registered then.
                    .col(text(AuthorizationCode::RedirectUri))
                    // The PKCE S256 challenge, when the App sent one.
                    .col(string_len_null(AuthorizationCode::CodeChallenge, 128))
                    .col(big_integer(AuthorizationCode::CreatedAt))
                    .col(big_integer(AuthorizationCode::ExpiresAt))
                    // Set when the code is exchanged; a second exchange is a replay.
                    .col(big_integer_null(AuthorizationCode::UsedAt))
                    // The grant the exchange produced: a replay revokes it.
                    .col(big_integer_null(AuthorizationCode::GrantId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuthorizationCode::Table, AuthorizationCode::AppId)
                            .to(App::Table, App::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuthorizationCode::Table, AuthorizationCode::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuthorizationCode::Table, AuthorizationCode::GrantId)
                            .to(TokenGrant::Table, TokenGrant::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            (
                "idx_authorization_code_account",
                AuthorizationCode::AccountId,
            ),
            ("idx_authorization_code_grant", AuthorizationCode::GrantId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuthorizationCode::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(RetiredRefresh::Table)
                    .col(string_len(RetiredRefresh::RefreshHash, 64).primary_key())
                    .col(big_integer(RetiredRefresh::GrantId))
                    // After this, the grant's refresh token would have expired anyway.
                    .col(big_integer(RetiredRefresh::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RetiredRefresh::Table, RetiredRefresh::GrantId)
                            .to(TokenGrant::Table, TokenGrant::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_retired_refresh_grant")
                    .table(RetiredRefresh::Table)
                    .col(RetiredRefresh::GrantId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RetiredRefresh::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuthorizationCode::Table).to_owned())
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
}

#[derive(DeriveIden)]
enum AuthorizationCode {
    Table,
    Id,
    CodeHash,
    AppId,
    AccountId,
    RedirectUri,
    CodeChallenge,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    GrantId,
}

#[derive(DeriveIden)]
enum RetiredRefresh {
    Table,
    RefreshHash,
    GrantId,
    ExpiresAt,
}
