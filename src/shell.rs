//! The HTML shell and the router of the console.
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, LazyRoute, SsrMode, lazy_route, path};

use crate::pages::{
    AccountsPage, AddAppPage, AppsPage, AppsSection, Console, EditAppPage, HomePage, NotFound,
    SignInPage,
};

/// The whole HTML document the server renders around the console.
pub fn document(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::web_security::set_page_policy();
    let theme = crate::components::Theme::current();
    let marks = crate::embedding::page_marks::PageMarks::current();
    let base = marks.base.clone();
    view! {
        <!DOCTYPE html>
        <html
            lang="en"
            data-theme=theme.as_str()
            data-base=(!base.is_empty()).then(|| base.clone())
            data-frameless=marks.frameless.then_some("true")
            data-cross-site-cookies=marks.cross_site_cookies.then_some("true")
            data-frame-origins=marks.frame_origins
            data-release=marks.release
        >
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href=format!("{base}/favicon.ico")/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options root=base.clone()/>
                <script src=format!("{base}/frame.js") defer></script>
                <link rel="stylesheet" id="leptos" href=format!("{base}/pkg/{}", stylesheet())/>
                <MetaTags/>
                {marks.theme.then(|| view! { <link rel="stylesheet" href=format!("{base}/theme.css")/> })}
            </head>
            <body>
                <ConsoleRoutes/>
            </body>
        </html>
    }
}

/// The stylesheet's file name under `/pkg` (hashed in a release build).
fn stylesheet() -> String {
    #[cfg(feature = "ssr")]
    if let Some(state) = use_context::<crate::infra::ServerState>() {
        return state.bundle.css.clone();
    }
    "appward.css".to_owned()
}

/// The console: sign-in, then the pages of a signed-in account.
#[component]
pub fn ConsoleRoutes() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| format!("{page} · Appward")/>
        <Router base=crate::embedding::base_path()>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view={Lazy::<SignInRoute>::new()}/>
                <ParentRoute path=path!("") view=Console ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage/>
                    <ParentRoute path=path!("apps") view=AppsSection>
                        <Route path=path!("") view=AppsPage/>
                        <Route path=path!("new") view={Lazy::<AddAppRoute>::new()}/>
                        <Route path=path!(":key") view={Lazy::<EditAppRoute>::new()}/>
                    </ParentRoute>
                    <Route path=path!("accounts") view={Lazy::<AccountsRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

// The pages few visits open: each is a split point (`cargo leptos build --split`), its code
// in a wasm file of its own that the browser fetches when the page is first shown, not in the
// bundle every page loads. Each page loads its own data, so `data` has nothing to start.
macro_rules! split_route {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page/> }.into_any()
            }
        }
    };
}

split_route!(
    /// Sign-in (`/sign-in`), split out: a signed-in person never needs it.
    SignInRoute => SignInPage
);
split_route!(
    /// Add App (`/apps/new`), split out.
    AddAppRoute => AddAppPage
);
split_route!(
    /// The edit form of an App (`/apps/:key`), split out.
    EditAppRoute => EditAppPage
);
split_route!(
    /// Accounts (`/accounts`), split out.
    AccountsRoute => AccountsPage
);
