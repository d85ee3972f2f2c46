//! The tables of portal sign-in.

/// `portal_token_use`: the `jti` of each portal token that signed someone in, until it expires.
pub mod portal_token_use {
    use sea_orm::entity::prelude::*;

    /// A row of `portal_token_use`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "portal_token_use")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub jti: String,
        pub expires_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// `portal_person`: a portal's person (issuer, `sub`) and the account they sign in as.
pub mod portal_person {
    use sea_orm::entity::prelude::*;

    /// A row of `portal_person`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "portal_person")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub issuer: String,
        pub subject: String,
        pub account_id: i64,
        pub created_at: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
