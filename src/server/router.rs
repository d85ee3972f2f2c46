//! The one axum router: pages, server functions, health check, static files.
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Router, middleware};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::limit::RequestBodyLimitLayer;

use super::web_security;
use crate::error::ConsoleError;
use crate::infra::ServerState;
use crate::shell::{ConsoleRoutes, document};

/// The console's routes, listed once per process. Listing them renders the whole console with
/// Leptos's process-wide "suppress resource load" flag set, and a resource created on any
/// thread while it is set never loads: a page rendered meanwhile by another server of the
/// same process (the integration tests run many at once) waited forever for its data.
fn console_routes() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES
        .get_or_init(|| generate_route_list(ConsoleRoutes))
        .clone()
}

/// Builds the whole server router around the shared state.
pub fn router(state: ServerState) -> Router {
    let routes = console_routes();
    let context_state = state.clone();
    let provide_state = move || {
        crate::embedding::base_path::provide_request_url(&context_state.config.embedding.base_path);
        provide_context(context_state.clone())
    };
    let max_body = state.config.max_body_bytes;
    let common_headers = web_security::common_headers(&state.config);
    let base = state.config.embedding.base_path.clone();
    // Server functions and pages: the cross-site check and the status of a failed server
    // function apply here only, not to the APIs Apps call nor to the probes.
    let console = Router::new()
        .merge(crate::embedding::routes())
        .leptos_routes_with_context(&state, routes, provide_state.clone(), {
            let options = state.leptos_options.clone();
            move || document(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            ServerState,
            _,
        >(provide_state, document))
        .layer(middleware::map_response(server_fn_error_status))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::bundle::stamp_release,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::embedding::frameless::remember,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            web_security::same_site_forms,
        ));
    // The consent form (POST /oauth/authorize) is a console form too.
    let oauth = crate::oauth::routes().route_layer(middleware::from_fn_with_state(
        state.clone(),
        web_security::same_site_forms,
    ));
    let app = Router::new()
        .merge(oauth)
        .merge(crate::resources::routes())
        .merge(super::bundle::routes(&state))
        .merge(console)
        // Two session cookies: signed out, both cleared, and sign-in says why.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::session::cookie_guard::clear_duplicates,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::deadline::bound,
        ))
        .layer(common_headers.clone())
        .layer(RequestBodyLimitLayer::new(max_body))
        // The request id, the access line (route template, never the path's values nor the
        // query: queries may carry tokens) and the HTTP metrics. A failed request is not
        // logged as an error here: a fault is logged where it happens (a fault of the
        // environment once per incident, see `infra::faults`).
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::observe::observe,
        ))
        // The probes come after the layers above, which therefore do not wrap them: a probe
        // is not logged, has no body to limit, and answers as close to the bare server as it
        // can (it is `make bench`'s measure of the machine's HTTP ceiling too).
        .route("/livez", get(livez).layer(common_headers.clone()))
        .route("/healthz", get(healthz).layer(common_headers))
        .with_state(state);
    crate::embedding::base_path::mount(app, &base)
}

/// `GET /livez`: 200 while the process serves requests; touches nothing (the liveness probe,
/// and the benchmark's measure of the machine's HTTP ceiling).
async fn livez() -> &'static str {
    "ok"
}

/// `GET /healthz`, readiness: 200 when the database can be read and written now (a row
/// written through the grant writer, committed within the request deadline), 503 with
/// `Retry-After` otherwise: a lock held elsewhere, a full disk, an unreachable server, a
/// queue that does not move. Faults are logged once per incident (`infra::faults`), not once
/// per probe.
async fn healthz(State(state): State<ServerState>) -> Response {
    let ready = async {
        state.db.ping().await.map_err(ConsoleError::from)?;
        state.grant_writer.probe(crate::infra::now()).await
    };
    match tokio::time::timeout(state.config.request_deadline, ready).await {
        Ok(Ok(())) => (StatusCode::OK, "ok").into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(
                header::RETRY_AFTER,
                HeaderValue::from(crate::infra::faults::RETRY_AFTER),
            )],
            "the database cannot be written now",
        )
            .into_response(),
    }
}

/// Gives a failed server function the HTTP status of its [`ConsoleError`]
/// (server functions answer every error with 500 by themselves).
async fn server_fn_error_status(response: Response) -> Response {
    // A plain form post's error is already a redirect back to the form: leave it.
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<ConsoleError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if let ConsoleError::TooManyRequests { retry_after } | ConsoleError::Busy { retry_after } =
            error
        {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
