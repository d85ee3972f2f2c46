//! `GET {base}/theme.css`: the operator's stylesheet (`APPWARD_THEME_CSS`), served from the
//! console's own origin so the page's `style-src 'self'` stays as strict as it is. It is
//! linked after the built-in stylesheet and may set the `--aw-*` custom properties
//! (`EMBEDDING.md` lists them).
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::infra::ServerState;

/// The operator's stylesheet, read at each request (so it can be edited without a restart).
pub async fn stylesheet(State(state): State<ServerState>) -> Response {
    let Some(file) = &state.config.embedding.theme_css else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(file).await {
        Ok(css) => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            css,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, file = %file.display(), "the theme stylesheet cannot be read");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
