//! The release stamp. During a rolling upgrade a page rendered by one release may call the
//! server functions of another, whose arguments or answers may have changed. So every
//! server-function answer names the release that made it (the `x-appward-release` header:
//! the content-hashed name of the release's wasm), every page names its own
//! (`<html data-release>`), and a page that gets an answer from another release reloads
//! itself, once per release, instead of failing on what it cannot read.

/// The header of a server-function answer that names the server's release.
pub const HEADER: &str = "x-appward-release";

/// The client of every server function (`#[server(client = crate::release::ReleaseClient)]`):
/// in the browser, `fetch` as Leptos does it, then the release check; on the server, Leptos's
/// own client type (never used to send).
#[cfg(not(feature = "hydrate"))]
pub type ReleaseClient = leptos::server_fn::client::browser::BrowserClient;

#[cfg(feature = "hydrate")]
pub use browser::ReleaseClient;

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::server_fn::client::Client;
    use leptos::server_fn::client::browser::BrowserClient;
    use leptos::server_fn::error::FromServerFnError;
    use leptos::server_fn::request::browser::BrowserRequest;
    use leptos::server_fn::response::browser::BrowserResponse;
    use std::future::Future;

    /// `fetch` as Leptos does it, then [`check`] of the answer's release.
    pub struct ReleaseClient;

    impl<E, IS, OS> Client<E, IS, OS> for ReleaseClient
    where
        E: FromServerFnError,
        IS: FromServerFnError,
        OS: FromServerFnError,
    {
        type Request = BrowserRequest;
        type Response = BrowserResponse;

        fn send(
            request: BrowserRequest,
        ) -> impl Future<Output = Result<BrowserResponse, E>> + Send {
            let sent = <BrowserClient as Client<E, IS, OS>>::send(request);
            async move {
                let answer = sent.await?;
                let headers = answer.generate_headers();
                if let Some(release) = headers
                    .get(crate::release::HEADER)
                    .and_then(|v| v.to_str().ok())
                {
                    check(release);
                }
                Ok(answer)
            }
        }

        fn open_websocket(
            path: &str,
        ) -> impl Future<
            Output = Result<
                (
                    impl futures::Stream<
                        Item = Result<leptos::server_fn::Bytes, leptos::server_fn::Bytes>,
                    > + Send
                    + 'static,
                    impl futures::Sink<leptos::server_fn::Bytes> + Send + 'static,
                ),
                E,
            >,
        > + Send {
            <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
        }

        fn spawn(future: impl Future<Output = ()> + Send + 'static) {
            <BrowserClient as Client<E, IS, OS>>::spawn(future)
        }
    }

    /// Reloads the page when the server's `release` is not the page's own: the new page
    /// comes from the server's release. At most once per release (a session-storage mark),
    /// so that two instances of different releases behind one balancer cannot make a page
    /// reload forever.
    fn check(release: &str) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let own = window
            .document()
            .and_then(|document| document.document_element())
            .and_then(|root| root.get_attribute("data-release"));
        if own.as_deref().is_none_or(|own| own == release) {
            return;
        }
        const MARK: &str = "appward-reloaded-for";
        let storage = window.session_storage().ok().flatten();
        if storage
            .as_ref()
            .and_then(|storage| storage.get_item(MARK).ok().flatten())
            .as_deref()
            == Some(release)
        {
            return;
        }
        if let Some(storage) = &storage {
            let _ = storage.set_item(MARK, release);
        }
        let _ = window.location().reload();
    }
}
