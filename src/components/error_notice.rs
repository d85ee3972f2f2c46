//! A refusal or fault, announced to screen readers.
use leptos::prelude::*;

use crate::error::ConsoleError;

/// Shows the error's message in an alert, or nothing.
#[component]
pub fn ErrorNotice(#[prop(into)] error: Signal<Option<ConsoleError>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|error| view! { <p class="error" role="alert">{error.to_string()}</p> })
    }
}
