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
mod field_error;
mod host_ascii;
pub mod idn;
mod link;
mod login;
mod password;
pub(crate) mod text;

pub use account_level::AccountLevel;
pub use account_name::AccountName;
pub use admin_contact::{AdminEmail, AdminPhone};
pub use api_kind::ApiKind;
pub use app_form::{AppFields, AppForm, check_app_field};
pub use app_key::{AppKey, KEY_ALPHABET, KEY_LENGTH, is_key_shaped};
pub use app_text::{AppDescription, AppName};
pub use app_url::{Homepage, ImageUrl, RedirectUrl};
pub use field_error::FieldError;
pub use login::Login;
pub use password::Password;
