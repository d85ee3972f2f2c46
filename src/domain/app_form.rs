//! The Add App / edit form (SPEC §2): what is typed, and what it becomes once checked.
use serde::{Deserialize, Serialize};

use super::{
    AdminEmail, AdminPhone, AppDescription, AppName, FieldError, Homepage, ImageUrl, RedirectUrl,
};

/// The App form as typed: every field a string, named as in requests (`form[name]`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, miniserde::Deserialize)]
// A field left out of a post (an unticked box) is empty.
#[serde(default)]
pub struct AppForm {
    /// Name *
    pub name: String,
    /// Description
    pub description: String,
    /// Homepage *
    pub homepage: String,
    /// Image URL
    pub image_url: String,
    /// Admin email *
    pub admin_email: String,
    /// Admin phone
    pub admin_phone: String,
    /// App is trusted: present (any value but `false`) when ticked.
    pub trusted: Option<String>,
    /// Redirect URL *
    pub redirect_url: String,
}

/// The App form, checked: what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFields {
    /// Name.
    pub name: AppName,
    /// Description (possibly empty).
    pub description: AppDescription,
    /// Homepage.
    pub homepage: Homepage,
    /// Image URL.
    pub image_url: Option<ImageUrl>,
    /// Admin email.
    pub admin_email: AdminEmail,
    /// Admin phone.
    pub admin_phone: Option<AdminPhone>,
    /// App is trusted.
    pub trusted: bool,
    /// Redirect URL.
    pub redirect_url: RedirectUrl,
}

impl TryFrom<&AppForm> for AppFields {
    type Error = FieldError;

    /// Checks the fields in the form's order; the first refusal names its field.
    fn try_from(form: &AppForm) -> Result<Self, Self::Error> {
        Ok(Self {
            name: AppName::parse(&form.name)?,
            description: AppDescription::parse(&form.description)?,
            homepage: Homepage::parse(&form.homepage)?,
            image_url: optional(&form.image_url, ImageUrl::parse)?,
            admin_email: AdminEmail::parse(&form.admin_email)?,
            admin_phone: AdminPhone::parse_optional(&form.admin_phone)?,
            trusted: form
                .trusted
                .as_deref()
                .is_some_and(|value| !matches!(value, "" | "false" | "off")),
            redirect_url: RedirectUrl::parse(&form.redirect_url)?,
        })
    }
}

fn optional<T>(
    value: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Result<Option<T>, FieldError> {
    if value.trim().is_empty() {
        Ok(None)
    } else {
        parse(value).map(Some)
    }
}

/// Checks one field of the form by its name, as the browser does on every keystroke.
/// `None` when the value is fine (or the field is not checked on its own).
pub fn check_app_field(field: &str, value: &str) -> Option<String> {
    let result = match field {
        AppName::FIELD => AppName::parse(value).map(drop),
        AppDescription::FIELD => AppDescription::parse(value).map(drop),
        Homepage::FIELD => Homepage::parse(value).map(drop),
        ImageUrl::FIELD => optional(value, ImageUrl::parse).map(drop),
        AdminEmail::FIELD => AdminEmail::parse(value).map(drop),
        AdminPhone::FIELD => AdminPhone::parse_optional(value).map(drop),
        RedirectUrl::FIELD => RedirectUrl::parse(value).map(drop),
        _ => Ok(()),
    };
    result.err().map(|error| error.message)
}

#[cfg(test)]
mod shared_table {
    use super::*;

    /// The inputs the browser (end2end/tests/shared-table.spec.ts, through the App form) and
    /// the server (here) must answer alike.
    const TABLE: &str = include_str!("../../tests/shared/links_and_domains.json");

    #[test]
    fn the_server_answers_the_shared_table() {
        let rows: Vec<serde_json::Value> = serde_json::from_str(TABLE).unwrap();
        assert!(rows.len() >= 40);
        for row in rows {
            let (field, input) = (
                row["field"].as_str().unwrap(),
                row["input"].as_str().unwrap(),
            );
            let accepted = check_app_field(field, input).is_none();
            assert_eq!(
                accepted,
                row["accepted"].as_bool().unwrap(),
                "{field} {input:?}"
            );
            let lookalike = match field {
                Homepage::FIELD => Homepage::parse(input).is_ok_and(|v| v.is_lookalike()),
                RedirectUrl::FIELD => RedirectUrl::parse(input).is_ok_and(|v| v.is_lookalike()),
                ImageUrl::FIELD => ImageUrl::parse(input).is_ok_and(|v| v.is_lookalike()),
                AdminEmail::FIELD => AdminEmail::parse(input).is_ok_and(|v| v.is_lookalike()),
                _ => unreachable!("{field}"),
            };
            assert_eq!(
                lookalike,
                row["lookalike"].as_bool().unwrap(),
                "{field} {input:?}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_form() -> AppForm {
        AppForm {
            name: "MyApp".into(),
            description: "I love my App!".into(),
            homepage: "http://example.com/MyApp".into(),
            image_url: String::new(),
            admin_email: "myapp@email.com".into(),
            admin_phone: String::new(),
            trusted: None,
            redirect_url: "https://example.com/MyApp/handler".into(),
        }
    }

    #[test]
    fn the_seed_example_is_accepted() {
        let fields = AppFields::try_from(&seed_form()).unwrap();
        assert_eq!(fields.name.as_str(), "MyApp");
        assert!(!fields.trusted);
        assert_eq!(fields.image_url, None);
        assert_eq!(fields.admin_phone, None);
    }

    #[test]
    fn the_trusted_box_is_on_when_sent() {
        for (sent, trusted) in [
            (Some("on"), true),
            (Some("true"), true),
            (Some("false"), false),
            (None, false),
        ] {
            let form = AppForm {
                trusted: sent.map(String::from),
                ..seed_form()
            };
            assert_eq!(
                AppFields::try_from(&form).unwrap().trusted,
                trusted,
                "{sent:?}"
            );
        }
    }

    fn field_of<'a>(form: &'a mut AppForm, field: &str) -> &'a mut String {
        match field {
            "name" => &mut form.name,
            "description" => &mut form.description,
            "homepage" => &mut form.homepage,
            "image_url" => &mut form.image_url,
            "admin_email" => &mut form.admin_email,
            "admin_phone" => &mut form.admin_phone,
            _ => &mut form.redirect_url,
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        let long = "x".repeat(2001);
        let cases = [
            ("name", " "),
            ("description", long.as_str()),
            ("homepage", "example.com"),
            ("image_url", "http://example.com/a.png"),
            ("admin_email", "nobody"),
            ("admin_phone", "phone"),
            ("redirect_url", "http://example.com/cb"),
        ];
        for (field, value) in cases {
            let mut form = seed_form();
            *field_of(&mut form, field) = value.to_owned();
            assert_eq!(AppFields::try_from(&form).unwrap_err().field, field);
            assert!(check_app_field(field, value).is_some(), "{field}");
        }
        assert_eq!(
            check_app_field("redirect_url", "https://example.com/cb"),
            None
        );
    }
}
