//! The frame of every page of a signed-in account: header, navigation, theme, sign-out,
//! and the console's status region.
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::{A, Outlet};

use crate::components::icon::SIGN_OUT;
use crate::components::{Icon, StatusRegion, ThemeSwitch, provide_notices};
use crate::error::ConsoleError;
use crate::session::{SignOut, SignedInAccount, current_account};

/// Loads the signed-in account (sending the browser to sign in when there is none) and
/// shares it with the page below through context. The server renders the first view
/// whole, so the fallback only ever shows an empty frame.
#[component]
pub fn Console() -> impl IntoView {
    provide_notices();
    let account =
        Resource::<_, crate::codec::Outcome>::new_with_options(|| (), |_| current_account(), true);
    view! {
        <Suspense fallback=|| view! { <div class="console-loading" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(account) => {
                        provide_context(account.clone());
                        view! {
                            <ConsoleHeader account/>
                            <main id="main">
                                <StatusRegion place="page"/>
                                <Outlet/>
                            </main>
                        }
                            .into_any()
                    }
                    Err(ConsoleError::SignedOut) => view! { <SignInFirst/> }.into_any(),
                    Err(error) => view! { <p role="alert" class="error">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A page asked for while signed out: the sign-in page, which comes back here once signed in.
/// The server answers `303 See Other` whatever the request accepts (a monitor or a link
/// checker is told where to go too, not handed an empty page); in the browser (a session
/// that ended while the console was open) the router goes there.
#[component]
fn SignInFirst() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        use leptos_axum::ResponseOptions;
        let here = use_context::<axum::http::request::Parts>()
            .and_then(|parts| {
                parts
                    .uri
                    .path_and_query()
                    .map(|path| path.as_str().to_owned())
            })
            .unwrap_or_else(|| "/".into());
        if let (Some(response), Ok(location)) = (
            use_context::<ResponseOptions>(),
            axum::http::HeaderValue::from_str(&crate::session::sign_in_path(&here)),
        ) {
            response.set_status(axum::http::StatusCode::SEE_OTHER);
            response.insert_header(axum::http::header::LOCATION, location);
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        let here = web_sys::window()
            .and_then(|window| {
                let location = window.location();
                Some(format!(
                    "{}{}",
                    location.pathname().ok()?,
                    location.search().ok()?
                ))
            })
            .unwrap_or_default();
        let inner = here
            .strip_prefix(&crate::embedding::base_path())
            .unwrap_or(&here)
            .to_owned();
        let navigate = leptos_router::hooks::use_navigate();
        Effect::new(move || {
            navigate(&crate::session::sign_in_path(&inner), Default::default());
        });
    }
}

#[component]
fn ConsoleHeader(account: SignedInAccount) -> impl IntoView {
    // The level is worth saying only where the name does not say it already.
    let level = account.level.to_string();
    let level = (level != account.name).then_some(level);
    view! {
        <header class="console-header">
            <A href=crate::embedding::href("/") attr:class="brand">"Appward"</A>
            <nav aria-label="Main">
                <A href=crate::embedding::href("/apps")>"Apps"</A>
                <A href=crate::embedding::href("/accounts")>"Accounts"</A>
            </nav>
            <p class="who">
                <span class="account-name">{account.name.clone()}</span>
                {level.map(|level| view! { <span class="account-level">{level}</span> })}
            </p>
            <ThemeSwitch/>
            // A plain post, also once hydrated: the server ends the session and redirects to
            // sign-in, and the whole page goes (nothing of the account stays in the browser).
            <form method="post" action=crate::embedding::form_action(SignOut::url())>
                <button type="submit">
                    <Icon icon=SIGN_OUT/>
                    "Sign out"
                </button>
            </form>
        </header>
    }
}

/// The signed-in account, inside any page of the console.
pub fn use_account() -> SignedInAccount {
    expect_context::<SignedInAccount>()
}
