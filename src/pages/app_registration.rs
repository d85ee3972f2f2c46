//! The App Registration tab: the Apps registered in the scope, filtered, sorted and paged on
//! the server like Apps Management, with Add App and Remove Selected.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_use_fn_debounce_throttle::use_debounce_fn_with_arg;
use std::collections::BTreeSet;

use super::apps_location::{AppsAddress, AppsTab, ListView, app_href};
use super::apps_management::SkeletonRows;
use super::console::use_account;
use crate::apps::{
    AppPage, AppRow, PAGE_SIZE, RegisteredSort, RemoveApps, SortColumn, list_registered_apps,
};
use crate::components::icon::{ADD, EXTERNAL_LINK};
use crate::components::{
    ApiSwitch, DescriptionHint, Icon, LocalTime, PageTo, Pager, RemoveSelected, SelectAll,
    SelectRow, counted, use_notices,
};
use crate::domain::{AccountLevel, ApiKind};

/// How long the filter waits after the last keystroke before it asks the server.
const FILTER_DELAY_MS: f64 = 300.0;

/// What the table shows: the API and the list's filter, sort and page.
type Shown = (ApiKind, ListView<RegisteredSort>);

/// The tab's content.
#[component]
pub fn AppRegistration(address: AppsAddress) -> impl IntoView {
    let notices = use_notices();
    let shown = Memo::new(move |_| {
        address
            .location
            .with(|now| (now.api, now.registration.clone()))
    });
    let remove = ServerAction::<RemoveApps>::new();
    let apps = Resource::new(
        move || (shown.get(), remove.version().get()),
        |((api, list), _)| {
            list_registered_apps(
                api.as_str().to_owned(),
                list.page,
                list.sort.as_str().to_owned(),
                list.descending,
                list.filter,
            )
        },
    );
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(count)) => notices.done(format!("{} removed", counted(count, "App", "Apps"))),
        Some(Err(error)) => notices.failed(&error),
        None => {}
    });
    view! {
        <ApiSwitch
            id="registration-api"
            selected=Signal::derive(move || shown.with(|(api, _)| *api))
            on_change=Callback::new(move |api| {
                address.show(address.location.with_untracked(|now| now.on_api(api)), false)
            })
        />
        <RegistrationFilter address shown/>
        <Transition fallback=|| view! { <SkeletonRows/> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(found) => view! {
                        <RegisteredApps found shown=shown.get_untracked() address remove/>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The filter box of App Registration; a plain GET form before the page is interactive.
#[component]
fn RegistrationFilter(address: AppsAddress, shown: Memo<Shown>) -> impl IntoView {
    let follow = use_debounce_fn_with_arg(
        move |typed: String| {
            let next = address.location.with_untracked(|now| {
                let mut next = now.clone();
                next.registration = now.registration.filtered(typed.trim().to_owned());
                next
            });
            address.show(next, true);
        },
        FILTER_DELAY_MS,
    );
    view! {
        <form method="get" action="/apps" role="search" class="filter" on:submit=|event| event.prevent_default()>
            <input type="hidden" name="tab" value=AppsTab::Registration.as_str()/>
            <input type="hidden" name="api" value=move || shown.with(|(api, _)| api.as_str())/>
            <label for="registered-filter">"Filter"</label>
            <input
                id="registered-filter"
                name="reg_filter"
                type="search"
                maxlength="100"
                placeholder="App name or description"
                value=shown.with_untracked(|(_, list)| list.filter.clone())
                prop:value=move || shown.with(|(_, list)| list.filter.clone())
                on:input=move |event| { follow(event_target_value(&event)); }
            />
        </form>
    }
}

#[component]
fn RegisteredApps(
    found: AppPage,
    shown: Shown,
    address: AppsAddress,
    remove: ServerAction<RemoveApps>,
) -> impl IntoView {
    let (api, list) = shown;
    let selected: RwSignal<BTreeSet<String>> = RwSignal::new(BTreeSet::new());
    let toolbar = view! {
        <div class="toolbar">
            <A href=format!("/apps/new?api={}", api.as_str()) attr:class="button primary">
                <Icon icon=ADD/>
                "Add App"
            </A>
            <RemoveSelected
                id="remove-apps"
                selected
                pending=remove.pending()
                question=|count| format!(
                    "Remove {}? Every access token they hold stops working, and their keys are never used again.",
                    counted(count.unwrap_or(0) as u64, "App", "Apps")
                )
                on_confirm=Callback::new(move |keys| { remove.dispatch(RemoveApps { keys }); })
            />
        </div>
    };
    if found.total == 0 {
        let message = if list.filter.is_empty() {
            format!(
                "No {} Apps are registered in your scope yet. Add App registers one.",
                api.label()
            )
        } else {
            format!("No {} App matches “{}”.", api.label(), list.filter)
        };
        return view! { {toolbar} <p class="empty">{message}</p> }.into_any();
    }
    let with_owner = use_account().level != AccountLevel::User;
    let keys: Vec<String> = found.rows.iter().map(|row| row.key.clone()).collect();
    let header = |column: RegisteredSort, label: &'static str| {
        let aria_sort = match (list.sort == column, list.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let href = address.href(|now| {
            let mut next = now.clone();
            next.registration = now.registration.sorted_by(column);
            next
        });
        view! {
            <th scope="col" aria-sort=aria_sort>
                <A href=href scroll=false attr:class="sort" attr:title=format!("Sort by {label}")>
                    {label}
                    <span class="visually-hidden">", sort by "{label}</span>
                </A>
            </th>
        }
    };
    let pages = PageTo::Address(Box::new(move |page| {
        address.href(|now| {
            let mut next = now.clone();
            next.registration = now.registration.on_page(page);
            next
        })
    }));
    view! {
        {toolbar}
        <div class="table-scroll" role="region" aria-label="Apps registered in your scope" tabindex="0">
            <table class="grid registered">
                <caption>{format!("{} Apps registered in your scope", api.label())}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="select">
                            <SelectAll label="Select all Apps".to_owned() keys selected/>
                        </th>
                        {header(RegisteredSort::App, "App")}
                        {header(RegisteredSort::Description, "Description")}
                        {header(RegisteredSort::Homepage, "Homepage")}
                        {with_owner.then(|| header(RegisteredSort::Owner, "Owner"))}
                        {header(RegisteredSort::Configured, "Configured")}
                    </tr>
                </thead>
                <tbody>
                    {found.rows.into_iter().map(|row| view! { <AppLine row selected with_owner/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager label="Pages of Apps" page=list.page total=found.total page_size=PAGE_SIZE noun=("App", "Apps") to=pages/>
    }
    .into_any()
}

#[component]
fn AppLine(row: AppRow, selected: RwSignal<BTreeSet<String>>, with_owner: bool) -> impl IntoView {
    view! {
        <tr>
            <td class="select">
                <SelectRow label=format!("Select {}", row.name) key=row.key.clone() selected/>
            </td>
            <td class="app-name"><A href=app_href(&row.key)>{row.name.clone()}</A></td>
            <td class="description">
                <DescriptionHint id=format!("registered-description-{}", row.key) text=row.description.clone()/>
            </td>
            <td class="homepage-cell">
                <a href=row.homepage.clone() target="_blank" rel="noopener noreferrer"
                    aria-label=format!("{} (opens in a new window)", row.homepage)>
                    {row.homepage.clone()}
                    <Icon icon=EXTERNAL_LINK/>
                </a>
            </td>
            {with_owner.then(|| view! { <td>{row.owner_login.clone().unwrap_or_default()}</td> })}
            <td><LocalTime utc=row.updated_at.clone()/></td>
        </tr>
    }
}
