//! Appward: register third-party Apps (OAuth 2.0 clients) and manage their access.
#![recursion_limit = "256"]

pub mod access_tokens;
pub mod accounts;
pub mod apps;
pub mod apps_management;
pub mod codec;
pub mod components;
pub mod domain;
pub mod embedding;
pub mod error;
pub mod listing;
pub mod pages;
pub mod release;
pub mod session;
pub mod shell;

#[cfg(feature = "ssr")]
pub mod infra;
#[cfg(feature = "ssr")]
pub mod oauth;
#[cfg(feature = "ssr")]
pub mod operations;
#[cfg(feature = "ssr")]
pub mod resources;
#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the browser bundle: hydrates the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Server functions live under the base path the server rendered into the page.
    let base = embedding::base_path();
    if !base.is_empty() {
        let _ = leptos::server_fn::client::try_set_server_url(Box::leak(base.into_boxed_str()));
    }
    // Hydrates once the split-out code of the page shown (if any) is loaded.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body().expect("a <body>");
        leptos::mount::hydrate_from_async(body, shell::ConsoleRoutes)
            .await
            .forget();
        // Lets browser tests (and operators' scripts) know the console is interactive.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
