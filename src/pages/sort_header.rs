//! A column header of a list of Apps: a link to the list sorted by its column (again:
//! the other way round), with `aria-sort` saying how the list is sorted now.
use leptos::prelude::*;
use leptos_router::components::A;

use super::apps_location::ListView;
use crate::apps::SortColumn;

/// The header of `column`, for the list shown as `list`; `href` is the sorted list's address.
#[component]
pub fn SortHeader<S: SortColumn>(
    /// The column.
    column: S,
    /// The words in the header ("S" for Status).
    label: &'static str,
    /// What the column is, for "Sort by …".
    title: &'static str,
    /// The list as shown now.
    list: ListView<S>,
    /// The address of the list sorted by this column.
    href: String,
) -> impl IntoView {
    let aria_sort = match (list.sort == column, list.descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <A href=crate::embedding::href(&href) scroll=false attr:class="sort" attr:title=format!("Sort by {title}")>
                {label}
                <span class="visually-hidden">{format!(", sort by {title}")}</span>
            </A>
        </th>
    }
}
