//! The display name of an account.
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::text::bounded;

/// An account's name: 1–100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountName(String);

impl AccountName {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "name";

    /// Parses a typed name.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        bounded(Self::FIELD, "Name", value, 100, true, false).map(Self)
    }

    /// The name as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_limits() {
        assert_eq!(
            AccountName::parse("  Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert_eq!(
            AccountName::parse("Łukasz 李").unwrap().as_str(),
            "Łukasz 李"
        );
        assert!(AccountName::parse("   ").is_err());
        assert!(AccountName::parse(&"x".repeat(101)).is_err());
        assert!(AccountName::parse(&"é".repeat(100)).is_ok());
        assert!(AccountName::parse("tab\there").is_err());
    }

    proptest! {
        #[test]
        fn accepted_names_are_trimmed_and_short(value in "\\PC{0,120}") {
            if let Ok(name) = AccountName::parse(&value) {
                prop_assert_eq!(name.as_str(), name.as_str().trim());
                prop_assert!((1..=100).contains(&name.as_str().chars().count()));
            }
        }
    }
}
