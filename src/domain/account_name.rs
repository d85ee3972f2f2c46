//! The display name of an account.
use serde::{Deserialize, Serialize};

use super::FieldError;

/// An account's name: 1–100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountName(String);

impl AccountName {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "name";

    /// Parses a typed name.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(FieldError::new(Self::FIELD, "Name is required."));
        }
        if value.chars().count() > 100 {
            return Err(FieldError::new(
                Self::FIELD,
                "Name must be at most 100 characters.",
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError::new(
                Self::FIELD,
                "Name may not hold control characters.",
            ));
        }
        Ok(Self(value.to_owned()))
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
