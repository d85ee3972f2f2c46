//! The App Registration tab: the Apps registered in the scope, filtered, sorted and paged on
//! the server like Apps Management, with Add App and Remove Selected.
use leptos::prelude::*;
use leptos_router::components::A;

use super::apps_location::{AppsAddress, AppsLocation, AppsTab, ListView, app_href};
use super::console::use_account;
use super::list_filter::ListFilter;
use super::sort_header::SortHeader;
use crate::apps::{
    AppPage, AppRow, PAGE_SIZE, RegisteredSort, RemoveApps, SortColumn, list_registered_apps,
};
use crate::components::icon::{ADD, EXTERNAL_LINK};
use crate::components::{
    ApiSwitch, DescriptionHint, Icon, LocalTime, LookalikeNote, PageTo, Pager, RemoveSelected,
    SelectAll, SelectRow, Selected, Skeleton, counted, use_notices,
};
use crate::domain::{AccountLevel, ApiKind};

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
    let apps = crate::codec::resource(
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
    notices.report(remove.value(), |count| {
        format!("{} removed", counted(count, "App", "Apps"))
    });
    view! {
        <ApiSwitch
            id="registration-api"
            selected=Signal::derive(move || shown.with(|(api, _)| *api))
            on_change=Callback::new(move |api| {
                address.show(address.location.with_untracked(|now| now.on_api(api)), false)
            })
        />
        <ListFilter
            id="registered-filter"
            tab=AppsTab::Registration
            param="reg_filter"
            address
            api=Signal::derive(move || shown.with(|(api, _)| *api))
            filter=Signal::derive(move || shown.with(|(_, list)| list.filter.clone()))
            filtered=|now, filter| AppsLocation { registration: now.registration.filtered(filter), ..now.clone() }
        />
        <Transition fallback=|| view! { <Skeleton label="Loading Apps" rows=5/> }>
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

#[component]
fn RegisteredApps(
    found: AppPage,
    shown: Shown,
    address: AppsAddress,
    remove: ServerAction<RemoveApps>,
) -> impl IntoView {
    let (api, list) = shown;
    let selected: RwSignal<Selected<String>> = RwSignal::new(Selected::default());
    let toolbar = view! {
        <div class="toolbar">
            <A href=crate::embedding::href(&format!("/apps/new?api={}", api.as_str())) attr:class="button primary">
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
        let href = address.href(|now| AppsLocation {
            registration: now.registration.sorted_by(column),
            ..now.clone()
        });
        view! { <SortHeader column label title=label list=list.clone() href/> }
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
fn AppLine(row: AppRow, selected: RwSignal<Selected<String>>, with_owner: bool) -> impl IntoView {
    view! {
        <tr>
            <td class="select">
                <SelectRow label=format!("Select {}", row.name) key=row.key.clone() selected/>
            </td>
            <td class="app-name"><A href=crate::embedding::href(&app_href(&row.key))>{row.name.clone()}</A></td>
            <td class="description">
                <DescriptionHint id=format!("registered-description-{}", row.key) text=row.description.clone()/>
            </td>
            <td class="homepage-cell">
                <a href=row.homepage.clone() target="_blank" rel="noopener noreferrer"
                    aria-label=format!("{} (opens in a new window)", row.homepage)>
                    {row.homepage.clone()}
                    <Icon icon=EXTERNAL_LINK/>
                </a>
                {row.homepage_lookalike.then(|| view! {
                    <LookalikeNote/>
                })}
            </td>
            {with_owner.then(|| view! { <td>{row.owner_login.clone().unwrap_or_default()}</td> })}
            <td><LocalTime utc=row.updated_at.clone()/></td>
        </tr>
    }
}
