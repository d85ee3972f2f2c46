//! The filter box of a list of Apps: the list (and the address) follow what is typed, a
//! moment after typing stops. Before the page is interactive it is a plain GET form that
//! reloads the tab with the filter in the address.
use leptos::prelude::*;

use super::apps_location::{AppsAddress, AppsLocation, AppsTab};
use crate::apps_management::MAX_FILTER_LENGTH;
use crate::components::Timer;
use crate::domain::ApiKind;

/// How long the filter waits after the last keystroke before it asks the server.
const FILTER_DELAY_MS: u32 = 300;

/// One list's filter box.
#[component]
pub fn ListFilter(
    /// The input's element id.
    id: &'static str,
    /// The tab whose list it filters.
    tab: AppsTab,
    /// Its parameter in the address.
    param: &'static str,
    /// The address of the Apps page.
    address: AppsAddress,
    /// The API shown.
    #[prop(into)]
    api: Signal<ApiKind>,
    /// The filter the address holds now.
    #[prop(into)]
    filter: Signal<String>,
    /// The view with a new filter.
    filtered: fn(&AppsLocation, String) -> AppsLocation,
) -> impl IntoView {
    let typed = StoredValue::new(String::new());
    let follow = Timer::once(FILTER_DELAY_MS, move || {
        let Some(typed) = typed.try_get_value() else {
            return;
        };
        let next = address
            .location
            .with_untracked(|now| filtered(now, typed.trim().to_owned()));
        address.show(next, true);
    });
    view! {
        <form method="get" action="/apps" role="search" class="filter" on:submit=|event| event.prevent_default()>
            <input type="hidden" name="tab" value=tab.as_str()/>
            <input type="hidden" name="api" value=move || api.get().as_str()/>
            <label for=id>"Filter"</label>
            <input
                id=id
                name=param
                type="search"
                maxlength=MAX_FILTER_LENGTH.to_string()
                placeholder="App name or description"
                value=filter.get_untracked()
                prop:value=move || filter.get()
                on:input=move |event| {
                    typed.set_value(event_target_value(&event));
                    follow.start();
                }
            />
        </form>
    }
}
