//! Remove Selected: a button enabled while rows are selected, that asks first.
use leptos::prelude::*;
use std::collections::BTreeSet;

use super::ConfirmDialog;

/// The button and its confirmation; OK hands the selected keys to `on_confirm`.
#[component]
pub fn RemoveSelected(
    /// A page-unique stem for the dialog's ids.
    id: &'static str,
    /// The selected rows.
    selected: RwSignal<BTreeSet<String>>,
    /// True while a removal is under way.
    #[prop(into)]
    pending: Signal<bool>,
    /// The question, for this many selected rows.
    question: fn(usize) -> String,
    /// Runs with the selected keys once the user pressed OK.
    on_confirm: Callback<Vec<String>>,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    view! {
        <button
            type="button"
            disabled=move || selected.with(BTreeSet::is_empty) || pending.get()
            on:click=move |_| confirm.set(true)
        >
            "Remove Selected"
        </button>
        <ConfirmDialog
            id
            open=confirm
            title="Remove Selected"
            message=Signal::derive(move || question(selected.with(BTreeSet::len)))
            on_confirm=Callback::new(move |_| {
                let keys: Vec<String> = selected.get_untracked().into_iter().collect();
                if !keys.is_empty() {
                    on_confirm.run(keys);
                }
            })
        />
    }
}
