//! The page for an address that leads nowhere.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Answers 404 on the server and tells the user where to go.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found"/>
        <main id="main" class="narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <A href="/">"Go to the home page"</A>"."</p>
        </main>
    }
}
