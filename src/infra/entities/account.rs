//! An account of the platform.
use sea_orm::entity::prelude::*;

/// A row of `account`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub login: String,
    pub name: String,
    pub level: crate::domain::AccountLevel,
    pub parent_id: Option<i64>,
    /// Ids of the ancestors and the account itself, `"1/5/9/"`.
    pub scope_path: String,
    pub password_hash: String,
    pub created_at: i64,
    /// How many live Apps it has registered (at most 1000).
    pub app_count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
