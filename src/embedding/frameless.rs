//! Frameless mode: a portal asks for it once, with `?embed=1` on the first URL it frames (the
//! sign-in one included); a cookie of the session's lifetime keeps it through reloads,
//! redirects and sign-in. The console then hides its own header (brand, navigation,
//! sign-out) with CSS, and keeps everything else. `?embed=1` counts only in a frame (the
//! request says `Sec-Fetch-Dest: iframe`, and CSP `frame-ancestors` limits who may frame
//! the console): a link opened at the top level cannot hide the header and Sign out.
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;

use super::cookies::{self, Reader};
use crate::infra::{Config, ServerState};

/// The cookie that keeps frameless mode.
pub const COOKIE: &str = "appward_frameless";

/// The `Set-Cookie` value that turns frameless mode on for the browser session.
pub fn cookie(config: &Config) -> String {
    cookies::set(config, COOKIE, "1", Reader::Server)
}

/// Sets the frameless cookie on the answer to a framed `GET` that asks for it (`embed=1`).
pub async fn remember(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let asked = request.method() == Method::GET && asks(request.uri(), request.headers());
    let mut response = next.run(request).await;
    if asked && let Ok(value) = HeaderValue::from_str(&cookie(&state.config)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Whether the request being answered is frameless: it asks for it or its session did.
pub fn is_frameless(parts: &Parts) -> bool {
    asks(&parts.uri, &parts.headers)
        || cookies::first(&parts.headers, COOKIE).as_deref() == Some("1")
}

/// `?embed=1`, in a frame.
fn asks(uri: &Uri, headers: &HeaderMap) -> bool {
    let framed = headers
        .get("sec-fetch-dest")
        .is_some_and(|dest| dest.as_bytes().eq_ignore_ascii_case(b"iframe"));
    framed
        && uri
            .query()
            .is_some_and(|query| query.split('&').any(|pair| pair == "embed=1"))
}
