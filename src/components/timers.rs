//! Timers, and whether the page is seen, that stop with the component that started them.
//! In the browser they are gloo-timers' timeouts and intervals and one DOM listener; on the
//! server they do nothing.
//!
//! Written here rather than taken from leptos-use (whose micro crates did this before):
//! this page is what the console used of them, and theirs weighed 13 KB in the wasm every
//! page loads (about 4 KB gzipped), for options the console never set.
use leptos::prelude::*;
use std::sync::Arc;

/// A running timer. Dropping a gloo-timers handle cancels it, so replacing one, or the
/// owner disposing of it with its component, stops it.
#[cfg(feature = "hydrate")]
enum Running {
    Waiting(#[allow(dead_code)] gloo_timers::callback::Timeout),
    Ticking(#[allow(dead_code)] gloo_timers::callback::Interval),
}
/// Nothing runs on the server.
#[cfg(not(feature = "hydrate"))]
type Running = ();

/// The browser's handles live on its one thread; the server renders a page on one thread
/// and may drop it on another, so it keeps its (empty) handles in thread-safe storage.
#[cfg(feature = "hydrate")]
type RunningStorage = LocalStorage;
#[cfg(not(feature = "hydrate"))]
type RunningStorage = SyncStorage;

/// Runs `run()` once, `ms` after it was started, or every `ms` while started.
#[derive(Debug, Clone, Copy)]
pub struct Timer {
    running: StoredValue<Option<Running>, RunningStorage>,
    run: StoredValue<Arc<dyn Fn() + Send + Sync>>,
    ms: u32,
    repeats: bool,
}

impl Timer {
    /// A one-shot timer, not started.
    pub fn once(ms: u32, run: impl Fn() + Send + Sync + 'static) -> Self {
        Self::new(ms, run, false)
    }

    /// An interval, not started.
    pub fn every(ms: u32, run: impl Fn() + Send + Sync + 'static) -> Self {
        Self::new(ms, run, true)
    }

    fn new(ms: u32, run: impl Fn() + Send + Sync + 'static, repeats: bool) -> Self {
        Self {
            running: StoredValue::new_with_storage(None),
            run: StoredValue::new(Arc::new(run)),
            ms,
            repeats,
        }
    }

    /// Starts it. A one-shot timer started while it waits waits `ms` again from now; an
    /// interval that runs keeps its rhythm.
    pub fn start(self) {
        if self.repeats && self.running.try_with_value(Option::is_some) != Some(false) {
            return;
        }
        let Some(run) = self.run.try_get_value() else {
            return;
        };
        #[cfg(feature = "hydrate")]
        {
            let running = if self.repeats {
                Running::Ticking(gloo_timers::callback::Interval::new(self.ms, move || run()))
            } else {
                Running::Waiting(gloo_timers::callback::Timeout::new(self.ms, move || run()))
            };
            let _ = self.running.try_set_value(Some(running));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (run, self.ms);
    }

    /// Stops it: a waiting timer does not run, an interval ticks no more until started.
    pub fn stop(self) {
        let _ = self.running.try_set_value(None);
    }
}

/// Whether the page is seen (`document.visibilityState` is `visible`), following its
/// `visibilitychange` events for as long as the calling component lives. Always `true` on
/// the server.
pub fn page_visible() -> Signal<bool> {
    let visible = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::{JsCast, closure::Closure};
        let read = move || {
            let seen = document().visibility_state() == web_sys::VisibilityState::Visible;
            let _ = visible.try_set(seen);
        };
        read();
        // From here on the listener is a JS function (collected once removed and
        // unreferenced), so it stays callable whatever becomes of this component.
        let listener = Closure::<dyn Fn()>::new(read).into_js_value();
        let _ = document()
            .add_event_listener_with_callback("visibilitychange", listener.unchecked_ref());
        let listener = StoredValue::new_local(listener);
        on_cleanup(move || {
            listener.try_with_value(|listener| {
                document().remove_event_listener_with_callback(
                    "visibilitychange",
                    listener.unchecked_ref(),
                )
            });
        });
    }
    visible.into()
}
