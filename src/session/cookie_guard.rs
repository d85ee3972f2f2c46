//! Two session cookies in one request: another host of the domain (a sibling such as
//! `blog.example.com`) can set a cookie of the session's name for the parent domain and a
//! longer path, which the browser then sends first. The console cannot tell which one it set,
//! so the request counts as signed out (`service::current_for` reads only a single cookie),
//! the answer removes the cookie on every path and domain it could have, and the sign-in page
//! says why (`/sign-in?reason=cookies`).
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::service::cookie_name;
use crate::embedding::cookies;
use crate::infra::ServerState;

/// The value of the sign-in page's `reason` that says the session cookies were cleared.
pub const REASON: &str = "cookies";

/// Clears the session cookies of a request that carries more than one, and sends its way to
/// sign-in with the reason (the redirect to the sign-in page, or the page itself).
pub async fn clear_duplicates(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    // Apps' requests carry no cookie: nothing to read (not even the cookie's name).
    if !request.headers().contains_key(header::COOKIE) {
        return next.run(request).await;
    }
    let name = cookie_name(&state);
    if cookies::sent(request.headers(), name).len() < 2 {
        return next.run(request).await;
    }
    tracing::info!("two session cookies: the request counts as signed out, both are cleared");
    let path = format!(
        "{}{}",
        state.config.embedding.base_path,
        request.uri().path()
    );
    let mut response = match sign_in_page_without_reason(&request) {
        Some(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        None => {
            let mut response = next.run(request).await;
            if let Some(location) = response
                .headers()
                .get(header::LOCATION)
                .and_then(|location| location.to_str().ok())
                .and_then(with_reason)
                .and_then(|location| HeaderValue::from_str(&location).ok())
            {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
    };
    // The removals go first: a session the answer starts (a sign-in) comes after them.
    let started: Vec<HeaderValue> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    response.headers_mut().remove(header::SET_COOKIE);
    for removal in cookies::removals_everywhere(&state.config, name, &path) {
        if let Ok(value) = HeaderValue::from_str(&removal) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    for value in started {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// For a `GET` of the sign-in page that does not say why yet: the same page with the reason.
fn sign_in_page_without_reason(request: &Request) -> Option<HeaderValue> {
    if request.method() != Method::GET || request.uri().path() != "/sign-in" {
        return None;
    }
    let location = with_reason(&request.uri().to_string())?;
    HeaderValue::from_str(&location).ok()
}

/// `location` with `reason=cookies` added when it is the sign-in page's and says no reason.
fn with_reason(location: &str) -> Option<String> {
    let (path, query) = match location.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (location, None),
    };
    if path != "/sign-in" {
        return None;
    }
    match query.filter(|query| !query.is_empty()) {
        Some(query) if query.split('&').any(|pair| pair.starts_with("reason=")) => None,
        Some(query) => Some(format!("/sign-in?{query}&reason={REASON}")),
        None => Some(format!("/sign-in?reason={REASON}")),
    }
}

#[cfg(test)]
mod tests {
    use super::with_reason;

    #[test]
    fn the_way_to_sign_in_says_why() {
        assert_eq!(
            with_reason("/sign-in").as_deref(),
            Some("/sign-in?reason=cookies")
        );
        assert_eq!(
            with_reason("/sign-in?next=%2Fapps").as_deref(),
            Some("/sign-in?next=%2Fapps&reason=cookies")
        );
        assert_eq!(with_reason("/sign-in?reason=cookies"), None);
        assert_eq!(with_reason("/apps"), None);
        assert_eq!(with_reason("https://elsewhere.example/sign-in"), None);
    }
}
