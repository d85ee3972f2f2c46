//! The Apps page: "SystemAPI & UnifiedAPI", with the two tabs of seed 000.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_query_map;

use super::app_registration::AppRegistration;
use super::apps_management::AppsManagement;
use crate::components::{Tab, Tabs};
use crate::domain::ApiKind;

/// The secret of an App registered a moment ago, shown once on its edit form without a
/// Reveal: (App key, secret).
#[derive(Debug, Clone, Copy)]
pub struct JustRegistered(pub RwSignal<Option<(String, String)>>);

/// Everything under `/apps`: the tabs, Add App and the edit form share what was just
/// registered.
#[component]
pub fn AppsSection() -> impl IntoView {
    provide_context(JustRegistered(RwSignal::new(None)));
    view! { <Outlet/> }
}

/// The address of the Apps page on a tab and an API (what Cancel and OK lead back to).
pub fn apps_page_href(tab: &str, api: ApiKind) -> String {
    format!("/apps?tab={tab}&api={}", api.as_str())
}

/// The Apps page; `?tab=registration|management&api=system|unified` picks where it opens.
#[component]
pub fn AppsPage() -> impl IntoView {
    let query = use_query_map();
    let (tab, api, filter) = query.with_untracked(|query| {
        (
            match query.get("tab").as_deref() {
                Some("registration") => "registration",
                _ => "management",
            },
            query
                .get("api")
                .and_then(|api| ApiKind::parse(&api).ok())
                .unwrap_or(ApiKind::UnifiedApi),
            query.get("filter").unwrap_or_default(),
        )
    });
    let tabs = vec![
        Tab::new("management", "Apps Management"),
        Tab::new("registration", "App Registration"),
    ];
    view! {
        <Title text="Apps"/>
        <h1>"Apps"</h1>
        <p class="subtitle">"SystemAPI & UnifiedAPI"</p>
        <Tabs label="Apps" tabs initial=tab panel=move |tab: &'static str| match tab {
                "registration" => view! { <AppRegistration api/> }.into_any(),
                _ => view! { <AppsManagement api filter=filter.clone()/> }.into_any(),
            }/>
    }
}
