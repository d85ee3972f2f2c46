//! Why a value typed into one form field was refused.
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
