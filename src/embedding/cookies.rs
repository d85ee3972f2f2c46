//! The console's cookies on the server (the session, frameless mode, the theme): read from a
//! request's `Cookie` headers and written as `Set-Cookie` values through the `cookie` crate,
//! each with the attributes of [`CookieScope`] (the base path as `Path`, the cross-site
//! attributes with `APPWARD_CROSS_SITE_COOKIES`), which the browser shares for the one cookie
//! it writes (the theme).
use axum::http::{HeaderMap, header};
use cookie::{Cookie, SameSite};

use super::cookie_scope::CookieScope;
use crate::infra::Config;

/// Who reads a cookie besides the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// The server only: `HttpOnly` (the session, frameless mode).
    Server,
    /// The page's script too (the theme, which the browser writes).
    Page,
}

/// The scope of the console's cookies under `config`.
pub fn scope(config: &Config) -> CookieScope {
    CookieScope::new(
        &config.embedding.base_path,
        config.embedding.cross_site_cookies,
        config.is_https(),
    )
}

/// Every value of the cookie `name` among the request's headers, in the order the browser
/// sent them (the most specific path first); more than one when cookies of that name were
/// set with several paths or domains.
pub fn sent(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == name)
        .map(|cookie| cookie.value().to_owned())
        .collect()
}

/// The value of the cookie `name` when the request carries it exactly once, not empty. Sent
/// twice, it is nobody's: which one the console set cannot be told.
pub fn only(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = sent(headers, name);
    (values.len() == 1)
        .then(|| values.remove(0))
        .filter(|value| !value.is_empty())
}

/// The first value of the cookie `name` the request carries, if not empty: for a preference,
/// where a stale copy of another path does no harm.
pub fn first(headers: &HeaderMap, name: &str) -> Option<String> {
    sent(headers, name)
        .into_iter()
        .next()
        .filter(|value| !value.is_empty())
}

/// The `Set-Cookie` value that gives the browser the console cookie `name` (for the browser
/// session: no `Max-Age`).
pub fn set(config: &Config, name: &str, value: &str, reader: Reader) -> String {
    build(&scope(config), name, value, reader).to_string()
}

/// The `Set-Cookie` value that removes the console cookie `name` as [`set`] gave it.
pub fn removal(config: &Config, name: &str, reader: Reader) -> String {
    let mut cookie = build(&scope(config), name, "", reader);
    cookie.make_removal();
    cookie.to_string()
}

/// The `Set-Cookie` values that remove the cookie `name` whatever path and domain it was set
/// with, for a request to `request_path` (the path the browser asked for, base path
/// included): the cookies it sent all have one of these. Each path that leads to
/// `request_path` (`/`, `/console`, `/console/`, `/console/apps`, at most six segments
/// deep), on the console's host and on each parent domain (where a sibling host can set
/// one), partitioned or not with cross-site cookies.
pub fn removals_everywhere(config: &Config, name: &str, request_path: &str) -> Vec<String> {
    let scope = scope(config);
    let host_only = name.starts_with("__Host-");
    let paths = if host_only {
        vec!["/".to_owned()]
    } else {
        paths_leading_to(request_path)
    };
    let mut domains: Vec<Option<String>> = vec![None];
    if !host_only {
        domains.extend(parent_domains(&config.public_url).into_iter().map(Some));
    }
    let partitions: &[bool] = if scope.cross_site {
        &[true, false]
    } else {
        &[false]
    };
    let mut removals = Vec::new();
    for path in &paths {
        for domain in &domains {
            for &partitioned in partitions {
                let mut cookie = build(
                    &CookieScope {
                        path: path.clone(),
                        ..scope.clone()
                    },
                    name,
                    "",
                    Reader::Server,
                );
                cookie.set_partitioned(partitioned);
                if let Some(domain) = domain {
                    cookie.set_domain(domain.clone());
                }
                cookie.make_removal();
                removals.push(cookie.to_string());
            }
        }
    }
    removals
}

fn build(scope: &CookieScope, name: &str, value: &str, reader: Reader) -> Cookie<'static> {
    Cookie::build((name.to_owned(), value.to_owned()))
        .path(scope.path.clone())
        .http_only(reader == Reader::Server)
        .same_site(if scope.cross_site {
            SameSite::None
        } else {
            SameSite::Lax
        })
        .secure(scope.secure)
        .partitioned(scope.cross_site)
        .build()
}

/// The paths a cookie sent with a request to `path` can have (RFC 6265 §5.1.4).
fn paths_leading_to(path: &str) -> Vec<String> {
    let path = path.split('?').next().unwrap_or_default();
    let mut paths = vec!["/".to_owned()];
    for (depth, (end, _)) in path.match_indices('/').skip(1).enumerate() {
        if depth == 5 {
            return paths;
        }
        paths.push(path[..end].to_owned());
        paths.push(path[..=end].to_owned());
    }
    if path.len() > 1 && !path.ends_with('/') {
        paths.push(path.to_owned());
    }
    paths
}

/// The console's host and its parent domains but the last label (`console.example.com`,
/// `example.com`): none for an address or a one-label host (`localhost`).
fn parent_domains(public_url: &str) -> Vec<String> {
    let Some(host) = url::Url::parse(public_url)
        .ok()
        .and_then(|url| url.domain().map(str::to_owned))
    else {
        return Vec::new();
    };
    let labels: Vec<&str> = host.split('.').collect();
    (0..labels.len().saturating_sub(1))
        .map(|start| labels[start..].join("."))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookies: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in cookies {
            headers.append(header::COOKIE, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn every_occurrence_is_read_and_only_a_single_one_counts() {
        let two = headers(&["a=1; appward_session=first", "appward_session=second; b=2"]);
        assert_eq!(sent(&two, "appward_session"), ["first", "second"]);
        assert_eq!(only(&two, "appward_session"), None);
        assert_eq!(first(&two, "appward_session").as_deref(), Some("first"));
        let one = headers(&["a=1;appward_session=x;b"]);
        assert_eq!(only(&one, "appward_session").as_deref(), Some("x"));
        assert_eq!(
            only(&headers(&["appward_session="]), "appward_session"),
            None
        );
        assert_eq!(only(&headers(&[]), "appward_session"), None);
        assert!(sent(&headers(&["xappward_session=1"]), "appward_session").is_empty());
    }

    #[test]
    fn the_paths_that_lead_to_a_request() {
        assert_eq!(paths_leading_to("/"), ["/"]);
        assert_eq!(
            paths_leading_to("/console/apps?x=/y"),
            ["/", "/console", "/console/", "/console/apps"]
        );
        assert_eq!(
            paths_leading_to("/console/"),
            ["/", "/console", "/console/"]
        );
        assert_eq!(paths_leading_to("/a/b/c/d/e/f/g/h").len(), 11);
    }

    #[test]
    fn a_sibling_host_sets_cookies_on_parent_domains() {
        assert_eq!(
            parent_domains("https://console.example.com/x"),
            ["console.example.com", "example.com"]
        );
        assert!(parent_domains("http://127.0.0.1:3000").is_empty());
        assert!(parent_domains("http://localhost:3000").is_empty());
    }

    /// The server's cookies carry the attributes the browser writes the theme cookie with.
    #[test]
    fn the_crate_writes_the_shared_attributes() {
        let attributes = |text: &str| {
            let mut parts: Vec<String> = text
                .split(';')
                .skip(1)
                .map(|part| part.trim().to_owned())
                .collect();
            parts.sort();
            parts
        };
        for base in ["", "/console"] {
            for cross_site in [false, true] {
                for https in [false, true] {
                    let scope = CookieScope::new(base, cross_site, https);
                    let shared = format!("theme=dark{}", scope.attributes());
                    let page = build(&scope, "theme", "dark", Reader::Page).to_string();
                    assert_eq!(attributes(&page), attributes(&shared), "{page}");
                    let server = build(&scope, "theme", "dark", Reader::Server).to_string();
                    let mut with_http_only = attributes(&shared);
                    with_http_only.push("HttpOnly".to_owned());
                    with_http_only.sort();
                    assert_eq!(attributes(&server), with_http_only, "{server}");
                }
            }
        }
    }
}
