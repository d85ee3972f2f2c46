//! Checkboxes that select rows of a table: one per row, and a header box that selects the
//! page's rows and shows "some" (indeterminate) when only part of them are selected.
//!
//! Rows are re-rendered whenever their page loads again; these boxes keep no arena values
//! of their own (plain captured data only), so nothing of theirs can be read after disposal.
use leptos::prelude::*;
use std::collections::BTreeSet;
use std::sync::Arc;

/// What a table's rows are selected by.
pub trait RowKey: Ord + Clone + Send + Sync + 'static {}
impl<K: Ord + Clone + Send + Sync + 'static> RowKey for K {}

/// The header checkbox: checked when every row of `keys` is selected, indeterminate when
/// some are; a change selects or clears them all.
#[component]
pub fn SelectAll<K: RowKey>(
    /// Its accessible name, such as "Select all Apps".
    label: String,
    /// The rows the table shows.
    keys: Vec<K>,
    /// The selection.
    selected: RwSignal<BTreeSet<K>>,
    /// Set while the box means "every row, on every page" (the access tokens pop-up).
    #[prop(optional)]
    everything: Option<RwSignal<bool>>,
) -> impl IntoView {
    let keys = Arc::new(keys);
    let all = {
        let keys = keys.clone();
        move || selected.with(|s| !keys.is_empty() && keys.iter().all(|k| s.contains(k)))
    };
    let some = {
        let keys = keys.clone();
        move || selected.with(|s| keys.iter().any(|k| s.contains(k)))
    };
    let checked = all.clone();
    view! {
        <input
            type="checkbox"
            aria-label=label
            prop:checked=checked
            prop:indeterminate=move || some() && !all()
            on:change=move |event| {
                let on = event_target_checked(&event);
                selected.update(|s| {
                    for key in keys.iter() {
                        if on { s.insert(key.clone()); } else { s.remove(key); }
                    }
                });
                if let Some(everything) = everything {
                    everything.set(on);
                }
            }
        />
    }
}

/// A row's checkbox.
#[component]
pub fn SelectRow<K: RowKey>(
    /// Its accessible name, such as "Select MyApp".
    label: String,
    /// The row.
    key: K,
    /// The selection.
    selected: RwSignal<BTreeSet<K>>,
    /// Cleared when this box is cleared: "every row" no longer holds.
    #[prop(optional)]
    everything: Option<RwSignal<bool>>,
) -> impl IntoView {
    let key = Arc::new(key);
    let shown = key.clone();
    view! {
        <input
            type="checkbox"
            aria-label=label
            prop:checked=move || selected.with(|s| s.contains(&*shown))
            on:change=move |event| {
                let on = event_target_checked(&event);
                selected.update(|s| {
                    if on { s.insert((*key).clone()); } else { s.remove(&*key); }
                });
                if let (false, Some(everything)) = (on, everything) {
                    everything.set(false);
                }
            }
        />
    }
}
