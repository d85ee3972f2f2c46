//! Frameless mode: a portal asks for it once, with `?embed=1` on the first URL it frames (the
//! sign-in one included); a cookie of the session's lifetime keeps it through reloads,
//! redirects and sign-in. The console then hides its own header (brand, navigation,
//! sign-out) with CSS, and keeps everything else.
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;

use crate::infra::ServerState;

/// The cookie that keeps frameless mode.
pub const COOKIE: &str = "appward_frameless";

/// Sets the frameless cookie on the answer to a `GET` that asks for it (`embed=1`).
pub async fn remember(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let asked = request.method() == Method::GET && asks(request.uri().query());
    let mut response = next.run(request).await;
    if asked
        && let Ok(value) = HeaderValue::from_str(&format!(
            "{COOKIE}=1{}",
            super::cookies::attributes(&state.config)
        ))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Whether the request being answered is frameless: it asks for it or its session did.
pub fn is_frameless(parts: &Parts) -> bool {
    asks(parts.uri.query()) || super::cookies::value(&parts.headers, COOKIE).as_deref() == Some("1")
}

fn asks(query: Option<&str>) -> bool {
    query.is_some_and(|query| query.split('&').any(|pair| pair == "embed=1"))
}
