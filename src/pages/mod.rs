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
mod sign_in;
mod sort_header;

pub use accounts::AccountsPage;
pub use app_editor::{AddAppPage, EditAppPage};
pub use apps::{AppsPage, AppsSection};
pub use console::Console;
pub use home::HomePage;
pub use not_found::NotFound;
pub use sign_in::SignInPage;

/// On the server, gives the page being rendered the HTTP status `status` (a refusal or a
/// missing thing is not a 200, even as a page); in the browser, nothing.
pub fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
