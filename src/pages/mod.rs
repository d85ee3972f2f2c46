//! One module per page of the console.
mod accounts;
mod apps;
mod console;
mod home;
mod not_found;
mod sign_in;

pub use accounts::AccountsPage;
pub use apps::AppsPage;
pub use console::Console;
pub use home::HomePage;
pub use not_found::NotFound;
pub use sign_in::SignInPage;
