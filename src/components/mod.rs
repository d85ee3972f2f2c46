//! Reusable pieces of the console, one per file.
mod api_switch;
mod clipboard;
mod confirm_dialog;
mod error_notice;
mod field;
mod local_time;
mod tabs;

pub use api_switch::ApiSwitch;
pub use clipboard::copy_text;
pub use confirm_dialog::ConfirmDialog;
pub use error_notice::ErrorNotice;
pub use field::{Field, field_id};
pub use local_time::LocalTime;
pub use tabs::{Tab, Tabs};
