//! A grant: an access token and the refresh token issued beside it (hashes only).
use sea_orm::entity::prelude::*;

/// A row of `token_grant`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "token_grant")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub app_id: i64,
    /// The account the tokens act for: the user who allowed the App, or the App's owner.
    pub account_id: i64,
    /// `authorization_code` or `client_credentials`.
    pub kind: String,
    /// Digest of the access token (`crypto::token_digest`).
    #[sea_orm(unique)]
    pub access_hash: String,
    pub access_expires_at: i64,
    /// Digest of the refresh token (none for client credentials).
    #[sea_orm(unique)]
    pub refresh_hash: Option<String>,
    pub refresh_expires_at: Option<i64>,
    pub created_at: i64,
    /// Written at most once a minute: checking a token is a read.
    pub last_used_at: i64,
    pub user_agent: String,
    pub client_addr: String,
    /// The App's secret generation when the grant was issued; it works only while equal.
    pub secret_generation: i64,
    /// The App's trust generation when the grant was issued (client credentials).
    pub trust_generation: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::app::Entity",
        from = "Column::AppId",
        to = "super::app::Column::Id",
        on_delete = "Cascade"
    )]
    App,
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id",
        on_delete = "Cascade"
    )]
    Account,
}

impl Related<super::app::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::App.def()
    }
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
