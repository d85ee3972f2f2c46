//! Apps (OAuth 2.0 clients) and the per-account count that enforces the 1000-Apps cap.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Kept beside the account so that "one more App" is a single conditional UPDATE,
        // which serialises racing registrations on SQLite and PostgreSQL alike.
        manager
            .alter_table(
                Table::alter()
                    .table(Account::Table)
                    .add_column(integer(Account::AppCount).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(App::Table)
                    .col(big_pk_auto(App::Id))
                    // Unique for ever: a removed App stays as a tombstone row.
                    .col(string_len_uniq(App::Key, 32))
                    // Null once the registering account is removed (the tombstone stays).
                    .col(big_integer_null(App::OwnerId))
                    .col(string_len(App::Api, 16))
                    .col(string_len(App::Name, 100))
                    .col(text(App::Description))
                    .col(text(App::Homepage))
                    .col(text_null(App::ImageUrl))
                    .col(string_len(App::AdminEmail, 320))
                    .col(string_len_null(App::AdminPhone, 32))
                    .col(boolean(App::Trusted))
                    .col(text(App::RedirectUrl))
                    // AES-256-GCM: "v1.<nonce>.<ciphertext>", base64; empty for a tombstone.
                    .col(string_len(App::SecretSealed, 160))
                    .col(boolean(App::Suspended).default(false))
                    .col(big_integer(App::CreatedAt))
                    .col(big_integer(App::UpdatedAt))
                    .col(big_integer_null(App::RemovedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(App::Table, App::OwnerId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_app_owner_api")
                    .table(App::Table)
                    .col(App::OwnerId)
                    .col(App::Api)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(App::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Account::Table)
                    .drop_column(Account::AppCount)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    AppCount,
}

#[derive(DeriveIden)]
enum App {
    Table,
    Id,
    Key,
    OwnerId,
    Api,
    Name,
    Description,
    Homepage,
    ImageUrl,
    AdminEmail,
    AdminPhone,
    Trusted,
    RedirectUrl,
    SecretSealed,
    Suspended,
    CreatedAt,
    UpdatedAt,
    RemovedAt,
}
