//! An authorization code: single use, ten minutes, stored as its SHA-256 only.
use sea_orm::entity::prelude::*;

/// A row of `authorization_code`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "authorization_code")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// SHA-256 of the code.
    #[sea_orm(unique)]
    pub code_hash: String,
    pub app_id: i64,
    /// The account that allowed the App.
    pub account_id: i64,
    /// The redirect URL the code was issued for.
    pub redirect_uri: String,
    /// The PKCE S256 challenge, when the App sent one.
    pub code_challenge: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    /// When the code was exchanged.
    pub used_at: Option<i64>,
    /// The grant the exchange produced.
    pub grant_id: Option<i64>,
    /// The App's secret generation when the code was issued; it works only while equal.
    pub secret_generation: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
