//! Embedding the console into a larger portal (issue 16): a base path, cross-site cookies,
//! sign-in from the portal (SSO), frameless mode, the operator's theme, and the frame's
//! messages to the portal. Most of it is decided on the server; the browser bundle only
//! learns the base path and the cookies' scope from the rendered page.
#[cfg(feature = "ssr")]
pub mod base_path;
pub mod cookie_scope;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod entities;
#[cfg(feature = "ssr")]
pub mod frameless;
pub mod page_marks;
#[cfg(feature = "ssr")]
pub mod portal_sso;
#[cfg(feature = "ssr")]
pub mod sso_pages;
#[cfg(feature = "ssr")]
pub mod theme;

#[cfg(feature = "ssr")]
pub use crate::infra::embedding_settings::EmbeddingSettings;

/// The path the console is served under (`APPWARD_BASE_PATH`, e.g. `/console`), or `""` at
/// the root of its host. The server reads it from its configuration; the browser from the
/// `data-base` attribute the server rendered on `<html>`.
pub fn base_path() -> String {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<crate::infra::ServerState>()
            .map(|state| state.config.embedding.base_path.clone())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|root| root.get_attribute("data-base"))
            .unwrap_or_default()
    }
}

/// Whether a dialog's default button carries `autofocus`: not in frameless mode, where the
/// console sits in a portal's cross-origin frame, and Chromium blocks (and reports as an
/// error) every autofocus there; `showModal` then focuses the dialog's first control.
pub fn autofocus() -> bool {
    #[cfg(feature = "ssr")]
    {
        !page_marks::PageMarks::current().frameless
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::document()
            .document_element()
            .is_none_or(|root| !root.has_attribute("data-frameless"))
    }
}

/// `path` (a path of the console, `/apps`) as the browser must ask for it: under the base path.
pub fn href(path: &str) -> String {
    format!("{}{path}", base_path())
}

/// A form's `action` for `path` (a server function's URL, `/api/…`): from the root on the
/// server, where the response's rewrite puts the base path in front of every form action
/// (`base_path::outgoing`), and under the base path when the browser renders the form.
pub fn form_action(path: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        path.to_owned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        href(path)
    }
}

/// `GET` and `POST /sso` (sign-in from the portal) and `GET /theme.css` (the operator's
/// stylesheet).
#[cfg(feature = "ssr")]
pub fn routes() -> axum::Router<crate::infra::ServerState> {
    axum::Router::new()
        .route(
            "/sso",
            axum::routing::get(portal_sso::sign_in).post(portal_sso::sign_in_posted),
        )
        .route("/theme.css", axum::routing::get(theme::stylesheet))
}
