//! Access token counts kept live while the Apps Management tab is seen: refreshed every
//! 15 s, paused while the browser tab is hidden, once at once when it is shown again. A
//! refresh changes the counts only, never the rows, so nothing the user holds moves.
use leptos::prelude::*;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use crate::components::{Timer, page_visible};

/// How often the counts are refreshed while the page is seen (milliseconds).
pub const REFRESH_MS: u32 = 15_000;

/// When a fetch started: milliseconds since the epoch in the browser, 0 on the server (so
/// that any refresh in the browser is newer than the page the server rendered).
pub fn stamp_now() -> u64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as u64
    }
    #[cfg(not(feature = "hydrate"))]
    0
}

/// The latest counts, by App key, and when they were asked for.
#[derive(Clone, Copy)]
pub struct LiveCounts {
    latest: RwSignal<Option<(u64, HashMap<String, u64>)>>,
    refresh: StoredValue<Arc<dyn Fn() + Send + Sync>>,
}

impl LiveCounts {
    /// Starts refreshing with `fetch` (the counts of the rows shown; `None` once the page
    /// is gone) for as long as the calling component lives; its timer and listener stop
    /// with it.
    pub fn start<F, Fut>(fetch: F) -> Self
    where
        F: Fn() -> Option<Fut> + Send + Sync + 'static,
        Fut: Future<Output = Option<HashMap<String, u64>>> + 'static,
    {
        let latest = RwSignal::new(None);
        let refresh: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            let stamp = stamp_now();
            let Some(counts) = fetch() else { return };
            leptos::task::spawn_local(async move {
                if let Some(counts) = counts.await {
                    // The page may have gone meanwhile: then there is nothing to update.
                    let _ = latest.try_update(|latest| {
                        if latest.as_ref().is_none_or(|(seen, _)| *seen <= stamp) {
                            *latest = Some((stamp, counts));
                        }
                    });
                }
            });
        });
        let visible = page_visible();
        let seen = move || visible.try_get_untracked() == Some(true);
        // Each tick asks whether the tab is seen: a hidden tab never fetches, whatever
        // became of the timer.
        let tick = refresh.clone();
        let timer = Timer::every(REFRESH_MS, move || {
            if seen() {
                tick();
            }
        });
        let on_shown = refresh.clone();
        Effect::new(move |was: Option<bool>| {
            let now = visible.get();
            if now {
                if was == Some(false) {
                    on_shown();
                }
                timer.start();
            } else {
                timer.stop();
            }
            now
        });
        Self {
            latest,
            refresh: StoredValue::new(refresh),
        }
    }

    /// Refreshes now (after a change made here, such as removed access tokens).
    pub fn refresh(self) {
        if let Some(refresh) = self.refresh.try_get_value() {
            refresh();
        }
    }

    /// The live count of the App `key`, when it is newer than the row rendered at `stamp`.
    pub fn count(self, key: &str, stamp: u64) -> Option<u64> {
        self.latest
            .try_with(|latest| {
                latest
                    .as_ref()
                    .filter(|(seen, _)| *seen >= stamp)
                    .and_then(|(_, counts)| counts.get(key).copied())
            })
            .flatten()
    }
}
