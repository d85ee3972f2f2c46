//! A new account's password, before it is hashed.
use super::FieldError;

/// A password of 8–128 characters. Deliberately not `Serialize` nor `Debug`-printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "password";

    /// Parses a password chosen for a new account.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let length = value.chars().count();
        if length < 8 {
            return Err(FieldError::new(
                Self::FIELD,
                "Password must be at least 8 characters.",
            ));
        }
        if length > 128 {
            return Err(FieldError::new(
                Self::FIELD,
                "Password must be at most 128 characters.",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(****)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse("long enough").is_ok());
        assert!(Password::parse(&"p".repeat(129)).is_err());
        assert_eq!(Password::parse("").unwrap_err().field, "password");
    }

    #[test]
    fn debug_never_shows_it() {
        let password = Password::parse("correct horse").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
