//! Where the console's cookies are sent, decided once for the server and the browser: `Path`
//! is the base path (the console's cookies never spill over the rest of the host), and with
//! `APPWARD_CROSS_SITE_COOKIES` a cross-site frame may send them (`SameSite=None; Secure;
//! Partitioned`: partitioned by the top-level site, so the portal's frame gets a jar of its
//! own that no other site's frame shares), else `SameSite=Lax`, `Secure` over https.
//!
//! The server sets its cookies (session, frameless mode) through `cookies`, over the `cookie`
//! crate; the browser writes the theme cookie with [`CookieScope::attributes`], so the
//! bundle carries no cookie crate.

/// The attributes every console cookie carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieScope {
    /// `Path`: the base path, `/` at the root of the host.
    pub path: String,
    /// Sent in a cross-site frame: `SameSite=None` and `Partitioned`, else `SameSite=Lax`.
    pub cross_site: bool,
    /// `Secure`: over https, and always with cross-site cookies (browsers allow it on
    /// `http://localhost`).
    pub secure: bool,
}

impl CookieScope {
    /// The scope of a console served under `base_path` (`""` at the root), with cross-site
    /// cookies or not, over https or not.
    pub fn new(base_path: &str, cross_site: bool, https: bool) -> Self {
        Self {
            path: if base_path.is_empty() { "/" } else { base_path }.to_owned(),
            cross_site,
            secure: cross_site || https,
        }
    }

    /// The scope of the page the browser shows: the base path from `<html data-base>`,
    /// cross-site cookies from `<html data-cross-site-cookies>`, https from the location.
    #[cfg(not(feature = "ssr"))]
    pub fn of_page() -> Self {
        let document = leptos::prelude::document();
        let cross_site = document
            .document_element()
            .is_some_and(|root| root.has_attribute("data-cross-site-cookies"));
        let https = document
            .location()
            .and_then(|location| location.protocol().ok())
            .is_some_and(|protocol| protocol == "https:");
        Self::new(&super::base_path(), cross_site, https)
    }

    /// `; Path=…; SameSite=…[; Secure][; Partitioned]`, after `name=value` in a `Set-Cookie`
    /// value or a `document.cookie` assignment (`HttpOnly` is the server's to add).
    pub fn attributes(&self) -> String {
        let mut attributes = format!(
            "; Path={}; SameSite={}",
            self.path,
            if self.cross_site { "None" } else { "Lax" }
        );
        if self.secure {
            attributes.push_str("; Secure");
        }
        if self.cross_site {
            attributes.push_str("; Partitioned");
        }
        attributes
    }
}

#[cfg(test)]
mod tests {
    use super::CookieScope;

    #[test]
    fn the_path_is_the_base_and_cross_site_cookies_are_partitioned() {
        assert_eq!(
            CookieScope::new("", false, false).attributes(),
            "; Path=/; SameSite=Lax"
        );
        assert_eq!(
            CookieScope::new("", false, true).attributes(),
            "; Path=/; SameSite=Lax; Secure"
        );
        assert_eq!(
            CookieScope::new("/console", false, true).attributes(),
            "; Path=/console; SameSite=Lax; Secure"
        );
        for https in [false, true] {
            assert_eq!(
                CookieScope::new("/console", true, https).attributes(),
                "; Path=/console; SameSite=None; Secure; Partitioned"
            );
        }
    }
}
