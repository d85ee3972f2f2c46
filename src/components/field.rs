//! A labelled form field with its error message tied to it.
use leptos::prelude::*;

use super::icon::{Icon, WARNING};

/// The element id of the field named `name` (`form[login]` → `field-form-login`).
pub fn field_id(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("field-{}", cleaned.trim_end_matches('-'))
}

/// An `<input>` (or `<textarea>`) with its `<label>`, a required mark, and an error linked by `aria-describedby`.
#[component]
pub fn Field(
    /// The label the user reads.
    label: &'static str,
    /// The form field's name.
    name: &'static str,
    /// The input type; text by default.
    #[prop(optional)]
    input_type: Option<&'static str>,
    /// Whether the field is required (shows `*`).
    #[prop(optional)]
    required: bool,
    /// The browser's autocomplete hint.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// The value to start with.
    #[prop(optional, into)]
    value: Signal<String>,
    /// The message shown under the field when its value is refused.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called with the new value on every keystroke.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
    /// A `<textarea>` instead of a one-line input.
    #[prop(optional)]
    multi_line: bool,
    /// A warning under the field that is not a refusal (a look-alike domain).
    #[prop(optional, into)]
    note: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let id = field_id(name);
    let error_id = format!("{id}-error");
    let note_id = format!("{id}-note");
    let described = error_id.clone();
    let noted = note_id.clone();
    let note = note.unwrap_or_default();
    let on_input = move |event: leptos::ev::Event| {
        if let Some(on_input) = on_input {
            on_input.run(event_target_value(&event));
        }
    };
    let invalid = move || {
        if error.get().is_some() {
            "true"
        } else {
            "false"
        }
    };
    let described_by = move || {
        let ids: Vec<&str> = [
            error.get().map(|_| described.as_str()),
            note.get().map(|_| noted.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let control = if multi_line {
        view! {
            <textarea
                id=id.clone()
                name=name
                rows="4"
                required=required
                prop:value=move || value.get()
                aria-invalid=invalid
                aria-describedby=described_by
                on:input=on_input
            >
                {value.get_untracked()}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=name
                type=input_type.unwrap_or("text")
                autocomplete=autocomplete
                required=required
                value=value.get_untracked()
                prop:value=move || value.get()
                aria-invalid=invalid
                aria-describedby=described_by
                on:input=on_input
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=id>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {control}
            <p class="field-error" id=error_id aria-live="polite">{move || error.get()}</p>
            {move || note.get().map(|text| view! {
                <p class="lookalike-warning" id=note_id.clone() role="note">
                    <Icon icon=WARNING/>{text}
                </p>
            })}
        </div>
    }
}
