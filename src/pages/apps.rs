//! The Apps page: "SystemAPI & UnifiedAPI", with the two tabs of seed 000.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{Tab, Tabs};

/// The Apps page; the tabs' contents arrive with App Registration and Apps Management.
#[component]
pub fn AppsPage() -> impl IntoView {
    let tabs = vec![
        Tab::new("management", "Apps Management"),
        Tab::new("registration", "App Registration"),
    ];
    view! {
        <Title text="Apps"/>
        <h1>"Apps"</h1>
        <p class="subtitle">"SystemAPI & UnifiedAPI"</p>
        <Tabs label="Apps" tabs panel=move |tab: &'static str| match tab {
                "registration" => view! {
                    <p class="empty">"No Apps are registered in your scope yet."</p>
                }.into_any(),
                _ => view! {
                    <p class="empty">"No Apps yet. Register one in the App Registration tab."</p>
                }.into_any(),
            }/>
    }
}
