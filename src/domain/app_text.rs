//! The App's name and description, as users read them on the consent page and in tables.
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::text::bounded;

/// An App's name: 1–100 characters after trimming, on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppName(String);

impl AppName {
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

/// An App's description: optional, at most 2000 characters, line breaks allowed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppDescription(String);

impl AppDescription {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "description";

    /// Parses a typed description (empty is fine).
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        bounded(Self::FIELD, "Description", value, 2000, false, true).map(Self)
    }

    /// The description as stored; empty when there is none.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_follow_the_seed() {
        assert_eq!(AppName::parse(" MyApp ").unwrap().as_str(), "MyApp");
        assert_eq!(
            AppName::parse("Google Apps").unwrap().as_str(),
            "Google Apps"
        );
        assert_eq!(AppName::parse("").unwrap_err().message, "Name is required.");
        assert_eq!(
            AppName::parse(&"a".repeat(101)).unwrap_err().message,
            "Name must be at most 100 characters."
        );
        assert!(AppName::parse(&"ü".repeat(100)).is_ok());
        assert!(AppName::parse("two\nlines").is_err());
    }

    #[test]
    fn descriptions_are_optional_and_bounded() {
        assert_eq!(AppDescription::parse("  ").unwrap().as_str(), "");
        assert_eq!(
            AppDescription::parse("I love my App!\nReally.")
                .unwrap()
                .as_str(),
            "I love my App!\nReally."
        );
        assert!(AppDescription::parse(&"d".repeat(2000)).is_ok());
        let error = AppDescription::parse(&"d".repeat(2001)).unwrap_err();
        assert_eq!(error.field, "description");
        assert!(AppDescription::parse("bell\u{7}").is_err());
    }

    proptest! {
        #[test]
        fn accepted_values_are_trimmed_and_bounded(value in "\\PC{0,130}") {
            if let Ok(name) = AppName::parse(&value) {
                prop_assert_eq!(name.as_str(), name.as_str().trim());
                prop_assert!((1..=100).contains(&name.as_str().chars().count()));
            }
            let description = AppDescription::parse(&value).unwrap();
            prop_assert_eq!(description.as_str(), value.trim());
        }
    }
}
