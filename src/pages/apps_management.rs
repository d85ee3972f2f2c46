//! The Apps Management tab of seed 004: every App in scope plus every App holding the user's
//! authorization, with status, access tokens, removal; sorted, filtered and paged on the
//! server, the view kept in the address, and the counts kept live while the page is seen.
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;

use super::access_tokens_dialog::{AccessTokensDialog, TokensOf};
use super::app_status_switch::AppStatusSwitch;
use super::apps_location::{AppsAddress, AppsLocation, AppsTab, ListView, app_href};
use super::list_filter::ListFilter;
use super::live_counts::{LiveCounts, stamp_now};
use super::sort_header::SortHeader;
use crate::apps::SortColumn;
use crate::apps_management::{
    ManagedAppPage, ManagedAppRow, ManagedSort, PAGE_SIZE, RemoveManagedApps, list_managed_apps,
};
use crate::components::icon::EXTERNAL_LINK;
use crate::components::{
    ApiSwitch, DescriptionHint, Icon, LocalTime, LookalikeNote, PageTo, Pager, RemoveSelected,
    SelectAll, SelectRow, Selected, Skeleton, counted, use_notices,
};
use crate::domain::ApiKind;
use crate::error::ConsoleError;

/// What the table shows: the API and the list's filter, sort and page.
type Shown = (ApiKind, ListView<ManagedSort>);

/// The tab's content.
#[component]
pub fn AppsManagement(address: AppsAddress) -> impl IntoView {
    let notices = use_notices();
    let shown = Memo::new(move |_| {
        address
            .location
            .with(|now| (now.api, now.management.clone()))
    });
    let remove = ServerAction::<RemoveManagedApps>::new();
    let apps = crate::codec::resource(
        move || (shown.get(), remove.version().get()),
        |((api, list), _)| async move {
            let stamp = stamp_now();
            fetch(api, list).await.map(|found| (stamp, found))
        },
    );
    let live = LiveCounts::start(move || {
        let (api, list) = shown.try_get_untracked()?;
        Some(async move {
            fetch(api, list).await.ok().map(|found| {
                found
                    .rows
                    .into_iter()
                    .map(|row| (row.key, row.access_tokens))
                    .collect::<HashMap<_, _>>()
            })
        })
    });
    let tokens_of: RwSignal<Option<TokensOf>> = RwSignal::new(None);
    notices.report(remove.value(), |done| {
        removed_words(done.removed, done.deauthorized)
    });
    view! {
        <ApiSwitch
            id="management-api"
            selected=Signal::derive(move || shown.with(|(api, _)| *api))
            on_change=Callback::new(move |api| {
                address.show(address.location.with_untracked(|now| now.on_api(api)), false)
            })
        />
        <ListFilter
            id="managed-filter"
            tab=AppsTab::Management
            param="filter"
            address
            api=Signal::derive(move || shown.with(|(api, _)| *api))
            filter=Signal::derive(move || shown.with(|(_, list)| list.filter.clone()))
            filtered=|now, filter| AppsLocation { management: now.management.filtered(filter), ..now.clone() }
        />
        <Transition fallback=|| view! { <Skeleton label="Loading Apps" rows=5/> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok((stamp, found)) => view! {
                        <ManagedTable found stamp shown=shown.get_untracked() address remove live tokens_of/>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <AccessTokensDialog tokens_of on_changed=Callback::new(move |_| live.refresh())/>
    }
}

async fn fetch(api: ApiKind, list: ListView<ManagedSort>) -> Result<ManagedAppPage, ConsoleError> {
    list_managed_apps(
        api.as_str().to_owned(),
        list.page,
        list.sort.as_str().to_owned(),
        list.descending,
        list.filter,
    )
    .await
}

fn removed_words(removed: u64, deauthorized: u64) -> String {
    match (removed, deauthorized) {
        (removed, 0) => format!("{} removed", counted(removed, "App", "Apps")),
        (0, deauthorized) => format!("{} de-authorized", counted(deauthorized, "App", "Apps")),
        (removed, deauthorized) => format!(
            "{} removed, {} de-authorized",
            counted(removed, "App", "Apps"),
            counted(deauthorized, "App", "Apps")
        ),
    }
}

/// One page of the table, its selection and Remove Selected. A new page (or a new view)
/// renders a new table, with nothing selected out of sight; the live counts change cells,
/// never the rows, so focus, selection and scroll stay.
#[component]
fn ManagedTable(
    found: ManagedAppPage,
    stamp: u64,
    shown: Shown,
    address: AppsAddress,
    remove: ServerAction<RemoveManagedApps>,
    live: LiveCounts,
    tokens_of: RwSignal<Option<TokensOf>>,
) -> impl IntoView {
    let (api, list) = shown;
    let selected: RwSignal<Selected<String>> = RwSignal::new(Selected::default());
    let toolbar = view! {
        <div class="toolbar">
            <RemoveSelected
                id="remove-managed-apps"
                selected
                pending=remove.pending()
                question=|count| format!(
                    "Remove {}? Apps in your scope are removed with every access token; the others lose your authorization.",
                    counted(count.unwrap_or(0) as u64, "App", "Apps")
                )
                on_confirm=Callback::new(move |keys| { remove.dispatch(RemoveManagedApps { keys }); })
            />
        </div>
    };
    if found.total == 0 {
        let message = if list.filter.is_empty() {
            format!(
                "No {} Apps here yet. Register one in the App Registration tab, or allow an App to use your account.",
                api.label()
            )
        } else {
            format!("No {} App matches “{}”.", api.label(), list.filter)
        };
        return view! { {toolbar} <p class="empty">{message}</p> }.into_any();
    }
    let keys: Vec<String> = found.rows.iter().map(|row| row.key.clone()).collect();
    let header = |column: ManagedSort, label: &'static str| {
        let href = address.href(|now| AppsLocation {
            management: now.management.sorted_by(column),
            ..now.clone()
        });
        let title = if label == "S" { "Status" } else { label };
        view! { <SortHeader column label title list=list.clone() href/> }
    };
    let pages = PageTo::Address(Box::new(move |page| {
        address.href(|now| {
            let mut next = now.clone();
            next.management = now.management.on_page(page);
            next
        })
    }));
    view! {
        {toolbar}
        <div class="table-scroll" role="region" aria-label="Apps you manage or have authorized" tabindex="0">
            <table class="grid managed">
                <caption>{format!("{} Apps you manage or have authorized", api.label())}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="select">
                            <SelectAll label="Select all Apps".to_owned() keys selected/>
                        </th>
                        {header(ManagedSort::Status, "S")}
                        {header(ManagedSort::App, "App")}
                        {header(ManagedSort::Description, "Description")}
                        {header(ManagedSort::AccessTokens, "Access Tokens")}
                        {header(ManagedSort::Configured, "Configured")}
                    </tr>
                </thead>
                <tbody>
                    {found.rows.into_iter().map(|row| view! {
                        <ManagedLine row stamp selected live tokens_of/>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Pages of Apps" page=list.page total=found.total page_size=PAGE_SIZE noun=("App", "Apps") to=pages/>
    }
    .into_any()
}

#[component]
fn ManagedLine(
    row: ManagedAppRow,
    stamp: u64,
    selected: RwSignal<Selected<String>>,
    live: LiveCounts,
    tokens_of: RwSignal<Option<TokensOf>>,
) -> impl IntoView {
    let name = row.name.clone();
    let key = row.key.clone();
    let tokens = {
        let key = key.clone();
        let initial = row.access_tokens;
        Signal::derive(move || live.count(&key, stamp).unwrap_or(initial))
    };
    let opened = TokensOf {
        key: key.clone(),
        name: name.clone(),
    };
    let app_link = if row.manageable {
        view! { <A href=crate::embedding::href(&app_href(&key))>{row.name.clone()}</A> }.into_any()
    } else {
        view! { <span>{row.name.clone()}</span> }.into_any()
    };
    let count_name = name.clone();
    // The button stays (and keeps focus) while only its number changes.
    let has_tokens = Memo::new(move |_| tokens.get() > 0);
    view! {
        <tr>
            <td class="select">
                <SelectRow label=format!("Select {name}") key=key.clone() selected/>
            </td>
            <td class="status-cell">
                <AppStatusSwitch key=key.clone() name=name.clone() suspended=row.suspended manageable=row.manageable/>
            </td>
            <td class="app-name">
                {app_link}
                <a
                    class="homepage"
                    href=row.homepage_href.clone()
                    target="_blank"
                    rel="noopener noreferrer"
                    aria-label=format!("Open the homepage of {name} in a new window")
                    title=row.homepage.clone()
                >
                    <Icon icon=EXTERNAL_LINK/>
                </a>
                {row.homepage_lookalike.then(|| view! {
                    <LookalikeNote/>
                })}
            </td>
            <td class="description"><DescriptionHint id=format!("description-{key}") text=row.description.clone()/></td>
            <td class="tokens">
                {move || if has_tokens.get() {
                    let (opened, count_name) = (opened.clone(), count_name.clone());
                    view! {
                        <button
                            type="button"
                            class="link"
                            aria-haspopup="dialog"
                            aria-label=move || format!("{} of {count_name}", counted(tokens.get(), "access token", "access tokens"))
                            on:click=move |_| tokens_of.set(Some(opened.clone()))
                        >
                            {move || tokens.get().to_string()}
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
