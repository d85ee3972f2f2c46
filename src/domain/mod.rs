//! Validated values shared by the browser and the server: parse, don't validate.
//!
//! Each type has one parsing constructor whose error names the form field, so the
//! same code gives instant feedback in the browser and is the authority on the server.

mod account_level;
mod account_name;
mod admin_contact;
mod api_kind;
mod app_form;
mod app_key;
mod app_text;
mod app_url;
mod confusables;
pub mod idn;
mod login;
mod password;
mod text;

pub use account_level::AccountLevel;
pub use account_name::AccountName;
pub use admin_contact::{AdminEmail, AdminPhone};
pub use api_kind::ApiKind;
pub use app_form::{AppFields, AppForm, check_app_field};
pub use app_key::{AppKey, KEY_ALPHABET, KEY_LENGTH, is_key_shaped};
pub use app_text::{AppDescription, AppName};
pub use app_url::{Homepage, ImageUrl, RedirectUrl};
pub use login::Login;
pub use password::Password;

use crate::error::ConsoleError;

/// Why a value typed into one form field was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field, as named in requests (`login`, `name`, …).
    pub field: &'static str,
    /// What is wrong, in words for the user.
    pub message: String,
}

impl FieldError {
    /// A refusal of `field`'s value.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl From<FieldError> for ConsoleError {
    fn from(error: FieldError) -> Self {
        ConsoleError::invalid(error.field, error.message)
    }
}
