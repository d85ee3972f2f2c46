//! A refresh token a grant has rotated away from: presenting it again revokes the grant.
use sea_orm::entity::prelude::*;

/// A row of `retired_refresh`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retired_refresh")]
pub struct Model {
    /// Digest of the dead refresh token (`crypto::token_digest`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub refresh_hash: String,
    pub grant_id: i64,
    /// When the refresh token would have expired; the row may be forgotten after it.
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
