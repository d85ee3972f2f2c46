//! Grey rows standing in for a table while its first page of another view loads (old rows
//! stay instead while the same view refreshes).
use leptos::prelude::*;

/// `rows` placeholder rows; `label` tells assistive technology what is loading.
#[component]
pub fn Skeleton(
    /// What is loading, such as "Loading Apps".
    label: &'static str,
    /// How many rows to draw.
    #[prop(default = 3)]
    rows: usize,
) -> impl IntoView {
    view! {
        <div class="skeleton" aria-busy="true">
            <span class="visually-hidden">{label}</span>
            {(0..rows).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}
