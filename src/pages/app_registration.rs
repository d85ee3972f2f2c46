//! The App Registration tab: the Apps registered in the scope, Add App, Remove Selected.
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::BTreeSet;

use super::apps::apps_page_href;
use super::console::use_account;
use crate::apps::{AppPage, AppRow, PAGE_SIZE, RemoveApps, list_registered_apps};
use crate::components::{
    ApiSwitch, ErrorNotice, LocalTime, Pager, RemoveSelected, SelectAll, SelectRow,
};
use crate::domain::{AccountLevel, ApiKind};

/// The tab's content, opening on the Apps of `api`.
#[component]
pub fn AppRegistration(api: ApiKind) -> impl IntoView {
    let api = RwSignal::new(api);
    let page = RwSignal::new(0u64);
    let remove = ServerAction::<RemoveApps>::new();
    let selected: RwSignal<BTreeSet<String>> = RwSignal::new(BTreeSet::new());
    let apps = Resource::new(
        move || (api.get(), page.get(), remove.version().get()),
        |(api, page, _)| list_registered_apps(api.as_str().to_owned(), page),
    );
    // A new API or page shows other rows: nothing stays selected out of sight.
    Effect::new(move |_| {
        api.track();
        page.track();
        selected.set(BTreeSet::new());
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            selected.set(BTreeSet::new());
        }
    });
    Effect::new(move |_| {
        api.track();
        page.set(0);
    });
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    let add_href = move || format!("/apps/new?api={}", api.get().as_str());
    view! {
        <ApiSwitch id="registration-api" selected=api/>
        <div class="toolbar">
            <A href=add_href attr:class="button primary">"Add App"</A>
            <RemoveSelected
                id="remove-apps"
                selected
                pending=remove.pending()
                question=|count| format!(
                    "Remove {count} App(s)? Every access token they hold stops working, and their keys are never used again."
                )
                on_confirm=Callback::new(move |keys| { remove.dispatch(RemoveApps { keys }); })
            />
        </div>
        <ErrorNotice error=remove_error/>
        <p class="status" role="status">
            {move || match remove.value().get() {
                Some(Ok(count)) => format!("Removed {count} App(s)."),
                _ => String::new(),
            }}
        </p>
        <Transition fallback=|| view! { <p role="status">"Loading Apps…"</p> }>
            {move || Suspend::new(async move {
                match apps.await {
                    Ok(found) => view! { <RegisteredApps found selected page api=api.get_untracked()/> }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RegisteredApps(
    found: AppPage,
    selected: RwSignal<BTreeSet<String>>,
    page: RwSignal<u64>,
    api: ApiKind,
) -> impl IntoView {
    if found.total == 0 {
        return view! {
            <p class="empty">{format!("No {} Apps are registered in your scope yet. Add App registers one.", api.label())}</p>
        }
        .into_any();
    }
    let with_owner = use_account().level != AccountLevel::User;
    let keys: Vec<String> = found.rows.iter().map(|row| row.key.clone()).collect();
    view! {
        <table class="grid">
            <caption>{format!("{} Apps registered in your scope", api.label())}</caption>
            <thead>
                <tr>
                    <th scope="col" class="select">
                        <SelectAll label="Select all Apps".to_owned() keys selected/>
                    </th>
                    <th scope="col">"App"</th>
                    <th scope="col">"Description"</th>
                    <th scope="col">"Homepage"</th>
                    {with_owner.then(|| view! { <th scope="col">"Owner"</th> })}
                    <th scope="col">"Configured"</th>
                </tr>
            </thead>
            <tbody>
                {found.rows.into_iter().map(|row| view! { <AppLine row selected with_owner/> }).collect_view()}
            </tbody>
        </table>
        <Pager label="Pages of Apps" page total=found.total page_size=PAGE_SIZE noun="Apps"/>
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
            <td><A href=format!("/apps/{}", row.key)>{row.name.clone()}</A></td>
            <td class="description" title=row.description.clone()>{row.description.clone()}</td>
            <td>
                <a href=row.homepage.clone() target="_blank" rel="noopener noreferrer">{row.homepage.clone()}</a>
            </td>
            {with_owner.then(|| view! { <td>{row.owner_login.clone().unwrap_or_default()}</td> })}
            <td><LocalTime utc=row.updated_at.clone()/></td>
        </tr>
    }
}

/// Where the Apps page's App Registration tab on `api` is.
pub fn registration_href(api: ApiKind) -> String {
    apps_page_href("registration", api)
}
