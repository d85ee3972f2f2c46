//! What every response of the console carries, and the cross-site check of the console's
//! forms: a Content Security Policy with the page's nonce, `frame-ancestors` from
//! `APPWARD_FRAME_ANCESTORS`, `nosniff`, a referrer policy, HSTS over https; and server
//! functions and the consent form refuse requests another site's page sends.
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::layer::util::Stack;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::infra::{Config, ServerState};

/// The policy of a console page whose inline scripts carry `nonce`: scripts only from this
/// site or with the nonce (no `unsafe-inline`), WebAssembly compiled by the page itself,
/// images also from https, and framing only by `frame_ancestors`.
pub fn page_policy(nonce: &str, frame_ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' https: data:; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors {frame_ancestors}"
    )
}

/// Sets the page policy on the response being rendered (called by the HTML shell).
pub fn set_page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response), Some(state)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
        use_context::<ServerState>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(
        &nonce.to_string(),
        &state.config.frame_ancestors,
    )) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The headers every response carries, unless the handler chose its own: `nosniff`, a
/// referrer policy, and HSTS when the console is reached over https. Plain header layers,
/// built once: no handler runs and no state is cloned per request.
pub type CommonHeaders = Stack<
    SetResponseHeaderLayer<Option<HeaderValue>>,
    Stack<SetResponseHeaderLayer<HeaderValue>, SetResponseHeaderLayer<HeaderValue>>,
>;

/// The layers of [`CommonHeaders`] for `config`.
pub fn common_headers(config: &Config) -> CommonHeaders {
    Stack::new(
        SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            config
                .is_https()
                .then(|| HeaderValue::from_static("max-age=31536000")),
        ),
        Stack::new(
            SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ),
        ),
    )
}

/// Refuses (403) a POST to a server function or to the consent form that another page than
/// the console's own sent: `Sec-Fetch-Site` other than `same-origin` (or `none`), or,
/// from browsers without it, an `Origin` that is neither `APPWARD_PUBLIC_URL` nor the
/// request's own host. Requests without either header (Apps,
/// scripts) pass: only browsers carry the user's cookies across sites.
pub async fn same_site_forms(
    State(state): State<ServerState>,
    request: Request<Body>,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let guarded = request.method() == Method::POST
        && (path.starts_with("/api/") || path.starts_with("/oauth/authorize"));
    // The public URL may carry a base path (issue 16); a browser's `Origin` never does.
    if guarded
        && crate::infra::cross_site::is_cross_site(
            request.headers(),
            &crate::infra::embedding_settings::origin_of(&state.config.public_url),
        )
    {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not accepted.",
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_policy_allows_the_nonce_and_wasm_but_no_inline_script() {
        let policy = page_policy("abc", "'self' https://portal.example");
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(policy.ends_with("frame-ancestors 'self' https://portal.example"));
    }
}
