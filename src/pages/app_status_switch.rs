//! S: an App's status as a switch (on = enabled). A click suspends or enables the App at
//! once on screen; if the server refuses, the switch goes back and the status region says
//! why. Before the page is interactive it is a plain form post.
use leptos::prelude::*;

use crate::apps::SetAppStatus;
use crate::components::icon::{CHECK, PAUSE};
use crate::components::{Icon, use_notices};

/// The switch of one App.
#[component]
pub fn AppStatusSwitch(
    /// App ID/key.
    key: String,
    /// Its name, for the switch's label.
    name: String,
    /// Whether it is suspended now.
    suspended: bool,
    /// Whether the signed-in account may change it (it is in its scope).
    manageable: bool,
) -> impl IntoView {
    let notices = use_notices();
    let toggle = ServerAction::<SetAppStatus>::new();
    // What the server said last, or what this row was rendered with.
    let confirmed = Memo::new(move |_| match toggle.value().get() {
        Some(Ok(now_suspended)) => now_suspended,
        _ => suspended,
    });
    // While a change is on its way, the switch already shows it.
    let shown = Signal::derive(
        move || match (toggle.pending().get(), toggle.input().get()) {
            (true, Some(asked)) => asked.suspended,
            _ => confirmed.get(),
        },
    );
    notices.report(toggle.value(), |suspended| {
        if suspended {
            "App suspended"
        } else {
            "App enabled"
        }
        .to_owned()
    });
    let form_key = key.clone();
    view! {
        <form
            method="post"
            action="/api/set_app_status"
            class="status-form"
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                if !toggle.pending().get_untracked() {
                    toggle.dispatch(SetAppStatus { key: key.clone(), suspended: !shown.get_untracked() });
                }
            }
        >
            <input type="hidden" name="key" value=form_key/>
            <input type="hidden" name="suspended" value=move || (!shown.get()).to_string()/>
            <button
                type="submit"
                role="switch"
                class="status-switch"
                aria-checked=move || (!shown.get()).to_string()
                aria-busy=move || toggle.pending().get().to_string()
                aria-label=format!("{name} enabled")
                disabled=!manageable
                title=move || match (shown.get(), manageable) {
                    (false, true) => "Enabled: click to suspend",
                    (true, true) => "Suspended: click to enable",
                    (false, false) => "Enabled",
                    (true, false) => "Suspended",
                }
            >
                <span class="knob">
                    {move || if shown.get() { view! { <Icon icon=PAUSE/> } } else { view! { <Icon icon=CHECK/> } }}
                </span>
                <span class="state">{move || if shown.get() { "Off" } else { "On" }}</span>
            </button>
        </form>
    }
}
