//! The SystemAPI / UnifiedAPI switch of each Apps tab: a labelled radio group.
use leptos::prelude::*;

use crate::domain::ApiKind;

/// Two radio buttons choosing the API whose Apps a tab shows; arrow keys move between them.
#[component]
pub fn ApiSwitch(
    /// A page-unique stem for the radio buttons' name and ids.
    id: &'static str,
    /// The chosen API.
    selected: RwSignal<ApiKind>,
) -> impl IntoView {
    view! {
        <fieldset class="api-switch">
            <legend class="visually-hidden">"API"</legend>
            {ApiKind::ALL
                .into_iter()
                .map(|kind| {
                    let input_id = format!("{id}-{}", kind.as_str());
                    view! {
                        <input
                            type="radio"
                            id=input_id.clone()
                            name=id
                            value=kind.as_str()
                            prop:checked=move || selected.get() == kind
                            on:change=move |_| selected.set(kind)
                        />
                        <label for=input_id>{kind.label()}</label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
