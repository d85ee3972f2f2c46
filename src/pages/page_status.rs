//! The HTTP status of a page the server renders.

/// On the server, gives the page being rendered the HTTP status `status` (a refusal or a
/// missing thing is not a 200, even as a page); in the browser, nothing.
pub fn set_page_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
