//! The sign-in page.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::{ErrorNotice, Field, FormFields, ServerForm};
use crate::session::SignIn;

/// Login name and password; a wrong pair gets one message that does not say which was wrong.
/// `?next=` (a path of this site) is where the user goes once signed in: an App's
/// authorization request sends users here first. `?reason=cookies` says why the browser was
/// signed out: it sent two session cookies, and the server cleared both.
#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let query = use_query_map().get_untracked();
    let next = query
        .get("next")
        .filter(|next| crate::session::local_path(next).is_some());
    let two_cookies = query.get("reason").as_deref() == Some("cookies");
    // The server answers the hydrated page with where to go instead of redirecting: it may
    // be a server route, and the console's first view is rendered whole by the server, so
    // it is loaded as a whole document (no empty frame while the account loads).
    Effect::new(move || {
        if let Some(Ok(Some(target))) = sign_in.value().get()
            && let Some(window) = web_sys::window()
        {
            let _ = window.location().assign(&target);
        }
    });
    let error = Signal::derive(move || sign_in.value().get().and_then(Result::err));
    let field_error = move |name: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.message_for(name)))
    };
    view! {
        <Title text="Sign in"/>
        <main id="main" class="narrow">
            <h1>"Appward"</h1>
            <section class="card" aria-labelledby="sign-in-title">
                <h2 id="sign-in-title">"Sign in"</h2>
                {two_cookies.then(|| view! {
                    <p class="notice" role="status">
                        "Your browser sent two session cookies, which can happen when another site on this domain sets one. Both were cleared: sign in again."
                    </p>
                })}
                <ServerForm action=sign_in read=read_sign_in>
                    {next.map(|next| view! { <input type="hidden" name="next" value=next/> })}
                    <Field label="Login" name="login" autocomplete="username" required=true error=field_error("login")/>
                    <Field label="Password" name="password" input_type="password" autocomplete="current-password" required=true error=field_error("password")/>
                    <ErrorNotice error=Signal::derive(move || error.get().filter(|e| !matches!(e, crate::error::ConsoleError::Invalid { .. })))/>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                            {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </div>
                </ServerForm>
            </section>
        </main>
    }
}

/// The sign-in fields as the server reads a plain post of the same form.
fn read_sign_in(fields: &FormFields) -> SignIn {
    SignIn {
        login: fields.text("login"),
        password: fields.text("password"),
        next: fields.optional("next"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_browser_reads_the_fields_as_the_server_decodes_a_plain_post() {
        for body in [
            "login=ana&password=p%26w%3D1&next=%2Foauth%2Fauthorize%3Fa%3D1",
            "login=&password=",
            "login=%C3%A1na&password=x+y",
        ] {
            crate::components::assert_read_as_posted(body, super::read_sign_in);
        }
    }
}
