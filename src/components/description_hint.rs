//! A text cut to one line; resting the pointer on it (or focusing it from the keyboard)
//! shows the whole text in a hint after a short delay.
//!
//! The hint is a popover in the browser's top layer, so no table cell or scrolling region
//! can clip it, placed beside the text and kept inside the viewport (it scrolls inside
//! itself when the text is longer than the room). The pointer may move onto it without it
//! closing, and Escape closes it wherever the focus is (an `auto` popover: the browser
//! closes it on Escape and on a click elsewhere; WCAG 1.4.13).
use leptos::html::Span;
use leptos::prelude::*;
use std::sync::Arc;

use super::Timer;

/// How long the pointer must rest before the hint shows (milliseconds).
const SHOW_DELAY_MS: u32 = 400;
/// How long the hint stays once the pointer left, so that it can reach the hint.
const HIDE_DELAY_MS: u32 = 300;

/// One line with an ellipsis, and its whole text in a `role="tooltip"` hint.
#[component]
pub fn DescriptionHint(
    /// A page-unique id for the hint.
    id: String,
    /// The whole text.
    text: String,
) -> impl IntoView {
    if text.trim().is_empty() {
        return ().into_any();
    }
    let trigger = NodeRef::<Span>::new();
    let bubble = NodeRef::<Span>::new();
    let Timing {
        enter,
        leave,
        keep,
        close,
    } = timing(trigger, bubble);
    let on_escape = {
        let close = close.clone();
        move |event: leptos::ev::KeyboardEvent| {
            if event.key() == "Escape" {
                close();
            }
        }
    };
    // Focus that moves from the text into the hint (to scroll it) keeps it open.
    let on_blur = {
        let close = close.clone();
        move |event: leptos::ev::FocusEvent| {
            if !place::moves_into(&event, bubble) {
                close();
            }
        }
    };
    let hint_id = id.clone();
    view! {
        <span class="hinted">
            <span
                class="cut"
                tabindex="0"
                node_ref=trigger
                aria-describedby=id
                on:mouseenter={let enter = enter.clone(); move |_| enter()}
                on:focus={let enter = enter.clone(); move |_| enter()}
                on:mouseleave={let leave = leave.clone(); move |_| leave()}
                on:blur=on_blur
                on:keydown=on_escape.clone()
            >
                {text.clone()}
            </span>
            <span
                id=hint_id
                role="tooltip"
                class="hint-bubble"
                popover="auto"
                tabindex="-1"
                node_ref=bubble
                on:mouseenter=move |_| keep()
                on:mouseleave={let leave = leave.clone(); move |_| leave()}
                on:keydown=on_escape
                on:blur=move |_| close()
            >
                {text}
            </span>
        </span>
    }
    .into_any()
}

type Action = Arc<dyn Fn() + Send + Sync>;

/// What the pointer and the focus do to the hint, on its two delays.
struct Timing {
    /// Shows it after the show delay (and cancels a pending hide).
    enter: Action,
    /// Hides it after the hide delay (and cancels a pending show).
    leave: Action,
    /// Cancels a pending hide: the pointer reached the hint.
    keep: Action,
    /// Hides it now.
    close: Action,
}

fn timing(trigger: NodeRef<Span>, bubble: NodeRef<Span>) -> Timing {
    let show_now = move || {
        if let (Some(trigger), Some(bubble)) = (trigger.get_untracked(), bubble.get_untracked()) {
            place::show(&trigger, &bubble);
        }
    };
    let hide_now = move || {
        if let Some(bubble) = bubble.get_untracked() {
            place::hide(&bubble);
        }
    };
    let show = Timer::once(SHOW_DELAY_MS, show_now);
    let hide = Timer::once(HIDE_DELAY_MS, hide_now);
    Timing {
        enter: Arc::new(move || {
            hide.stop();
            show.start();
        }),
        leave: Arc::new(move || {
            show.stop();
            hide.start();
        }),
        keep: Arc::new(move || hide.stop()),
        close: Arc::new(move || {
            show.stop();
            hide.stop();
            hide_now();
        }),
    }
}

/// Showing, placing and hiding the hint (browser only).
mod place {
    use leptos::prelude::*;

    /// Whether the focus leaving the text goes into the hint.
    pub fn moves_into(event: &leptos::ev::FocusEvent, bubble: NodeRef<leptos::html::Span>) -> bool {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let target = event
                .related_target()
                .and_then(|target| target.dyn_into::<web_sys::Node>().ok());
            match (target, bubble.get_untracked()) {
                (Some(target), Some(bubble)) => bubble.contains(Some(&target)),
                _ => false,
            }
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (event, bubble);
            false
        }
    }

    /// A length in whole CSS pixels (integer formatting: Rust's float formatting would bring
    /// about 5 KB into the browser bundle for these few numbers).
    #[cfg(feature = "hydrate")]
    fn px(value: f64) -> String {
        format!("{}px", value.round() as i64)
    }

    /// Opens the hint below the text, or above it when there is more room there, inside
    /// the viewport with an 8 px margin.
    pub fn show(trigger: &web_sys::HtmlElement, bubble: &web_sys::HtmlElement) {
        #[cfg(feature = "hydrate")]
        {
            const MARGIN: f64 = 8.0;
            const GAP: f64 = 4.0;
            let window = window();
            let width = window
                .inner_width()
                .ok()
                .and_then(|w| w.as_f64())
                .unwrap_or(1280.0);
            let height = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(800.0);
            let style = bubble.style();
            let _ = style.set_property("max-width", &px((width - 2.0 * MARGIN).min(768.0)));
            let _ = style.set_property("max-height", "none");
            let _ = style.set_property("left", "0px");
            let _ = style.set_property("top", "0px");
            if !bubble.matches(":popover-open").unwrap_or(false) {
                let _ = bubble.show_popover();
            }
            let anchor = trigger.get_bounding_client_rect();
            let own = bubble.get_bounding_client_rect();
            let below = height - anchor.bottom() - GAP - MARGIN;
            let above = anchor.top() - GAP - MARGIN;
            let (top, room) = if own.height() <= below || below >= above {
                (anchor.bottom() + GAP, below)
            } else {
                (anchor.top() - GAP - own.height().min(above), above)
            };
            let left = anchor.left().min(width - MARGIN - own.width()).max(MARGIN);
            let _ = style.set_property("max-height", &px(room.max(48.0)));
            let _ = style.set_property("left", &px(left));
            let _ = style.set_property("top", &px(top.max(MARGIN)));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (trigger, bubble);
    }

    /// Closes the hint.
    pub fn hide(bubble: &web_sys::HtmlElement) {
        #[cfg(feature = "hydrate")]
        if bubble.matches(":popover-open").unwrap_or(false) {
            let _ = bubble.hide_popover();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = bubble;
    }
}
