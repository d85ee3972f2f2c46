//! Add App and the edit form of an App: the seed's sections, fields and buttons, in order.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::app_registration::registration_href;
use super::apps::JustRegistered;
use crate::apps::{
    AppDetails, CreateApp, RegenerateAppSecret, RevealAppSecret, UpdateApp, get_app,
};
use crate::components::{ConfirmDialog, ErrorNotice, Field, copy_text, field_id};
use crate::domain::{
    AdminEmail, AdminPhone, ApiKind, AppDescription, AppForm, AppName, Homepage, ImageUrl,
    RedirectUrl, check_app_field,
};
use crate::error::AppError;

/// The warning of seed 000 beside App is trusted.
const TRUSTED_WARNING: &str = "When this option is active, the App can use only the App Key and \
    App Secret to generate an access token, and no user authentication is required. Activate \
    this option only if you trust the App.";

/// Add App: OK registers the App and opens its edit form with the new key and secret.
#[component]
pub fn AddAppPage() -> impl IntoView {
    let api = use_query_map().with_untracked(|query| {
        query
            .get("api")
            .and_then(|api| ApiKind::parse(&api).ok())
            .unwrap_or(ApiKind::UnifiedApi)
    });
    let create = ServerAction::<CreateApp>::new();
    let just_registered = expect_context::<JustRegistered>();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(registered)) = create.value().get() {
            let key = registered.app.key.clone();
            just_registered
                .0
                .set(Some((key.clone(), registered.secret)));
            navigate(&format!("/apps/{key}"), Default::default());
        }
    });
    let server_error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <Title text="Add App"/>
        <h1>"Add App"</h1>
        <p class="subtitle">{api.label()}</p>
        <ActionForm action=create attr:class="app-form" attr:novalidate=true>
            <input type="hidden" name="api" value=api.as_str()/>
            <AppFields initial=AppForm::default() server_error/>
            <section class="credentials" aria-label="Credentials">
                <p class="hint">"App ID/key and App secret are generated when you click OK."</p>
            </section>
            <FormActions api pending=create.pending() server_error/>
        </ActionForm>
    }
}

/// The edit form of the App whose key is in the address.
#[component]
pub fn EditAppPage() -> impl IntoView {
    let params = use_params_map();
    let app = Resource::new(
        move || params.with(|params| params.get("key").unwrap_or_default()),
        get_app,
    );
    view! {
        <Title text="Edit App"/>
        <Suspense fallback=|| view! { <p role="status">"Loading the App…"</p> }>
            {move || Suspend::new(async move {
                match app.await {
                    Ok(details) => view! { <AppEditor details/> }.into_any(),
                    Err(error) => {
                        super::set_page_status(error.status());
                        view! {
                        <h1>"Edit App"</h1>
                        <p class="error" role="alert">{error.to_string()}</p>
                        <A href="/apps?tab=registration">"Back to App Registration"</A>
                    }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn AppEditor(details: AppDetails) -> impl IntoView {
    let update = ServerAction::<UpdateApp>::new();
    let navigate = use_navigate();
    let api = details.api;
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            navigate(&registration_href(api), Default::default());
        }
    });
    let server_error = Signal::derive(move || update.value().get().and_then(Result::err));
    view! {
        <h1>"Edit App"</h1>
        <p class="subtitle">{format!("{} · {}", details.form.name, api.label())}</p>
        <ActionForm action=update attr:class="app-form" attr:novalidate=true>
            <input type="hidden" name="key" value=details.key.clone()/>
            <AppFields initial=details.form.clone() server_error/>
            <Credentials key=details.key.clone()/>
            <FormActions api pending=update.pending() server_error/>
        </ActionForm>
    }
}

/// The three sections of the form, each field checked as it is typed.
#[component]
fn AppFields(initial: AppForm, server_error: Signal<Option<AppError>>) -> impl IntoView {
    let field = move |name: &'static str| {
        let local = RwSignal::new(None::<String>);
        let error = Signal::derive(move || {
            local
                .get()
                .or_else(|| server_error.get().and_then(|e| e.message_for(name)))
        });
        let on_input = Callback::new(move |value: String| local.set(check_app_field(name, &value)));
        (error, on_input)
    };
    let (name_error, name_input) = field(AppName::FIELD);
    let (description_error, description_input) = field(AppDescription::FIELD);
    let (homepage_error, homepage_input) = field(Homepage::FIELD);
    let (image_error, image_input) = field(ImageUrl::FIELD);
    let (email_error, email_input) = field(AdminEmail::FIELD);
    let (phone_error, phone_input) = field(AdminPhone::FIELD);
    let (redirect_error, redirect_input) = field(RedirectUrl::FIELD);
    let trusted_id = field_id("form[trusted]");
    let trusted = initial.trusted.is_some();
    view! {
        <fieldset>
            <legend>"App Info"</legend>
            <Field label="Name" name="form[name]" required=true autocomplete="off"
                value=initial.name error=name_error on_input=name_input/>
            <Field label="Description" name="form[description]" multi_line=true
                value=initial.description error=description_error on_input=description_input/>
            <Field label="Homepage" name="form[homepage]" required=true input_type="url" autocomplete="url"
                value=initial.homepage error=homepage_error on_input=homepage_input/>
            <Field label="Image URL" name="form[image_url]" input_type="url" autocomplete="off"
                value=initial.image_url error=image_error on_input=image_input/>
        </fieldset>
        <fieldset>
            <legend>"Contact Info"</legend>
            <Field label="Admin email" name="form[admin_email]" required=true input_type="email" autocomplete="email"
                value=initial.admin_email error=email_error on_input=email_input/>
            <Field label="Admin phone" name="form[admin_phone]" input_type="tel" autocomplete="tel"
                value=initial.admin_phone error=phone_error on_input=phone_input/>
        </fieldset>
        <fieldset>
            <legend>"User Agreement"</legend>
            <div class="field checkbox">
                <input type="checkbox" id=trusted_id.clone() name="form[trusted]" value="on"
                    checked=trusted aria-describedby="trusted-warning"/>
                <label for=trusted_id>"App is trusted"</label>
                <p class="warning" id="trusted-warning">{TRUSTED_WARNING}</p>
            </div>
            <Field label="Redirect URL" name="form[redirect_url]" required=true input_type="url" autocomplete="off"
                value=initial.redirect_url error=redirect_error on_input=redirect_input/>
        </fieldset>
    }
}

/// App ID/key, and App secret with Reveal, Copy and Regenerate.
#[component]
fn Credentials(key: String) -> impl IntoView {
    let just_registered = expect_context::<JustRegistered>();
    let fresh = just_registered.0.with_untracked(|just| {
        just.as_ref()
            .filter(|(just_key, _)| *just_key == key)
            .map(|(_, secret)| secret.clone())
    });
    let secret = RwSignal::new(fresh.clone());
    let revealed = RwSignal::new(fresh.is_some());
    let status = RwSignal::new(if fresh.is_some() {
        "App added. Its key and secret are below; keep the secret safe.".to_owned()
    } else {
        String::new()
    });
    let reveal = ServerAction::<RevealAppSecret>::new();
    let regenerate = ServerAction::<RegenerateAppSecret>::new();
    let copy_after_reveal = RwSignal::new(false);
    let copy = move |text: String| {
        leptos::task::spawn_local(async move {
            status.set(if copy_text(text).await {
                "Copied the App secret.".into()
            } else {
                "The browser did not allow copying. Reveal the secret and copy it by hand.".into()
            });
        });
    };
    Effect::new(move |_| {
        if let Some(Ok(plain)) = reveal.value().get() {
            secret.set(Some(plain.clone()));
            if copy_after_reveal.get_untracked() {
                copy_after_reveal.set(false);
                copy(plain);
            } else {
                revealed.set(true);
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(plain)) = regenerate.value().get() {
            secret.set(Some(plain));
            revealed.set(true);
            status.set(
                "A new App secret was generated. The old one and every access token of the App no longer work."
                    .into(),
            );
        }
    });
    let error = Signal::derive(move || {
        regenerate
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reveal.value().get().and_then(Result::err))
    });
    let shown = move || match (revealed.get(), secret.get()) {
        (true, Some(secret)) => secret,
        _ => "•".repeat(32),
    };
    let confirm = RwSignal::new(false);
    let (reveal_key, copy_key, regenerate_key) = (key.clone(), key.clone(), key.clone());
    view! {
        <section class="credentials" aria-label="Credentials">
            <div class="field">
                <label for="field-app-key">"App ID/key"</label>
                <input id="field-app-key" type="text" readonly value=key class="mono"/>
            </div>
            <div class="field">
                <label for="field-app-secret">"App secret"</label>
                <div class="secret-row">
                    <input id="field-app-secret" type="text" readonly class="mono"
                        aria-describedby="secret-status" prop:value=shown value=shown/>
                    <button type="button" aria-pressed=move || revealed.get().to_string()
                        disabled=move || reveal.pending().get()
                        on:click=move |_| {
                            if revealed.get_untracked() {
                                revealed.set(false);
                            } else if secret.with_untracked(Option::is_some) {
                                revealed.set(true);
                            } else {
                                reveal.dispatch(RevealAppSecret { key: reveal_key.clone() });
                            }
                        }>
                        {move || if revealed.get() { "Hide" } else { "Reveal" }}
                    </button>
                    <button type="button" on:click=move |_| {
                        match secret.get_untracked() {
                            Some(plain) => copy(plain),
                            None => {
                                copy_after_reveal.set(true);
                                reveal.dispatch(RevealAppSecret { key: copy_key.clone() });
                            }
                        }
                    }>"Copy"</button>
                    <button type="button" disabled=move || regenerate.pending().get()
                        on:click=move |_| confirm.set(true)>"Regenerate"</button>
                </div>
                <p class="status" id="secret-status" role="status">{move || status.get()}</p>
                <ErrorNotice error/>
            </div>
            <ConfirmDialog
                id="regenerate-secret"
                open=confirm
                title="Regenerate App secret"
                message="The App gets a new secret. The old secret and every access token of the App stop working at once, for every user."
                on_confirm=Callback::new(move |_| {
                    regenerate.dispatch(RegenerateAppSecret { key: regenerate_key.clone() });
                })
            />
        </section>
    }
}

/// Cancel (stores nothing) and OK, with any refusal that is not about one field.
#[component]
fn FormActions(
    api: ApiKind,
    pending: Memo<bool>,
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <ErrorNotice error=Signal::derive(move || {
            server_error.get().filter(|e| !matches!(e, AppError::Invalid { .. }))
        })/>
        <p class="status" role="status">
            {move || match server_error.get() {
                Some(AppError::Invalid { .. }) => "Please correct the marked field.",
                _ => "",
            }}
        </p>
        <div class="actions">
            <A href=registration_href(api) attr:class="button">"Cancel"</A>
            <button type="submit" class="primary" disabled=move || pending.get()>"OK"</button>
        </div>
    }
}
