//! A form that posts to a server function, in place of Leptos's `ActionForm`.
//!
//! Before the page is hydrated (or without JavaScript) it is a plain HTML post to the
//! server function's URL, which the server decodes from `application/x-www-form-urlencoded`
//! and answers with a redirect. Once hydrated, a submit reads the fields into the server
//! function's arguments with a reader the page gives ([`FormFields`]) and dispatches the
//! action. `ActionForm` decodes the fields with `serde_qs` instead, which put about 50 KB of
//! query-string parsing into the browser bundle for five forms of a few strings each.
use leptos::html::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The fields of a submitted form, as name and value pairs in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    /// The fields from name and value pairs (what a browser sends, decoded).
    pub fn from_pairs<N: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(name, value)| (name.into(), value.into()))
                .collect(),
        )
    }

    /// The value of the first field named `name`, if the form sent one (an unticked
    /// checkbox sends none; an empty text field sends `""`).
    pub fn optional(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    }

    /// The value of the field named `name`, or `""` when the form sent none.
    pub fn text(&self, name: &str) -> String {
        self.optional(name).unwrap_or_default()
    }

    /// The text fields of a form element (files are not read: no form here has one).
    #[cfg(feature = "hydrate")]
    fn of(form: &web_sys::HtmlFormElement) -> Self {
        use wasm_bindgen::JsCast;
        let Ok(data) = web_sys::FormData::new_with_form(form) else {
            return Self::default();
        };
        let Ok(Some(entries)) = js_sys::try_iter(&data.entries()) else {
            return Self::default();
        };
        Self(
            entries
                .flatten()
                .filter_map(|entry| {
                    let entry = entry.dyn_into::<js_sys::Array>().ok()?;
                    Some((entry.get(0).as_string()?, entry.get(1).as_string()?))
                })
                .collect(),
        )
    }
}

/// `<form method="post">` to `ServFn`'s URL; once hydrated, `read` turns the fields into the
/// arguments and `action` is dispatched with them (the page shows its pending state and
/// answer as with any action). Attributes given with `attr:` go on the form element.
#[component]
pub fn ServerForm<ServFn>(
    /// What submitting dispatches.
    action: ServerAction<ServFn>,
    /// The server function's arguments from the submitted fields.
    read: impl Fn(&FormFields) -> ServFn + 'static,
    /// The form element, for a page that resets it.
    #[prop(optional)]
    node_ref: Option<NodeRef<Form>>,
    children: Children,
) -> impl IntoView
where
    ServFn: ServerFn + Clone + Send + Sync + 'static,
    ServFn::Output: Send + Sync + 'static,
    ServFn::Error: Send + Sync + 'static,
{
    let node_ref = node_ref.unwrap_or_default();
    let submit = move |event: web_sys::SubmitEvent| {
        if event.default_prevented() {
            return;
        }
        event.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(form) = node_ref.get_untracked() {
            action.dispatch(read(&FormFields::of(&form)));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&action, &read);
    };
    view! {
        <form action=crate::embedding::form_action(ServFn::url()) method="post" node_ref=node_ref on:submit=submit>
            {children()}
        </form>
    }
}

/// Checks a page's reader against the server: the fields of a plain post of `body` read as
/// the browser reads them give the same arguments as the server's own decoding of `body`.
#[cfg(test)]
pub(crate) fn assert_read_as_posted<T>(body: &str, read: impl Fn(&FormFields) -> T)
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    // What server_fn does with a form-encoded body (`PostUrl`).
    let server: T = serde_qs::Config::new(5, false)
        .deserialize_str(body)
        .unwrap_or_else(|error| panic!("the server refuses {body:?}: {error}"));
    let browser = read(&FormFields::from_pairs(
        url::form_urlencoded::parse(body.as_bytes()).into_owned(),
    ));
    assert_eq!(
        serde_json::to_value(&browser).unwrap(),
        serde_json::to_value(&server).unwrap(),
        "{body}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_value_of_a_name_is_read_and_a_missing_one_is_none() {
        let fields = FormFields::from_pairs([("a", "1"), ("b", ""), ("a", "2")]);
        assert_eq!(fields.text("a"), "1");
        assert_eq!(fields.optional("b").as_deref(), Some(""));
        assert_eq!(fields.optional("c"), None);
        assert_eq!(fields.text("c"), "");
    }
}
