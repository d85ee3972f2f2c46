//! The console's one status region: what the last change did ("App saved", "2 access
//! tokens removed"), or why it failed, always in the same place and words.
//!
//! While a modal dialog is open, the page behind it is inert, so the region shows inside
//! the dialog instead; it goes back to the page when the dialog closes.
use leptos::prelude::*;

use super::Timer;
use crate::error::ConsoleError;

/// How long a "done" notice stays (milliseconds); refusals stay until dismissed or replaced.
const DONE_FOR_MS: u32 = 8_000;

/// What the region says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Notice {
    Done(String),
    Failed(String),
}

/// The console's notices, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Notices {
    notice: RwSignal<Option<Notice>>,
    /// The open modal dialogs, innermost last.
    dialogs: RwSignal<Vec<&'static str>>,
    /// Clears a "done" notice (started again by each).
    fade: Timer,
}

impl Notices {
    /// Says that a change was made.
    pub fn done(self, text: impl Into<String>) {
        self.notice.set(Some(Notice::Done(text.into())));
        self.fade.start();
    }

    /// Says why a change was refused or failed.
    pub fn failed(self, error: &ConsoleError) {
        let text = match error {
            ConsoleError::Invalid { .. } => "Please correct the marked field.".to_owned(),
            other => other.to_string(),
        };
        self.notice.set(Some(Notice::Failed(text)));
    }

    /// Reports each new result of an action: its words when it succeeded, its refusal
    /// otherwise. For as long as the calling component lives.
    pub fn report<T>(
        self,
        result: impl Into<Signal<Option<Result<T, ConsoleError>>>>,
        words: impl Fn(T) -> String + Send + Sync + 'static,
    ) where
        T: Clone + Send + Sync + 'static,
    {
        let result = result.into();
        Effect::new(move |_| match result.get() {
            Some(Ok(done)) => self.done(words(done)),
            Some(Err(error)) => self.failed(&error),
            None => {}
        });
    }

    /// Empties the region (a new page, a new form).
    pub fn clear(self) {
        if self.notice.with_untracked(Option::is_some) {
            self.notice.set(None);
        }
    }

    /// Tells the region that the dialog `place` opened (`true`) or closed.
    pub fn dialog(self, place: &'static str, open: bool) {
        self.dialogs.update(|dialogs| {
            dialogs.retain(|shown| *shown != place);
            if open {
                dialogs.push(place);
            }
        });
    }
}

/// Creates the console's notices for the pages below.
pub fn provide_notices() -> Notices {
    let notice = RwSignal::new(None);
    let fade = Timer::once(DONE_FOR_MS, move || {
        let _ = notice.try_update(|notice| {
            if matches!(notice, Some(Notice::Done(_))) {
                *notice = None;
            }
        });
    });
    let notices = Notices {
        notice,
        dialogs: RwSignal::new(Vec::new()),
        fade,
    };
    provide_context(notices);
    notices
}

/// The console's notices (a detached set outside the console, such as on sign-in).
pub fn use_notices() -> Notices {
    use_context::<Notices>().unwrap_or_else(provide_notices)
}

/// The region itself, for the page (`place = "page"`) or inside the dialog named `place`.
#[component]
pub fn StatusRegion(
    /// "page", or the id of the dialog this region sits in.
    place: &'static str,
) -> impl IntoView {
    let notices = use_notices();
    let here = move || {
        notices
            .dialogs
            .with(|dialogs| dialogs.last().copied().unwrap_or("page") == place)
    };
    let done = move || match notices.notice.get() {
        Some(Notice::Done(text)) if here() => text,
        _ => String::new(),
    };
    let failed = move || match notices.notice.get() {
        Some(Notice::Failed(text)) if here() => Some(text),
        _ => None,
    };
    view! {
        <div class="notices">
            <p class="notice done" role="status" class:empty=move || done().is_empty()>{done}</p>
            {move || failed().map(|text| view! {
                <p class="notice failed" role="alert">
                    <span>{text}</span>
                    <button type="button" class="dismiss" on:click=move |_| notices.clear()>"Dismiss"</button>
                </p>
            })}
        </div>
    }
}
