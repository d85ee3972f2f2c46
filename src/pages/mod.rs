//! One module per page of the console.
mod access_tokens_dialog;
mod accounts;
mod app_editor;
mod app_registration;
mod apps;
mod apps_management;
mod console;
mod home;
mod not_found;
mod sign_in;

pub use accounts::AccountsPage;
pub use app_editor::{AddAppPage, EditAppPage};
pub use apps::{AppsPage, AppsSection};
pub use console::Console;
pub use home::HomePage;
pub use not_found::NotFound;
pub use sign_in::SignInPage;
