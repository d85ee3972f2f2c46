//! The four account levels and the rules between them (SPEC §1).
use serde::{Deserialize, Serialize};
use std::fmt;

use super::FieldError;

/// An account's level; the order is from the top (Administrator) down.
/// Stored through SeaORM as a number, 0 = Administrator … 3 = User.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    miniserde::Deserialize,
)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "i16", db_type = "SmallInteger"))]
pub enum AccountLevel {
    /// The one root account.
    #[cfg_attr(feature = "ssr", sea_orm(num_value = 0))]
    Administrator,
    /// Below the Administrator.
    #[cfg_attr(feature = "ssr", sea_orm(num_value = 1))]
    ServiceProvider,
    /// Below a Service Provider (or the Administrator).
    #[cfg_attr(feature = "ssr", sea_orm(num_value = 2))]
    Organization,
    /// The lowest level.
    #[cfg_attr(feature = "ssr", sea_orm(num_value = 3))]
    User,
}

impl AccountLevel {
    /// Every level, from the top down.
    pub const ALL: [AccountLevel; 4] = [
        AccountLevel::Administrator,
        AccountLevel::ServiceProvider,
        AccountLevel::Organization,
        AccountLevel::User,
    ];

    /// The name used in forms and requests.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::ServiceProvider => "service_provider",
            Self::Organization => "organization",
            Self::User => "user",
        }
    }

    /// Parses the `level` form field.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|level| level.as_str() == value.trim())
            .ok_or_else(|| FieldError::new("level", "Choose a level."))
    }

    /// Whether `self` is strictly higher than `other`.
    pub fn is_above(self, other: AccountLevel) -> bool {
        self < other
    }

    /// The levels an account of this level may create: every level below its own.
    pub fn creatable(self) -> impl Iterator<Item = AccountLevel> {
        Self::ALL
            .into_iter()
            .filter(move |level| self.is_above(*level))
    }

    /// Whether an account of level `self` may create an account of level `new` under a
    /// parent of level `parent` (the parent is the creator itself or in its scope).
    pub fn may_create(self, new: AccountLevel, parent: AccountLevel) -> bool {
        new != AccountLevel::Administrator && self.is_above(new) && parent.is_above(new)
    }
}

impl fmt::Display for AccountLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Administrator => "Administrator",
            Self::ServiceProvider => "Service Provider",
            Self::Organization => "Organization",
            Self::User => "User",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::AccountLevel::*;
    use super::*;

    #[test]
    fn levels_are_ordered_from_the_top() {
        assert!(Administrator.is_above(ServiceProvider));
        assert!(ServiceProvider.is_above(Organization));
        assert!(Organization.is_above(User));
        assert!(!User.is_above(User));
        assert!(!User.is_above(Organization));
    }

    #[test]
    fn an_account_creates_only_below_itself_and_its_parent() {
        assert!(Administrator.may_create(ServiceProvider, Administrator));
        assert!(Administrator.may_create(User, Organization));
        assert!(ServiceProvider.may_create(User, ServiceProvider));
        assert!(!ServiceProvider.may_create(ServiceProvider, Administrator));
        assert!(!Organization.may_create(ServiceProvider, Organization));
        assert!(!Organization.may_create(Organization, Organization));
        assert!(!Administrator.may_create(Organization, Organization));
        assert!(!User.may_create(User, User));
        assert!(!Administrator.may_create(Administrator, Administrator));
    }

    #[test]
    fn creatable_levels_are_those_below() {
        assert_eq!(Organization.creatable().collect::<Vec<_>>(), vec![User]);
        assert_eq!(User.creatable().count(), 0);
        assert_eq!(Administrator.creatable().count(), 3);
    }

    #[test]
    fn names_round_trip() {
        for level in AccountLevel::ALL {
            assert_eq!(AccountLevel::parse(level.as_str()), Ok(level));
        }
        assert_eq!(AccountLevel::parse("root").unwrap_err().field, "level");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn stored_numbers_keep_the_order_from_the_top() {
        use sea_orm::ActiveEnum;
        let stored: Vec<i16> = AccountLevel::ALL
            .iter()
            .map(|level| level.to_value())
            .collect();
        assert_eq!(stored, vec![0, 1, 2, 3]);
        assert!(AccountLevel::try_from_value(&9).is_err());
    }
}
