//! Reusable pieces of the console, one per file.
mod confirm_dialog;
mod error_notice;
mod field;
mod tabs;

pub use confirm_dialog::ConfirmDialog;
pub use error_notice::ErrorNotice;
pub use field::{Field, field_id};
pub use tabs::{Tab, Tabs};
