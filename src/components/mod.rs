//! Reusable pieces of the console, one per file.
mod api_switch;
mod clipboard;
mod confirm_dialog;
mod description_hint;
mod error_notice;
mod field;
mod local_time;
mod pager;
mod remove_selected;
mod selection;
mod tabs;

pub use api_switch::ApiSwitch;
pub use clipboard::copy_text;
pub use confirm_dialog::{ConfirmDialog, sync_modal};
pub use description_hint::DescriptionHint;
pub use error_notice::ErrorNotice;
pub use field::{Field, field_id};
pub use local_time::LocalTime;
pub use pager::Pager;
pub use remove_selected::RemoveSelected;
pub use selection::{SelectAll, SelectRow};
pub use tabs::{Tab, Tabs};
