//! Light and dark: the palette follows the system unless the viewer chose one, and the
//! choice is kept in a cookie so that the server renders the right theme at once (no
//! flash). The stylesheet reads the choice from `<html data-theme>`. The browser writes the
//! cookie with the attributes of the server's cookies (`CookieScope`): under the base path,
//! and a cross-site one when the console's cookies are.
use leptos::prelude::*;

/// The cookie that keeps the viewer's choice.
pub const THEME_COOKIE: &str = "appward_theme";

/// The viewer's choice of palette.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system's light or dark preference.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// Every choice, in the switch's order.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    /// The value of `data-theme` and of the cookie.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The words of the switch.
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }

    /// The choice named `value`; the system's for anything else.
    pub fn parse(value: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|theme| theme.as_str() == value)
            .unwrap_or_default()
    }

    /// The choice the page being rendered carries (the request's cookie on the server,
    /// `<html data-theme>` in the browser).
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            // The first one sent is the most specific path's (a choice kept at `Path=/`
            // before the console had a base path comes after it).
            use_context::<axum::http::request::Parts>()
                .and_then(|parts| crate::embedding::cookies::first(&parts.headers, THEME_COOKIE))
                .map(|value| Self::parse(&value))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            document()
                .document_element()
                .and_then(|root| root.get_attribute("data-theme"))
                .map(|value| Self::parse(&value))
                .unwrap_or_default()
        }
    }

    /// Applies the choice to the page and keeps it for a year, in a cookie of the console's
    /// scope.
    fn apply(self) {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let document = document();
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("data-theme", self.as_str());
            }
            if let Ok(html) = document.dyn_into::<web_sys::HtmlDocument>() {
                let scope = crate::embedding::cookie_scope::CookieScope::of_page();
                let _ = html.set_cookie(&format!(
                    "{THEME_COOKIE}={}{}; Max-Age=31536000",
                    self.as_str(),
                    scope.attributes()
                ));
            }
        }
    }
}

/// The theme switch: System, Light or Dark.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let chosen = RwSignal::new(Theme::current());
    view! {
        <div class="theme-switch">
            <label for="theme-switch">"Theme"</label>
            <select
                id="theme-switch"
                on:change=move |event| {
                    let theme = Theme::parse(&event_target_value(&event));
                    chosen.set(theme);
                    theme.apply();
                }
            >
                {Theme::ALL
                    .into_iter()
                    .map(|theme| view! {
                        <option value=theme.as_str() selected=move || chosen.get() == theme>
                            {theme.label()}
                        </option>
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn the_cookie_names_the_choice_and_anything_else_follows_the_system() {
        assert_eq!(Theme::parse("dark"), Theme::Dark);
        assert_eq!(Theme::parse("light"), Theme::Light);
        assert_eq!(Theme::parse("purple"), Theme::System);
        assert_eq!(Theme::parse(""), Theme::System);
    }
}
