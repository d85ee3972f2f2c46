//! The attributes of every cookie the console sets: its `Path` is the base path, and with
//! `APPWARD_CROSS_SITE_COOKIES` a cross-site frame may send it (`SameSite=None; Secure;
//! Partitioned`: partitioned by the top-level site, so the portal's frame gets a jar of its
//! own that no other site's frame shares).
use crate::infra::Config;

/// `; Path=…; HttpOnly; SameSite=…[; Secure][; Partitioned]`, for a `Set-Cookie` value.
pub fn attributes(config: &Config) -> String {
    let path = if config.embedding.base_path.is_empty() {
        "/"
    } else {
        config.embedding.base_path.as_str()
    };
    if config.embedding.cross_site_cookies {
        format!("; Path={path}; HttpOnly; SameSite=None; Secure; Partitioned")
    } else {
        format!(
            "; Path={path}; HttpOnly; SameSite=Lax{}",
            if config.is_https() { "; Secure" } else { "" }
        )
    }
}

/// The value of the cookie `name` among a request's headers, if set and not empty.
pub fn value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}
