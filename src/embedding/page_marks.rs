//! What the server writes into each console page for embedding: the base path, frameless
//! mode, cross-site cookies and the portal origins (attributes of `<html>`, read by
//! `frame.js` and the browser bundle), and the operator's stylesheet.
/// The embedding marks of the page being rendered.
#[derive(Debug, Clone, Default)]
pub struct PageMarks {
    /// The base path (`data-base`).
    pub base: String,
    /// Whether the console hides its own header (`data-frameless`).
    pub frameless: bool,
    /// Whether the console's cookies are cross-site ones (`data-cross-site-cookies`): the
    /// browser writes the theme cookie with the same attributes.
    pub cross_site_cookies: bool,
    /// The exact origins that may frame it, space-separated (`data-frame-origins`).
    pub frame_origins: String,
    /// Whether an operator's stylesheet follows the built-in one.
    pub theme: bool,
    /// The release that rendered the page (`data-release`, see `crate::release`).
    pub release: String,
}

impl PageMarks {
    /// The marks of the request being rendered.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use leptos::prelude::use_context;
            let Some(state) = use_context::<crate::infra::ServerState>() else {
                return Self::default();
            };
            let embedding = &state.config.embedding;
            Self {
                base: embedding.base_path.clone(),
                frameless: use_context::<axum::http::request::Parts>()
                    .is_some_and(|parts| super::frameless::is_frameless(&parts)),
                cross_site_cookies: embedding.cross_site_cookies,
                frame_origins: embedding.frame_origins.join(" "),
                theme: embedding.theme_css.is_some(),
                release: state.bundle.wasm.clone(),
            }
        }
        #[cfg(not(feature = "ssr"))]
        Self::default()
    }
}
