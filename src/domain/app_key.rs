//! The App ID/key: the public identifier an App presents (OAuth `client_id`).
use serde::{Deserialize, Serialize};

use super::FieldError;

/// The characters of App keys and secrets: `A-Z a-z 0-9 - _ . ~` (66 of them).
pub const KEY_ALPHABET: &[u8; 66] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";

/// The length of App keys and secrets.
pub const KEY_LENGTH: usize = 32;

/// An App key: 32 characters of [`KEY_ALPHABET`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppKey(String);

impl AppKey {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "key";

    /// Parses a presented key.
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        if is_key_shaped(value) {
            Ok(Self(value.to_owned()))
        } else {
            Err(FieldError::new(
                Self::FIELD,
                "An App key is 32 characters of A-Z a-z 0-9 - _ . ~",
            ))
        }
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `value` has the shape of an App key or secret.
pub fn is_key_shaped(value: &str) -> bool {
    value.len() == KEY_LENGTH && value.bytes().all(|b| KEY_ALPHABET.contains(&b))
}

impl std::fmt::Display for AppKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_seed_examples_are_keys() {
        assert!(AppKey::parse("5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE").is_ok());
        assert!(AppKey::parse("z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ").is_ok());
        assert!(AppKey::parse("short").is_err());
        assert!(AppKey::parse("5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQ!").is_err());
        assert!(AppKey::parse("5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQEE").is_err());
    }

    proptest! {
        #[test]
        fn any_32_alphabet_characters_are_a_key(value in "[A-Za-z0-9._~-]{32}") {
            prop_assert!(AppKey::parse(&value).is_ok());
        }

        #[test]
        fn anything_else_is_not(value in "\\PC{0,40}") {
            let shaped = value.len() == 32 && value.bytes().all(|b| KEY_ALPHABET.contains(&b));
            prop_assert_eq!(AppKey::parse(&value).is_ok(), shaped);
        }
    }
}
