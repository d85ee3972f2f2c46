//! The short warning beside a domain shown in punycode because it is a likely look-alike.
use leptos::prelude::*;

use super::icon::{Icon, WARNING};
use crate::domain::idn::LOOKALIKE_WARNING;

/// "Look-alike domain", with the whole warning for assistive technology and on hover.
#[component]
pub fn LookalikeNote() -> impl IntoView {
    view! {
        <span class="lookalike-warning" role="note" title=LOOKALIKE_WARNING>
            <Icon icon=WARNING/>
            "Look-alike domain"
            <span class="visually-hidden">{format!(": {LOOKALIKE_WARNING}")}</span>
        </span>
    }
}
