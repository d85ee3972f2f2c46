//! The pages of the portal sign-in (`{base}/sso`): the refusal, which says why, and the
//! question asked when the browser is signed in as another person. Plain HTML with the
//! console's stylesheet and no script; their URL or their form holds a live token, so they
//! are never stored and send no `Referer`.
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::infra::ServerState;
use crate::infra::entities::account;

/// Never stored, and no `Referer` from the page (its URL may hold the token).
pub fn private(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

/// The page of a refused portal sign-in: why (`message`), and the way back to the portal
/// when a fresh token would do (`back_to_portal`).
pub fn refused(
    state: &ServerState,
    headers: &HeaderMap,
    status: StatusCode,
    message: &str,
    back_to_portal: bool,
) -> Response {
    let back = back_to_portal
        .then(|| portal_link(state))
        .flatten()
        .map(|portal| {
            format!(
                "<div class=\"actions\"><a class=\"button primary\" href=\"{}\" target=\"_top\">Back to the portal</a></div>",
                escape(&portal)
            )
        })
        .unwrap_or_default();
    page(
        state,
        headers,
        status,
        "Sign-in refused",
        &format!(
            "<p role=\"alert\" class=\"error\">{}</p>{back}",
            escape(message)
        ),
    )
}

/// What the switch page names: who is signed in, and whom the token signs in.
pub struct SwitchView<'a> {
    /// The account signed in in this browser now.
    pub current: &'a account::Model,
    /// The account the token's person is linked to, if they signed in before.
    pub person: Option<&'a account::Model>,
    /// The token's `name` (else its `sub`), for a person not linked yet.
    pub claims_name: &'a str,
    /// The token's `sub`.
    pub claims_sub: &'a str,
    /// The token, posted back by the page's form.
    pub token: &'a str,
    /// The `return_to` the link carried, posted back as it came.
    pub return_to: &'a str,
}

/// The page that asks the person signed in whether the token's person may take this
/// browser over: Switch posts the token back (same origin), Cancel keeps the session.
pub fn switch(state: &ServerState, headers: &HeaderMap, view: &SwitchView) -> Response {
    let (person_name, person_login) = match view.person {
        Some(person) => (person.name.as_str(), person.login.as_str()),
        None => (view.claims_name, view.claims_sub),
    };
    let body = format!(
        "<p>This browser is signed in to Appward as <strong>{current_name}</strong> \
         (login <code>{current_login}</code>). The link you followed signs in \
         <strong>{person_name}</strong> (login <code>{person_login}</code>) from the portal \
         instead.</p>\
         <p>Switch only if you opened this link yourself, from the portal. Everything done \
         after the switch is done as {person_name}.</p>\
         <form method=\"post\" action=\"/sso\">\
         <input type=\"hidden\" name=\"token\" value=\"{token}\">\
         <input type=\"hidden\" name=\"return_to\" value=\"{return_to}\">\
         <input type=\"hidden\" name=\"switch\" value=\"1\">\
         <div class=\"actions\"><button type=\"submit\" class=\"primary\">Switch to {person_name}</button>\
         <a class=\"button\" href=\"/\">Cancel</a></div></form>",
        current_name = escape(&view.current.name),
        current_login = escape(&view.current.login),
        person_name = escape(person_name),
        person_login = escape(person_login),
        token = escape(view.token),
        return_to = escape(view.return_to),
    );
    let mut response = page(
        state,
        headers,
        StatusCode::OK,
        "Sign in as another person?",
        &body,
    );
    // Its form must send the console's own `Origin` (`no-referrer` would make it `null`,
    // which browsers without `Sec-Fetch-Site` would have refused as cross-site); the page's
    // URL, which holds the token, still goes to no other origin.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// Where a person goes back to the portal: its issuer when that is a web address (portals
/// commonly use their own URL), else the first origin allowed to frame the console other
/// than the console's own.
fn portal_link(state: &ServerState) -> Option<String> {
    let embedding = &state.config.embedding;
    let issuer = embedding.portal_sso.as_ref().map(|sso| sso.issuer.as_str());
    if let Some(issuer) = issuer
        && url::Url::parse(issuer).is_ok_and(|url| matches!(url.scheme(), "https" | "http"))
    {
        return Some(issuer.to_owned());
    }
    let own = crate::infra::embedding_settings::origin_of(&state.config.public_url);
    embedding
        .frame_origins
        .iter()
        .find(|origin| **origin != own && origin.contains("://"))
        .cloned()
}

/// A page of the portal sign-in: `title` and `body` (HTML) in a card, in the viewer's light
/// or dark choice (the theme cookie of the request's `headers`) and the operator's theme.
/// Rendered from the root like the consent page: the base path is put in front of its form
/// action, its stylesheet and its home link on the way out (and written here into the
/// operator's stylesheet link, which that rewrite does not know).
fn page(
    state: &ServerState,
    headers: &HeaderMap,
    status: StatusCode,
    title: &str,
    body: &str,
) -> Response {
    let css = &state.bundle.css;
    let theme = super::cookies::first(headers, crate::components::THEME_COOKIE)
        .map(|value| crate::components::Theme::parse(&value))
        .unwrap_or_default()
        .as_str();
    let operator_theme = if state.config.embedding.theme_css.is_some() {
        format!(
            "<link rel=\"stylesheet\" href=\"{}/theme.css\">",
            state.config.embedding.base_path
        )
    } else {
        String::new()
    };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\" data-theme=\"{theme}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Appward</title>\
         <link rel=\"stylesheet\" href=\"/pkg/{css}\">{operator_theme}</head>\
         <body><main id=\"main\" class=\"narrow\"><section class=\"card\" aria-labelledby=\"sso-title\">\
         <h1 id=\"sso-title\">{title}</h1>{body}</section></main></body></html>"
    );
    let policy = format!(
        "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {}",
        state.config.frame_ancestors
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    private(headers);
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
