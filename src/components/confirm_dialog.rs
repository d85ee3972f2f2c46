//! A modal confirmation: the native `<dialog>` keeps focus inside and closes on Escape.
use leptos::html::Dialog;
use leptos::prelude::*;

use super::notice::use_notices;

/// Opens the native `<dialog>` as a modal while `open` is true (focus stays inside, Escape
/// closes it) and closes it when `open` turns false. `place` names the dialog to the
/// console's status region, which shows inside the innermost open dialog.
pub fn sync_modal(dialog: NodeRef<Dialog>, open: Signal<bool>, place: &'static str) {
    let notices = use_notices();
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else { return };
        let open = open.get();
        if open {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        } else if dialog.open() {
            dialog.close();
        }
        notices.dialog(place, open);
    });
    on_cleanup(move || notices.dialog(place, false));
}

/// Asks `question`; OK runs `on_confirm`, Cancel (or Escape) only closes.
#[component]
pub fn ConfirmDialog(
    /// A page-unique id, the stem of the dialog's element ids.
    id: &'static str,
    /// Whether the dialog is open.
    open: RwSignal<bool>,
    /// The dialog's title.
    #[prop(into)]
    title: Signal<String>,
    /// What will happen, in words.
    #[prop(into)]
    message: Signal<String>,
    /// Runs when the user presses OK.
    on_confirm: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let title_id = format!("{id}-title");
    let message_id = format!("{id}-message");
    let (labelled_by, described_by) = (title_id.clone(), message_id.clone());
    sync_modal(dialog, open.into(), id);
    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby=labelled_by
            aria-describedby=described_by
            on:close=move |_| open.set(false)
        >
            <h2 id=title_id>{move || title.get()}</h2>
            <p id=message_id>{move || message.get()}</p>
            <div class="actions">
                <button type="button" on:click=move |_| open.set(false)>"Cancel"</button>
                <button
                    type="button"
                    class="primary"
                    autofocus=crate::embedding::autofocus()
                    on:click=move |_| {
                        open.set(false);
                        on_confirm.run(());
                    }
                >
                    "OK"
                </button>
            </div>
        </dialog>
    }
}
