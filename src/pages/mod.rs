//! One module per page of the console.
mod access_tokens_dialog;
mod accounts;
mod app_editor;
mod app_registration;
mod app_status_switch;
mod apps;
pub mod apps_location;
mod apps_management;
mod console;
mod home;
mod list_filter;
mod live_counts;
mod not_found;
mod page_status;
mod sign_in;
mod sort_header;

pub use accounts::AccountsPage;
pub use app_editor::{AddAppPage, EditAppPage};
pub use apps::{AppsPage, AppsSection};
pub use console::Console;
pub use home::HomePage;
pub use not_found::NotFound;
pub use page_status::set_page_status;
pub use sign_in::SignInPage;
