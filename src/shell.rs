//! The HTML shell and the router of the console.
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::pages::{
    AccountsPage, AddAppPage, AppsPage, AppsSection, Console, EditAppPage, HomePage, NotFound,
    SignInPage,
};

/// The whole HTML document the server renders around the console.
pub fn document(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::web_security::set_page_policy();
    let theme = crate::components::Theme::current();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.ico"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <ConsoleRoutes/>
            </body>
        </html>
    }
}

/// The console: sign-in, then the pages of a signed-in account.
#[component]
pub fn ConsoleRoutes() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/appward.css"/>
        <Title formatter=|page: String| format!("{page} · Appward")/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view=SignInPage/>
                <ParentRoute path=path!("") view=Console ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage/>
                    <ParentRoute path=path!("apps") view=AppsSection>
                        <Route path=path!("") view=AppsPage/>
                        <Route path=path!("new") view=AddAppPage/>
                        <Route path=path!(":key") view=EditAppPage/>
                    </ParentRoute>
                    <Route path=path!("accounts") view=AccountsPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
