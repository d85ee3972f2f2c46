//! Checkboxes that select rows of a table: one per row, and a header box that selects the
//! page's rows and shows "some" (indeterminate) when only part of them are selected.
//!
//! Rows are re-rendered whenever their page loads again; these boxes keep no arena values
//! of their own (plain captured data only), so nothing of theirs can be read after disposal.
use leptos::prelude::*;
use std::sync::Arc;

/// What a table's rows are selected by.
pub trait RowKey: PartialEq + Clone + Send + Sync + 'static {}
impl<K: PartialEq + Clone + Send + Sync + 'static> RowKey for K {}

/// The selected rows of a table, in the order they were ticked.
///
/// A list: a table shows at most a hundred rows, and a `BTreeSet` per key type brought about
/// 30 KB of B-tree code into the browser bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected<K>(Vec<K>);

impl<K> Default for Selected<K> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: RowKey> Selected<K> {
    /// Whether `key` is selected.
    pub fn contains(&self, key: &K) -> bool {
        self.0.contains(key)
    }

    /// Selects `key` (`on`) or clears it.
    pub fn set(&mut self, key: &K, on: bool) {
        match (on, self.contains(key)) {
            (true, false) => self.0.push(key.clone()),
            (false, true) => self.0.retain(|selected| selected != key),
            _ => {}
        }
    }

    /// How many rows are selected.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no row is selected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The selected rows.
    pub fn to_vec(&self) -> Vec<K> {
        self.0.clone()
    }
}

/// The header checkbox: checked when every row of `keys` is selected, indeterminate when
/// some are; a change selects or clears them all.
#[component]
pub fn SelectAll<K: RowKey>(
    /// Its accessible name, such as "Select all Apps".
    label: String,
    /// The rows the table shows.
    keys: Vec<K>,
    /// The selection.
    selected: RwSignal<Selected<K>>,
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
                selected.update(|s| keys.iter().for_each(|key| s.set(key, on)));
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
    selected: RwSignal<Selected<K>>,
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
                selected.update(|s| s.set(&*key, on));
                if let (false, Some(everything)) = (on, everything) {
                    everything.set(false);
                }
            }
        />
    }
}

#[cfg(test)]
mod tests {
    use super::Selected;

    #[test]
    fn a_row_is_selected_once_and_cleared_wherever_it_is() {
        let mut selected = Selected::default();
        for (key, on) in [
            (3, true),
            (1, true),
            (3, true),
            (2, true),
            (1, false),
            (9, false),
        ] {
            selected.set(&key, on);
        }
        assert_eq!(selected.to_vec(), vec![3, 2]);
        assert_eq!(selected.len(), 2);
        assert!(selected.contains(&2) && !selected.contains(&1));
        selected.set(&3, false);
        selected.set(&2, false);
        assert!(selected.is_empty());
    }
}
