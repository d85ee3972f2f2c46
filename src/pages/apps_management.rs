//! The Apps Management tab of seed 004: every App in scope plus every App holding the user's
//! authorization, with status, access tokens, removal; sorted, filtered and paged on the
//! server, and refreshed while the page is open.
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::BTreeSet;

use super::access_tokens_dialog::{AccessTokensDialog, TokensOf};
use crate::apps::SetAppStatus;
use crate::apps_management::{
    ManagedAppPage, ManagedAppRow, ManagedSort, PAGE_SIZE, RemoveManagedApps, list_managed_apps,
};
use crate::components::{
    ApiSwitch, DescriptionHint, ErrorNotice, LocalTime, Pager, RemoveSelected, SelectAll, SelectRow,
};
use crate::domain::ApiKind;
use crate::error::AppError;

/// How often the counts are refreshed while the page is open (milliseconds).
const REFRESH_MS: u32 = 15_000;

/// What the table shows: API, page, sort and filter.
#[derive(Debug, Clone, Copy)]
struct View {
    api: RwSignal<ApiKind>,
    page: RwSignal<u64>,
    sort: RwSignal<ManagedSort>,
    descending: RwSignal<bool>,
    filter: RwSignal<String>,
}

/// The tab's content, opening on the Apps of `api` that match `filter` (from the address,
/// so that the filter form works before the page is interactive too).
#[component]
pub fn AppsManagement(api: ApiKind, filter: String) -> impl IntoView {
    let view_state = View {
        api: RwSignal::new(api),
        page: RwSignal::new(0),
        sort: RwSignal::new(ManagedSort::App),
        descending: RwSignal::new(false),
        filter: RwSignal::new(filter),
    };
    let View {
        api,
        page,
        sort,
        descending,
        filter,
    } = view_state;
    let refresh = RwSignal::new(0u64);
    let remove = ServerAction::<RemoveManagedApps>::new();
    let selected: RwSignal<BTreeSet<String>> = RwSignal::new(BTreeSet::new());
    let tokens_of: RwSignal<Option<TokensOf>> = RwSignal::new(None);
    let status_error: RwSignal<Option<AppError>> = RwSignal::new(None);
    let apps = Resource::new(
        move || {
            (
                api.get(),
                page.get(),
                sort.get(),
                descending.get(),
                filter.get(),
                refresh.get(),
                remove.version().get(),
            )
        },
        |(api, page, sort, descending, filter, _, _)| {
            list_managed_apps(
                api.as_str().to_owned(),
                page,
                sort.as_str().to_owned(),
                descending,
                filter,
            )
        },
    );
    Effect::new(move |_| {
        api.track();
        filter.track();
        sort.track();
        descending.track();
        if page.get_untracked() != 0 {
            page.set(0);
        }
    });
    Effect::new(move |_| {
        api.track();
        page.track();
        filter.track();
        selected.set(BTreeSet::new());
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            selected.set(BTreeSet::new());
        }
    });
    keep_refreshing(refresh);
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    view! {
        <ApiSwitch id="management-api" selected=api/>
        <div class="toolbar">
            <FilterBox filter api/>
            <RemoveSelected
                id="remove-managed-apps"
                selected
                pending=remove.pending()
                question=|count| format!(
                    "Remove {count} App(s)? Apps in your scope are removed with every access token; the others lose your authorization."
                )
                on_confirm=Callback::new(move |keys| { remove.dispatch(RemoveManagedApps { keys }); })
            />
        </div>
        <ErrorNotice error=remove_error/>
        <ErrorNotice error=Signal::derive(move || status_error.get())/>
        <p class="status" role="status">
            {move || match remove.value().get() {
                Some(Ok(done)) => format!(
                    "Removed {} App(s); de-authorized {} App(s).",
                    done.removed, done.deauthorized
                ),
                _ => String::new(),
            }}
        </p>
        <Transition fallback=|| view! { <p role="status">"Loading Apps…"</p> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(found) => view! {
                        <ManagedApps found view_state selected tokens_of status_error/>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <AccessTokensDialog tokens_of on_changed=Callback::new(move |_| refresh.update(|n| *n += 1))/>
    }
}

/// Refreshes the table every [`REFRESH_MS`] while the tab is shown (in the browser only).
fn keep_refreshing(refresh: RwSignal<u64>) {
    #[cfg(feature = "hydrate")]
    {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let alive = Arc::new(AtomicBool::new(true));
        let running = alive.clone();
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(REFRESH_MS).await;
                if !running.load(Ordering::Relaxed) {
                    break;
                }
                refresh.update(|n| *n += 1);
            }
        });
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (refresh, REFRESH_MS);
}

/// The filter box: the table follows what is typed, a moment after typing stops. Before the
/// page is interactive it is a plain GET form that reloads the tab with `?filter=`.
#[component]
fn FilterBox(filter: RwSignal<String>, api: RwSignal<ApiKind>) -> impl IntoView {
    let typed = StoredValue::new(0u64);
    let on_input = move |event: leptos::ev::Event| {
        let value = event_target_value(&event);
        typed.update_value(|n| *n += 1);
        let mine = typed.get_value();
        #[cfg(feature = "hydrate")]
        gloo_timers::callback::Timeout::new(300, move || {
            if typed.try_get_value() == Some(mine) {
                filter.set(value);
            }
        })
        .forget();
        #[cfg(not(feature = "hydrate"))]
        let _ = (mine, value);
    };
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        typed.update_value(|n| *n += 1);
    };
    view! {
        <form method="get" action="/apps" role="search" class="filter" on:submit=on_submit>
            <input type="hidden" name="tab" value="management"/>
            <input type="hidden" name="api" value=move || api.get().as_str()/>
            <label for="managed-filter">"Filter"</label>
            <input
                id="managed-filter"
                name="filter"
                type="search"
                maxlength="100"
                placeholder="App name or description"
                value=filter.get_untracked()
                prop:value=move || filter.get()
                on:input=on_input
            />
        </form>
    }
}

#[component]
fn ManagedApps(
    found: ManagedAppPage,
    view_state: View,
    selected: RwSignal<BTreeSet<String>>,
    tokens_of: RwSignal<Option<TokensOf>>,
    status_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let api = view_state.api.get_untracked();
    if found.total == 0 {
        let filter = view_state.filter.get_untracked();
        let message = if filter.trim().is_empty() {
            format!(
                "No {} Apps here yet. Register one in the App Registration tab, or allow an App to use your account.",
                api.label()
            )
        } else {
            format!("No {} App matches “{}”.", api.label(), filter.trim())
        };
        return view! { <p class="empty">{message}</p> }.into_any();
    }
    let keys: Vec<String> = found.rows.iter().map(|row| row.key.clone()).collect();
    view! {
        <table class="grid managed">
            <caption>{format!("{} Apps you manage or have authorized", api.label())}</caption>
            <thead>
                <tr>
                    <th scope="col" class="select">
                        <SelectAll label="Select all Apps".to_owned() keys selected/>
                    </th>
                    <SortHeader column=ManagedSort::Status label="S" title="Status" view_state/>
                    <SortHeader column=ManagedSort::App label="App" title="App" view_state/>
                    <SortHeader column=ManagedSort::Description label="Description" title="Description" view_state/>
                    <SortHeader column=ManagedSort::AccessTokens label="Access Tokens" title="Access Tokens" view_state/>
                    <SortHeader column=ManagedSort::Configured label="Configured" title="Configured" view_state/>
                </tr>
            </thead>
            <tbody>
                {found.rows.into_iter().map(|row| view! {
                    <ManagedLine row selected tokens_of status_error/>
                }).collect_view()}
            </tbody>
        </table>
        <Pager label="Pages of Apps" page=view_state.page total=found.total page_size=PAGE_SIZE noun="Apps"/>
    }
    .into_any()
}

/// A column header that sorts by its column; again reverses the order.
#[component]
fn SortHeader(
    column: ManagedSort,
    label: &'static str,
    title: &'static str,
    view_state: View,
) -> impl IntoView {
    let View {
        sort, descending, ..
    } = view_state;
    let aria_sort = move || match (sort.get() == column, descending.get()) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    view! {
        <th scope="col" aria-sort=aria_sort>
            <button
                type="button"
                class="sort"
                title=format!("Sort by {title}")
                on:click=move |_| {
                    if sort.get_untracked() == column {
                        descending.update(|d| *d = !*d);
                    } else {
                        sort.set(column);
                        descending.set(false);
                    }
                }
            >
                {label}
            </button>
        </th>
    }
}

#[component]
fn ManagedLine(
    row: ManagedAppRow,
    selected: RwSignal<BTreeSet<String>>,
    tokens_of: RwSignal<Option<TokensOf>>,
    status_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let name = row.name.clone();
    let hint_id = format!("description-{}", row.key);
    let tokens = row.access_tokens;
    let opened = TokensOf {
        key: row.key.clone(),
        name: row.name.clone(),
    };
    let app_link = if row.manageable {
        view! { <A href=format!("/apps/{}", row.key)>{row.name.clone()}</A> }.into_any()
    } else {
        view! { <span>{row.name.clone()}</span> }.into_any()
    };
    view! {
        <tr>
            <td class="select">
                <SelectRow label=format!("Select {name}") key=row.key.clone() selected/>
            </td>
            <td class="status-cell">
                <StatusToggle
                    key=row.key.clone()
                    name=name.clone()
                    suspended=row.suspended
                    manageable=row.manageable
                    status_error
                />
            </td>
            <td>
                {app_link}
                " "
                <a
                    class="homepage"
                    href=row.homepage_href.clone()
                    target="_blank"
                    rel="noopener noreferrer"
                    aria-label=format!("Open the homepage of {name} in a new window")
                    title=row.homepage.clone()
                >
                    "↗"
                </a>
            </td>
            <td class="description"><DescriptionHint id=hint_id text=row.description.clone()/></td>
            <td class="tokens">
                {if tokens > 0 {
                    view! {
                        <button
                            type="button"
                            class="link"
                            aria-label=format!("{tokens} access tokens of {name}")
                            on:click=move |_| tokens_of.set(Some(opened.clone()))
                        >
                            {tokens.to_string()}
                        </button>
                    }.into_any()
                } else {
                    view! { <span>"0"</span> }.into_any()
                }}
            </td>
            <td><LocalTime utc=row.updated_at.clone()/></td>
        </tr>
    }
}

/// S: the App's status. A click suspends or enables it at once on screen; if the server
/// refuses, the icon goes back and the reason is shown.
#[component]
fn StatusToggle(
    key: String,
    name: String,
    suspended: bool,
    manageable: bool,
    status_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let shown = RwSignal::new(suspended);
    let attempted = StoredValue::new(suspended);
    let toggle = ServerAction::<SetAppStatus>::new();
    Effect::new(move |_| {
        if let Some(result) = toggle.value().get() {
            match result {
                Ok(now_suspended) => {
                    shown.set(now_suspended);
                    status_error.set(None);
                }
                Err(error) => {
                    shown.set(!attempted.get_value());
                    status_error.set(Some(error));
                }
            }
        }
    });
    let label_name = name.clone();
    let form_key = key.clone();
    // Before the page is interactive, the button posts this form and the server sends the
    // browser back to the table; afterwards the click is handled here, at once.
    view! {
        <form
            method="post"
            action="/api/set_app_status"
            class="status-form"
            on:submit=move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                let next = !shown.get_untracked();
                attempted.set_value(next);
                shown.set(next);
                toggle.dispatch(SetAppStatus { key: key.clone(), suspended: next });
            }
        >
            <input type="hidden" name="key" value=form_key/>
            <input type="hidden" name="suspended" value=move || (!shown.get()).to_string()/>
            <button
                type="submit"
                class="status-icon"
                class:suspended=move || shown.get()
                disabled=!manageable
                aria-label=move || {
                    if shown.get() { format!("Enable {label_name}") } else { format!("Suspend {label_name}") }
                }
                title=move || match (shown.get(), manageable) {
                    (false, true) => "Enabled: click to suspend",
                    (true, true) => "Suspended: click to enable",
                    (false, false) => "Enabled",
                    (true, false) => "Suspended",
                }
            >
                {move || if shown.get() { "⏸" } else { "●" }}
            </button>
        </form>
    }
}
