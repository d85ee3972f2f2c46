//! A text cut to one line; resting the pointer on it (or focusing it from the keyboard)
//! shows the whole text in a hint after a short delay.
use leptos::prelude::*;

/// How long the pointer must rest before the hint shows (milliseconds).
const DELAY_MS: u32 = 400;

/// One line with an ellipsis, and its whole text in a `role="tooltip"` hint.
#[component]
pub fn DescriptionHint(
    /// A page-unique id for the hint.
    id: String,
    /// The whole text.
    text: String,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    // Each show or hide starts a new generation; a delayed show of an old one does nothing.
    let generation = StoredValue::new(0u64);
    let show_later = move || {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        #[cfg(feature = "hydrate")]
        gloo_timers::callback::Timeout::new(DELAY_MS, move || {
            if generation.try_get_value() == Some(mine) {
                shown.set(true);
            }
        })
        .forget();
        #[cfg(not(feature = "hydrate"))]
        let _ = (mine, DELAY_MS);
    };
    let hide = move || {
        generation.update_value(|g| *g += 1);
        shown.set(false);
    };
    let hint_id = id.clone();
    view! {
        <span class="hinted">
            <span
                class="cut"
                tabindex="0"
                aria-describedby=id
                on:mouseenter=move |_| show_later()
                on:focus=move |_| show_later()
                on:mouseleave=move |_| hide()
                on:blur=move |_| hide()
                on:keydown=move |event| if event.key() == "Escape" { hide() }
            >
                {text.clone()}
            </span>
            <span id=hint_id role="tooltip" class="hint-bubble" hidden=move || !shown.get()>{text}</span>
        </span>
    }
}
