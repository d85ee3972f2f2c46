//! Previous / Next under a table paged on the server.
use leptos::prelude::*;

/// Shown only when there is more than one page.
#[component]
pub fn Pager(
    /// The navigation's accessible name, such as "Pages of Apps".
    label: &'static str,
    /// The current page, from 0.
    page: RwSignal<u64>,
    /// How many rows there are in all.
    total: u64,
    /// Rows per page.
    page_size: u64,
    /// What the rows are, for "Page 1 of 3 (120 Apps)".
    noun: &'static str,
) -> impl IntoView {
    let pages = total.div_ceil(page_size.max(1));
    let current = page.get_untracked();
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=label>
                <button type="button" disabled=current == 0 on:click=move |_| page.set(current.saturating_sub(1))>"Previous"</button>
                <span>{format!("Page {} of {pages} ({total} {noun})", current + 1)}</span>
                <button type="button" disabled=current + 1 >= pages on:click=move |_| page.set(current + 1)>"Next"</button>
            </nav>
        }
    })
}
