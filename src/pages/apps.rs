//! The Apps page: "SystemAPI & UnifiedAPI", with the two tabs of seed 000. Which tab, API,
//! filter, sort and page it shows lives in the address (see [`super::apps_location`]).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

use super::app_registration::AppRegistration;
use super::apps_location::{AppsAddress, AppsTab};
use super::apps_management::AppsManagement;
use crate::components::{Tab, Tabs};

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

/// The Apps page.
#[component]
pub fn AppsPage() -> impl IntoView {
    let address = AppsAddress::read();
    let tabs = vec![
        Tab::new(AppsTab::Management.as_str(), "Apps Management"),
        Tab::new(AppsTab::Registration.as_str(), "App Registration"),
    ];
    // A memo: the panel is rendered again only when the tab changes, not at every change of
    // the address (a filter being typed keeps its box).
    let selected = Memo::new(move |_| address.location.with(|now| now.tab.as_str()));
    let on_select = Callback::new(move |id: &'static str| {
        let tab = if id == AppsTab::Registration.as_str() {
            AppsTab::Registration
        } else {
            AppsTab::Management
        };
        address.show(
            address.location.with_untracked(|now| now.on_tab(tab)),
            false,
        );
    });
    view! {
        <Title text="Apps"/>
        <h1>"Apps"</h1>
        <p class="subtitle">"SystemAPI & UnifiedAPI"</p>
        <Tabs label="Apps" tabs selected on_select panel=move |tab: &'static str| {
            if tab == AppsTab::Registration.as_str() {
                view! { <AppRegistration address/> }.into_any()
            } else {
                view! { <AppsManagement address/> }.into_any()
            }
        }/>
    }
}
