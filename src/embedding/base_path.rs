//! Serving the console under `APPWARD_BASE_PATH` (e.g. `/console`). Inside, Appward still
//! routes from `/` (pages, server functions, OAuth, the APIs, static files): one layer in
//! front takes the base off each request, refuses whatever lies outside it, and puts the
//! base back on what leaves: redirects, and the plain-form `action` of server functions in
//! rendered pages. Page links, the client router and the browser's server function calls
//! get it from the page (`data-base`).
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

/// `router` served under `base` (unchanged when `base` is empty, the root).
pub fn mount(router: Router, base: &str) -> Router {
    if base.is_empty() {
        return router;
    }
    let base: &'static str = Box::leak(base.to_owned().into_boxed_str());
    let mounted =
        middleware::from_fn(move |request: Request, next: Next| under_base(base, request, next));
    Router::new().fallback_service(tower::Layer::layer(&mounted, router))
}

async fn under_base(base: &'static str, mut request: Request, next: Next) -> Response {
    let Some(inner) = inner_path(base, request.uri()) else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    *request.uri_mut() = inner;
    let response = next.run(request).await;
    outgoing(base, response).await
}

/// The path inside the base of a request's URI (with its query), or `None` outside it.
fn inner_path(base: &str, uri: &Uri) -> Option<Uri> {
    let path = uri.path();
    let rest = path.strip_prefix(base)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let rest = if rest.is_empty() { "/" } else { rest };
    let inner = match uri.query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    inner.parse().ok()
}

async fn outgoing(base: &str, mut response: Response) -> Response {
    // Read as bytes: a `Location` may hold raw UTF-8 (a `next` such as `/apps/é`), which is
    // not a visible-ASCII header string but is still a path under the base.
    if let Some(location) = response.headers().get(header::LOCATION)
        && let location = location.as_bytes()
        && location.starts_with(b"/")
        && !location.starts_with(b"//")
        && let Ok(value) = HeaderValue::from_bytes(&[base.as_bytes(), location].concat())
    {
        response.headers_mut().insert(header::LOCATION, value);
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if !is_html {
        return response;
    }
    // Form actions are rendered from the root (a server function's form posts to its own
    // URL, the consent form to the authorization endpoint), and so are the consent page's
    // stylesheet and home link; links of console pages carry the base already.
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 << 20).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&bytes)
        .replace("action=\"/", &format!("action=\"{base}/"))
        .replace("href=\"/pkg/", &format!("href=\"{base}/pkg/"))
        .replace("href=\"/\"", &format!("href=\"{base}/\""));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

/// Gives the page renderer the URL the browser asked for (with the base), which the
/// console's router, mounted at the base, matches.
pub fn provide_request_url(base: &str) {
    use leptos::prelude::{provide_context, use_context};
    if base.is_empty() {
        return;
    }
    if let Some(parts) = use_context::<axum::http::request::Parts>() {
        let inner = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/");
        provide_context(leptos_router::location::RequestUrl::new(&format!(
            "http://leptos.dev{base}{inner}"
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_under_the_base_are_served() {
        let inner =
            |uri: &str| inner_path("/console", &uri.parse().unwrap()).map(|u| u.to_string());
        assert_eq!(inner("/console").as_deref(), Some("/"));
        assert_eq!(inner("/console/").as_deref(), Some("/"));
        assert_eq!(inner("/console/apps?x=1").as_deref(), Some("/apps?x=1"));
        assert_eq!(inner("/consoles/apps"), None);
        assert_eq!(inner("/apps"), None);
        assert_eq!(inner("/"), None);
    }
}
