//! The consent page and the error page of the authorization flow: plain server-rendered HTML
//! (Leptos views rendered to a string), with no script, so that nothing on the page can be
//! driven by anything but the user.
use leptos::prelude::*;

use crate::domain::{Homepage, RedirectUrl, idn};
use crate::infra::entities::{account, app};

/// What the consent page shows and carries.
#[derive(Debug, Clone, Copy)]
pub struct ConsentView<'a> {
    /// The App asking.
    pub app: &'a app::Model,
    /// The signed-in account being asked.
    pub account: &'a account::Model,
    /// The App's `state`, carried through the form.
    pub state: &'a str,
    /// The App's PKCE challenge, carried through the form.
    pub code_challenge: Option<&'a str>,
    /// The token that ties the form to this browser's session.
    pub form_token: &'a str,
    /// The stylesheet's file name under `/pkg`.
    pub stylesheet: &'a str,
}

/// The consent page: App name, image, homepage and description, then Allow or Deny.
pub fn render(view: ConsentView<'_>) -> String {
    let app = view.app;
    let name = app.name.clone();
    let homepage = Homepage::from_stored(app.homepage.clone());
    let api = app.api.label();
    let back_to = RedirectUrl::from_stored(app.redirect_url.clone());
    let back_to_host = url::Url::parse(back_to.as_str())
        .ok()
        .and_then(|url| url.host_str().map(idn::to_display))
        .unwrap_or_default();
    // A look-alike domain is shown in punycode, and said to be one, beside the link.
    let warning = |lookalike: bool| {
        lookalike.then(|| {
            view! { <span class="lookalike-warning" role="note">{idn::LOOKALIKE_WARNING}</span> }
        })
    };
    let homepage_warning = warning(homepage.is_lookalike());
    let back_to_warning = warning(back_to.is_lookalike());
    let hidden = [
        ("response_type", "code".to_owned()),
        ("client_id", app.key.clone()),
        ("redirect_uri", app.redirect_url.clone()),
        ("state", view.state.to_owned()),
        ("form_token", view.form_token.to_owned()),
    ]
    .into_iter()
    .chain(view.code_challenge.into_iter().flat_map(|challenge| {
        [
            ("code_challenge", challenge.to_owned()),
            ("code_challenge_method", "S256".to_owned()),
        ]
    }))
    .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
    .collect_view();
    let image = app.image_url.clone().map(|src| {
        view! { <img class="app-image" src=src alt=format!("{} logo", app.name) width="64" height="64"/> }
    });
    let description = (!app.description.is_empty()).then(|| {
        let description = app.description.clone();
        view! { <p class="app-description">{description}</p> }
    });
    let who = format!("{} ({})", view.account.name, view.account.login);
    let body = view! {
        <main id="main" class="narrow">
            <section class="card consent" aria-labelledby="consent-title">
                {image}
                <h1 id="consent-title">{format!("Allow {name} to use your account?")}</h1>
                <p>
                    <a href=homepage.as_str().to_owned() target="_blank" rel="noopener noreferrer">
                        {homepage.display()}
                    </a>
                    {homepage_warning}
                </p>
                {description}
                <p>
                    {format!("{name} will act as ")}<strong>{who}</strong>
                    {format!(" through the {api} until you remove its access under Apps Management.")}
                </p>
                <form method="post" action="/oauth/authorize" aria-labelledby="consent-title">
                    {hidden}
                    <p class="hint">
                        {format!("Either way, you go back to {back_to_host}.")} {back_to_warning}
                    </p>
                    <div class="actions">
                        <button type="submit" name="decision" value="deny">"Deny"</button>
                        <button type="submit" name="decision" value="allow" class="primary">"Allow"</button>
                    </div>
                </form>
            </section>
        </main>
    };
    document(format!("Allow {}", app.name), view.stylesheet, body)
}

/// The page shown when a request cannot be sent back to an App.
pub fn render_error(message: &str, stylesheet: &str) -> String {
    let message = message.to_owned();
    let body = view! {
        <main id="main" class="narrow">
            <section class="card" aria-labelledby="error-title">
                <h1 id="error-title">"This App cannot be authorized"</h1>
                <p role="alert">{message}</p>
                <p><a href="/">"Go to Appward"</a></p>
            </section>
        </main>
    };
    document("Authorization error".to_owned(), stylesheet, body)
}

fn document(title: String, stylesheet: &str, body: impl IntoView + 'static) -> String {
    let stylesheet = format!("/pkg/{stylesheet}");
    let html = view! {
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{format!("{title} · Appward")}</title>
                <link rel="stylesheet" href=stylesheet/>
            </head>
            <body>{body}</body>
        </html>
    }
    .to_html();
    format!("<!DOCTYPE html>{html}")
}
