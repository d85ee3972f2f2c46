//! The login name an account signs in with.
use serde::{Deserialize, Serialize};

use super::FieldError;

/// A login name: 3–64 characters from `a-z 0-9 . _ - @`, starting with a letter or digit,
/// compared and stored in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Login(String);

impl Login {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "login";

    /// The form a typed login is compared and stored in: trimmed, in ASCII lower case. Only
    /// ASCII: the letters allowed are a-z, and full Unicode folding would turn look-alikes
    /// into them (the Kelvin sign K into k).
    pub fn normalise(value: &str) -> String {
        value.trim().to_ascii_lowercase()
    }

    /// Parses a typed login name.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let value = Self::normalise(value);
        let error = |message: &str| Err(FieldError::new(Self::FIELD, message));
        if value.is_empty() {
            return error("Login is required.");
        }
        if value.chars().count() < 3 || value.len() > 64 {
            return error("Login must be 3 to 64 characters long.");
        }
        if !value.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return error("Login must start with a letter or a digit.");
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
        {
            return error("Login may hold only letters a-z, digits and . _ - @");
        }
        Ok(Self(value))
    }

    /// The normalised login name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(
            Login::parse("  Alice.Smith ").unwrap().as_str(),
            "alice.smith"
        );
        assert_eq!(Login::parse("admin").unwrap().as_str(), "admin");
        assert!(Login::parse("a@b-c_d").is_ok());
    }

    #[test]
    fn refuses_with_the_field_named() {
        // "\u{212A}elvin" starts with the Kelvin sign, whose Unicode lower case is an ASCII k.
        for bad in [
            "",
            "ab",
            "-abc",
            "has space",
            "ünï",
            "\u{212A}elvin",
            &"a".repeat(65),
        ] {
            let error = Login::parse(bad).unwrap_err();
            assert_eq!(error.field, "login", "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_accepted_values_are_normal(value in "\\PC{0,80}") {
            if let Ok(login) = Login::parse(&value) {
                prop_assert_eq!(Login::parse(login.as_str()).unwrap(), login.clone());
                prop_assert!(login.as_str().len() <= 64);
            }
        }
    }
}
