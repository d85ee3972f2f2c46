//! Accounts (four levels, each below a parent) and their console sessions.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Account::Table)
                    .col(big_pk_auto(Account::Id))
                    .col(string_len_uniq(Account::Login, 64))
                    .col(string_len(Account::Name, 100))
                    .col(small_integer(Account::Level))
                    .col(big_integer_null(Account::ParentId))
                    // Ids of the account's ancestors and itself, "1/5/9/": a scope is a prefix.
                    .col(string_len(Account::ScopePath, 255))
                    .col(string_len(Account::PasswordHash, 255))
                    .col(big_integer(Account::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Account::Table, Account::ParentId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_scope_path")
                    .table(Account::Table)
                    .col(Account::ScopePath)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_account_parent")
                    .table(Account::Table)
                    .col(Account::ParentId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(string_len(Session::IdHash, 64).primary_key())
                    .col(big_integer(Session::AccountId))
                    .col(big_integer(Session::CreatedAt))
                    .col(big_integer(Session::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Session::Table, Session::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_session_account")
                    .table(Session::Table)
                    .col(Session::AccountId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Session::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Account::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Login,
    Name,
    Level,
    ParentId,
    ScopePath,
    PasswordHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    IdHash,
    AccountId,
    CreatedAt,
    LastSeenAt,
}
