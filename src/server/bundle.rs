//! The browser bundle under `/pkg` (wasm, JS, CSS): the Brotli or gzip file made at build
//! time (`cargo leptos build --release --precompress`) when the browser accepts it, else
//! the plain one; revalidated on every load (`no-cache` with `Last-Modified`), because the
//! names are the same from one release to the next.
use axum::Router;
use axum::http::{HeaderValue, header};
use leptos::prelude::LeptosOptions;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::infra::ServerState;

/// The `/pkg` routes, served from the site root's package directory.
pub fn routes(options: &LeptosOptions) -> Router<ServerState> {
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    Router::new()
        .nest_service(&format!("/{}", options.site_pkg_dir), files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
}
