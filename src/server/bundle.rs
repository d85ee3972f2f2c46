//! The browser bundle under `/pkg` (wasm, JS, CSS): the Brotli or gzip file made at build
//! time (`cargo leptos build --release --precompress`) when the browser accepts it, else
//! the plain one. A hashed name (a release build, see `infra::bundle_names`) never changes
//! content and is cached for a year; any other name is revalidated on every load
//! (`no-cache` with `Last-Modified`).
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use leptos::prelude::LeptosOptions;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::infra::ServerState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The `/pkg` routes, served from the site root's package directory.
pub fn routes(state: &ServerState) -> Router<ServerState> {
    let options: &LeptosOptions = &state.leptos_options;
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), files)
        .layer(middleware::from_fn_with_state(state.clone(), cache_control))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
}

/// A year for the hashed names, `no-cache` for the rest.
async fn cache_control(State(state): State<ServerState>, request: Request, next: Next) -> Response {
    let file = request.uri().path().rsplit('/').next().unwrap_or_default();
    let immutable = state.bundle.is_immutable(file);
    let mut response = next.run(request).await;
    let policy = if immutable && response.status().is_success() {
        IMMUTABLE
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Names the release on every server-function answer (`crate::release`): a page of another
/// release that gets it reloads itself.
pub async fn stamp_release(
    State(state): State<ServerState>,
    request: Request,
    next: Next,
) -> Response {
    let server_function = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if server_function && let Ok(release) = HeaderValue::from_str(&state.bundle.wasm) {
        response
            .headers_mut()
            .insert(crate::release::HEADER, release);
    }
    response
}
