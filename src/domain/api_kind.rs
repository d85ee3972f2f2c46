//! The API an App is registered under: SystemAPI (SOAP) or UnifiedAPI (REST).
use serde::{Deserialize, Serialize};

use super::FieldError;

/// The switch an App is registered under; fixed once the App exists.
/// Stored as its `as_str` spelling through SeaORM (a test holds the two together).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, miniserde::Deserialize,
)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum ApiKind {
    /// SystemAPI: SOAP at `/soap2/`.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "system"))]
    SystemApi,
    /// UnifiedAPI: JSON at `/uapi/`.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "unified"))]
    UnifiedApi,
}

impl ApiKind {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "api";
    /// Both, in the order the switch shows them.
    pub const ALL: [ApiKind; 2] = [ApiKind::SystemApi, ApiKind::UnifiedApi];

    /// The value in forms, URLs and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SystemApi => "system",
            Self::UnifiedApi => "unified",
        }
    }

    /// The name users read.
    pub fn label(self) -> &'static str {
        match self {
            Self::SystemApi => "SystemAPI",
            Self::UnifiedApi => "UnifiedAPI",
        }
    }

    /// Parses a form, URL or stored value (`system`/`unified`, or the label).
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        match value.trim() {
            "system" | "SystemAPI" => Ok(Self::SystemApi),
            "unified" | "UnifiedAPI" => Ok(Self::UnifiedApi),
            _ => Err(FieldError::new(
                Self::FIELD,
                "API must be SystemAPI or UnifiedAPI.",
            )),
        }
    }
}

impl std::fmt::Display for ApiKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_round_trip() {
        for kind in ApiKind::ALL {
            assert_eq!(ApiKind::parse(kind.as_str()).unwrap(), kind);
            assert_eq!(ApiKind::parse(kind.label()).unwrap(), kind);
        }
        assert_eq!(ApiKind::parse("rest").unwrap_err().field, "api");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_stored_spelling_is_the_url_spelling() {
        use sea_orm::ActiveEnum;
        for kind in ApiKind::ALL {
            assert_eq!(kind.to_value(), kind.as_str());
            assert_eq!(
                ApiKind::try_from_value(&kind.as_str().to_owned()).unwrap(),
                kind
            );
        }
    }
}
