//! The sign-in page.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{ErrorNotice, Field};
use crate::session::SignIn;

/// Login name and password; a wrong pair gets one message that does not say which was wrong.
#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
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
                <ActionForm action=sign_in>
                    <Field label="Login" name="login" autocomplete="username" required=true error=field_error("login")/>
                    <Field label="Password" name="password" input_type="password" autocomplete="current-password" required=true error=field_error("password")/>
                    <ErrorNotice error=Signal::derive(move || error.get().filter(|e| !matches!(e, crate::error::AppError::Invalid { .. })))/>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                            {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </div>
                </ActionForm>
            </section>
        </main>
    }
}
