//! The frame of every page of a signed-in account: header, navigation, sign-out.
use leptos::prelude::*;
use leptos_router::components::{A, Outlet, Redirect};

use crate::error::AppError;
use crate::session::{SignOut, SignedInAccount, current_account};

/// Loads the signed-in account (sending the browser to sign in when there is none) and
/// shares it with the page below through context.
#[component]
pub fn Console() -> impl IntoView {
    let account = Resource::new_blocking(|| (), |_| current_account());
    view! {
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(account) => {
                        provide_context(account.clone());
                        view! {
                            <ConsoleHeader account/>
                            <main id="main"><Outlet/></main>
                        }
                            .into_any()
                    }
                    Err(AppError::SignedOut) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    Err(error) => view! { <p role="alert" class="error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsoleHeader(account: SignedInAccount) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <header class="console-header">
            <A href="/" attr:class="brand">"Appward"</A>
            <nav aria-label="Main">
                <A href="/apps">"Apps"</A>
                <A href="/accounts">"Accounts"</A>
            </nav>
            <p class="who">
                <span class="account-name">{account.name.clone()}</span>
                " · "
                <span class="account-level">{account.level.to_string()}</span>
            </p>
            <ActionForm action=sign_out>
                <button type="submit">"Sign out"</button>
            </ActionForm>
        </header>
    }
}

/// The signed-in account, inside any page of the console.
pub fn use_account() -> SignedInAccount {
    expect_context::<SignedInAccount>()
}
