//! RFC 6749 §5.2 error responses.
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::ConsoleError;

/// An OAuth error: its RFC code, a description for the App's developer, and the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unauthorized_client`,
    /// `unsupported_grant_type`, `invalid_scope`, or `server_error`.
    pub code: &'static str,
    /// What is wrong, in words.
    pub description: String,
    /// Seconds to wait, when the App is being slowed down (HTTP 429).
    pub retry_after: Option<u64>,
}

impl OAuthError {
    fn new(code: &'static str, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            retry_after: None,
        }
    }

    /// The request is malformed.
    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new("invalid_request", description)
    }

    /// The App could not be authenticated.
    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new("invalid_client", description)
    }

    /// The code or refresh token is unknown, expired, used or revoked.
    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new("invalid_grant", description)
    }

    /// The App may not use this grant.
    pub fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::new("unauthorized_client", description)
    }

    /// The grant type is not one Appward issues.
    pub fn unsupported_grant_type(description: impl Into<String>) -> Self {
        Self::new("unsupported_grant_type", description)
    }

    /// The authorization request asked for something other than a code.
    pub fn unsupported_response_type(description: impl Into<String>) -> Self {
        Self::new("unsupported_response_type", description)
    }

    /// Too many failed authentications of this App: 429 with `Retry-After`.
    pub fn too_many_failures(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                "invalid_client",
                format!("Too many failed attempts for this App. Try again in {retry_after} s."),
            )
        }
    }

    /// The HTTP status: 429 when slowed down, 401 for a failed client authentication, 500
    /// for a fault, else 400.
    pub fn status(&self) -> StatusCode {
        if self.retry_after.is_some() {
            return StatusCode::TOO_MANY_REQUESTS;
        }
        match self.code {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            "server_error" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<ConsoleError> for OAuthError {
    fn from(error: ConsoleError) -> Self {
        // Faults are logged where they happen; the App learns only that there was one.
        let _ = error;
        Self::new(
            "server_error",
            "The server could not answer. Try again later.",
        )
    }
}

impl From<sea_orm::DbErr> for OAuthError {
    fn from(error: sea_orm::DbErr) -> Self {
        ConsoleError::from(error).into()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (
            status,
            Json(json!({ "error": self.code, "error_description": self.description })),
        )
            .into_response();
        let headers = response.headers_mut();
        super::no_store(headers);
        if let Some(retry_after) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"appward\", charset=\"UTF-8\""),
            );
        }
        response
    }
}
