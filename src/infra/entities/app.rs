//! A registered App (an OAuth 2.0 client), or the tombstone of a removed one.
use sea_orm::entity::prelude::*;

/// A row of `app`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The App ID/key, unique for ever.
    #[sea_orm(unique)]
    pub key: String,
    /// The registering account; none once that account is removed.
    pub owner_id: Option<i64>,
    pub api: crate::domain::ApiKind,
    pub name: String,
    pub description: String,
    /// Normalised (host in punycode).
    pub homepage: String,
    pub image_url: Option<String>,
    /// Domain in punycode.
    pub admin_email: String,
    pub admin_phone: Option<String>,
    pub trusted: bool,
    /// Normalised; compared byte for byte at `/oauth/authorize`.
    pub redirect_url: String,
    /// The secret, sealed with AES-256-GCM (see `infra::secret_box`); never in clear.
    pub secret_sealed: String,
    pub suspended: bool,
    pub created_at: i64,
    /// When the App was last saved ("Configured").
    pub updated_at: i64,
    /// When the App was removed; a removed App is a tombstone that keeps its key reserved.
    pub removed_at: Option<i64>,
    /// Bumped by Regenerate: grants and codes issued under an older generation are dead.
    pub secret_generation: i64,
    /// Bumped when the App stops being trusted: client-credentials grants issued under an
    /// older generation are dead.
    pub trust_generation: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::OwnerId",
        to = "super::account::Column::Id",
        on_delete = "SetNull"
    )]
    Owner,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Owner.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
