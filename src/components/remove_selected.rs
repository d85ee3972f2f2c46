//! Remove Selected: a button enabled while rows are selected, that asks first.
use leptos::prelude::*;

use super::ConfirmDialog;
use super::icon::{Icon, REMOVE};
use super::selection::{RowKey, Selected};

/// The button and its confirmation; OK hands the selected rows to `on_confirm`.
#[component]
pub fn RemoveSelected<K: RowKey>(
    /// A page-unique stem for the dialog's ids.
    id: &'static str,
    /// The selected rows.
    selected: RwSignal<Selected<K>>,
    /// Whether the whole set is meant (the header box of a paged list), whatever is selected.
    #[prop(optional, into)]
    everything: Option<Signal<bool>>,
    /// True while a removal is under way: the button waits.
    #[prop(into)]
    pending: Signal<bool>,
    /// The question, for this many selected rows (`None`: all of them).
    question: fn(Option<usize>) -> String,
    /// Runs with the selected rows once the user pressed OK.
    on_confirm: Callback<Vec<K>>,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let all = move || everything.is_some_and(|everything| everything.get());
    view! {
        <button
            type="button"
            class="danger"
            aria-busy=move || pending.get().to_string()
            disabled=move || (selected.with(Selected::is_empty) && !all()) || pending.get()
            on:click=move |_| confirm.set(true)
        >
            <Icon icon=REMOVE/>
            {move || if pending.get() { "Removing…" } else { "Remove Selected" }}
        </button>
        <ConfirmDialog
            id
            open=confirm
            title="Remove Selected"
            message=Signal::derive(move || question((!all()).then(|| selected.with(Selected::len))))
            on_confirm=Callback::new(move |_| {
                let rows: Vec<K> = selected.with_untracked(Selected::to_vec);
                if !rows.is_empty() || all() {
                    on_confirm.run(rows);
                }
            })
        />
    }
}
