//! The page for an address that leads nowhere.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Answers 404 on the server and tells the user where to go.
#[component]
pub fn NotFound() -> impl IntoView {
    super::set_page_status(404);
    view! {
        <Title text="Not found"/>
        <main id="main" class="narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <A href=crate::embedding::href("/")>"Go to the home page"</A>"."</p>
        </main>
    }
}
