//! Why the configuration could not be read.

/// A variable that is set but cannot be understood.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    /// The environment variable.
    pub variable: &'static str,
    /// What is wrong with its value.
    pub message: String,
}
