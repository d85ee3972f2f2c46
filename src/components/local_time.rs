//! A moment sent as UTC and shown in the viewer's own locale and time zone.
use leptos::prelude::*;

/// `<time datetime="…Z">`: the server renders the UTC time; once the page is interactive,
/// the browser rewrites the text in the viewer's locale.
#[component]
pub fn LocalTime(
    /// RFC 3339 UTC, as the server formats it (`2026-11-22T10:00:00Z`).
    utc: String,
) -> impl IntoView {
    let text = RwSignal::new(utc.replacen('T', " ", 1).replace('Z', " UTC"));
    let datetime = utc.clone();
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let date = js_sys::Date::new(&utc.as_str().into());
            if !date.get_time().is_nan() {
                let local: String = date
                    .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
                    .into();
                text.set(local);
            }
        }
    });
    view! { <time datetime=datetime>{move || text.get()}</time> }
}
