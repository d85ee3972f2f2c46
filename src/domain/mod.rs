//! Validated values shared by the browser and the server: parse, don't validate.
//!
//! Each type has one parsing constructor whose error names the form field, so the
//! same code gives instant feedback in the browser and is the authority on the server.

mod account_level;
mod account_name;
mod login;
mod password;

pub use account_level::AccountLevel;
pub use account_name::AccountName;
pub use login::Login;
pub use password::Password;

use crate::error::AppError;

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

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::invalid(error.field, error.message)
    }
}
