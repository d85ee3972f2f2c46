//! Previous / Next under a table paged on the server: links, so each page has an address.
use leptos::prelude::*;
use leptos_router::components::A;

use super::icon::{Icon, NEXT, PREVIOUS};
use super::words::{counted, local_number};

/// How a pager reaches a page.
pub enum PageTo {
    /// The address of a page (from 0).
    Address(Box<dyn Fn(u64) -> String + Send + Sync>),
    /// Called with the page asked for (from 0).
    Call(Callback<u64>),
}

/// Shown only when there is more than one page.
#[component]
pub fn Pager(
    /// The navigation's accessible name, such as "Pages of Apps".
    label: &'static str,
    /// The current page, from 0.
    page: u64,
    /// How many rows there are in all.
    total: u64,
    /// Rows per page.
    page_size: u64,
    /// What one row and many rows are, for "Page 1 of 3 (120 Apps)".
    noun: (&'static str, &'static str),
    /// Where a page is: an address (a list whose page lives in the URL), or a callback
    /// (a list inside a dialog).
    to: PageTo,
) -> impl IntoView {
    let pages = total.div_ceil(page_size.max(1));
    let step = move |target: Option<u64>, text: &'static str, icon, rel: &'static str| {
        let (before, after) = if rel == "prev" {
            (Some(view! { <Icon icon/> }), None)
        } else {
            (None, Some(view! { <Icon icon/> }))
        };
        match (target, &to) {
            (Some(target), PageTo::Address(href)) => view! {
                <A href=crate::embedding::href(&href(target)) scroll=false attr:rel=rel attr:class="button">
                    {before}{text}{after}
                </A>
            }
            .into_any(),
            (Some(target), PageTo::Call(go)) => {
                let go = *go;
                view! {
                    <button type="button" on:click=move |_| go.run(target)>{before}{text}{after}</button>
                }
                .into_any()
            }
            (None, _) => view! {
                <button type="button" disabled>{before}{text}{after}</button>
            }
            .into_any(),
        }
    };
    (pages > 1).then(|| {
        let previous = page.checked_sub(1);
        let next = (page + 1 < pages).then_some(page + 1);
        view! {
            <nav class="pager" aria-label=label>
                {step(previous, "Previous", PREVIOUS, "prev")}
                <span>
                    {format!(
                        "Page {} of {} ({})",
                        local_number(page + 1),
                        local_number(pages),
                        counted(total, noun.0, noun.1)
                    )}
                </span>
                {step(next, "Next", NEXT, "next")}
            </nav>
        }
    })
}
