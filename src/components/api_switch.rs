//! The SystemAPI / UnifiedAPI switch of each Apps tab: a labelled radio group.
use leptos::prelude::*;

use crate::domain::ApiKind;

/// Two radio buttons choosing the API whose Apps a tab shows; arrow keys move between them.
#[component]
pub fn ApiSwitch(
    /// A page-unique stem for the radio buttons' name and ids.
    id: &'static str,
    /// The chosen API.
    #[prop(into)]
    selected: Signal<ApiKind>,
    /// Asked to show another API.
    on_change: Callback<ApiKind>,
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
                            checked=selected.get_untracked() == kind
                            prop:checked=move || selected.get() == kind
                            on:change=move |_| on_change.run(kind)
                        />
                        <label for=input_id>{kind.label()}</label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
