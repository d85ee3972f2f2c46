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
    let note = note.unwrap_or_default();
    let control = Control {
        id: id.clone(),
        name,
        input_type: input_type.unwrap_or("text"),
        autocomplete,
        required,
        value,
        error,
        described_by: described_by(error, error_id.clone(), note, note_id.clone()),
        on_input,
    };
    let control = if multi_line {
        control.text_area()
    } else {
        control.input()
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

/// `aria-describedby`: the error's id while there is an error, the note's while there is one.
fn described_by(
    error: Signal<Option<String>>,
    error_id: String,
    note: Signal<Option<String>>,
    note_id: String,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        let ids: Vec<&str> = [
            error.get().map(|_| error_id.as_str()),
            note.get().map(|_| note_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    })
}

/// The `<input>` or `<textarea>` of a field, with what ties it to its label and messages.
struct Control {
    id: String,
    name: &'static str,
    input_type: &'static str,
    autocomplete: Option<&'static str>,
    required: bool,
    value: Signal<String>,
    error: Signal<Option<String>>,
    described_by: Signal<Option<String>>,
    on_input: Option<Callback<String>>,
}

impl Control {
    fn invalid(&self) -> impl Fn() -> &'static str + Send + Sync + 'static {
        let error = self.error;
        move || {
            if error.get().is_some() {
                "true"
            } else {
                "false"
            }
        }
    }

    fn on_input(&self) -> impl Fn(leptos::ev::Event) + 'static {
        let on_input = self.on_input;
        move |event| {
            if let Some(on_input) = on_input {
                on_input.run(event_target_value(&event));
            }
        }
    }

    fn text_area(self) -> AnyView {
        let value = self.value;
        view! {
            <textarea
                id=self.id.clone()
                name=self.name
                rows="4"
                required=self.required
                prop:value=move || value.get()
                aria-invalid=self.invalid()
                aria-describedby=self.described_by
                on:input=self.on_input()
            >
                {value.get_untracked()}
            </textarea>
        }
        .into_any()
    }

    fn input(self) -> AnyView {
        let value = self.value;
        view! {
            <input
                id=self.id.clone()
                name=self.name
                type=self.input_type
                autocomplete=self.autocomplete
                required=self.required
                value=value.get_untracked()
                prop:value=move || value.get()
                aria-invalid=self.invalid()
                aria-describedby=self.described_by
                on:input=self.on_input()
            />
        }
        .into_any()
    }
}
