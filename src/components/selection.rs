//! Checkboxes that select rows of a table: one per row, and a header box that selects the
//! page's rows and shows "some" (indeterminate) when only part of them are selected.
use leptos::prelude::*;
use std::collections::BTreeSet;

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
    /// Told whether the box was checked (true) or cleared, after the selection changed.
    #[prop(optional)]
    on_toggle: Option<Callback<bool>>,
) -> impl IntoView {
    let keys = StoredValue::new(keys);
    let all = move || {
        keys.with_value(|keys| {
            selected.with(|s| !keys.is_empty() && keys.iter().all(|k| s.contains(k)))
        })
    };
    let some =
        move || keys.with_value(|keys| selected.with(|s| keys.iter().any(|k| s.contains(k))));
    view! {
        <input
            type="checkbox"
            aria-label=label
            prop:checked=all
            prop:indeterminate=move || some() && !all()
            on:change=move |event| {
                let on = event_target_checked(&event);
                keys.with_value(|keys| selected.update(|s| {
                    for key in keys {
                        if on { s.insert(key.clone()); } else { s.remove(key); }
                    }
                }));
                if let Some(on_toggle) = on_toggle {
                    on_toggle.run(on);
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
    /// Told whether the box was checked (true) or cleared, after the selection changed.
    #[prop(optional)]
    on_toggle: Option<Callback<bool>>,
) -> impl IntoView {
    let key = StoredValue::new(key);
    view! {
        <input
            type="checkbox"
            aria-label=label
            prop:checked=move || key.with_value(|key| selected.with(|s| s.contains(key)))
            on:change=move |event| {
                let on = event_target_checked(&event);
                let key = key.get_value();
                selected.update(|s| {
                    if on { s.insert(key); } else { s.remove(&key); }
                });
                if let Some(on_toggle) = on_toggle {
                    on_toggle.run(on);
                }
            }
        />
    }
}
