//! Add App and the edit form of an App: the seed's sections, fields and buttons, in order.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::apps::JustRegistered;
use super::apps_location::{AppsLocation, AppsTab, app_href};
use crate::apps::{
    AppDetails, CreateApp, RegenerateAppSecret, RevealAppSecret, UpdateApp, get_app,
};
use crate::components::icon::{COPY, HIDE, REGENERATE, REVEAL, WARNING};
use crate::components::{
    ConfirmDialog, Field, FormFields, Icon, Notices, ServerForm, Skeleton, copy_text, field_id,
    use_notices,
};
use crate::domain::{
    AdminEmail, AdminPhone, ApiKind, AppDescription, AppForm, AppName, Homepage, ImageUrl,
    RedirectUrl, check_app_field, idn::LOOKALIKE_WARNING,
};
use crate::error::ConsoleError;

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
    let notices = use_notices();
    let navigate = use_navigate();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(registered)) => {
            let key = registered.app.key.clone();
            just_registered
                .0
                .set(Some((key.clone(), registered.secret)));
            notices.done("App added. Its key and secret are below; keep the secret safe.");
            navigate(&app_href(&key), Default::default());
        }
        Some(Err(error)) => notices.failed(&error),
        None => {}
    });
    let server_error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <Title text="Add App"/>
        <h1>"Add App"</h1>
        <p class="subtitle">{api.label()}</p>
        <ServerForm action=create read=read_create_app attr:class="app-form" attr:novalidate=true>
            <input type="hidden" name="api" value=api.as_str()/>
            <AppFields initial=AppForm::default() server_error/>
            <section class="credentials" aria-label="Credentials">
                <p class="hint">"App ID/key and App secret are generated when you click OK."</p>
            </section>
            <FormActions api pending=create.pending()/>
        </ServerForm>
    }
}

/// The edit form of the App whose key is in the address.
#[component]
pub fn EditAppPage() -> impl IntoView {
    let params = use_params_map();
    let app = crate::codec::resource(
        move || params.with(|params| params.get("key").unwrap_or_default()),
        get_app,
    );
    view! {
        <Title text="Edit App"/>
        <Suspense fallback=|| view! { <Skeleton label="Loading the App"/> }>
            {move || Suspend::new(async move {
                match app.await {
                    Ok(details) => view! { <AppEditor details/> }.into_any(),
                    Err(error) => {
                        super::set_page_status(error.status());
                        view! {
                        <h1>"Edit App"</h1>
                        <p class="error" role="alert">{error.to_string()}</p>
                        <A href=crate::embedding::href(&AppsLocation::of(AppsTab::Registration, ApiKind::UnifiedApi).href())>"Back to App Registration"</A>
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
    let notices = use_notices();
    let navigate = use_navigate();
    let api = details.api;
    Effect::new(move |_| match update.value().get() {
        Some(Ok(_)) => {
            notices.done("App saved");
            navigate(
                &AppsLocation::of(AppsTab::Registration, api).href(),
                Default::default(),
            );
        }
        Some(Err(error)) => notices.failed(&error),
        None => {}
    });
    let server_error = Signal::derive(move || update.value().get().and_then(Result::err));
    view! {
        <h1>"Edit App"</h1>
        <p class="subtitle">{format!("{} · {}", details.form.name, api.label())}</p>
        <ServerForm action=update read=read_update_app attr:class="app-form" attr:novalidate=true>
            <input type="hidden" name="key" value=details.key.clone()/>
            <AppFields initial=details.form.clone() server_error/>
            <Credentials key=details.key.clone()/>
            <FormActions api pending=update.pending()/>
        </ServerForm>
    }
}

/// Add App's fields as the server reads a plain post of the same form.
fn read_create_app(fields: &FormFields) -> CreateApp {
    CreateApp {
        api: fields.text("api"),
        form: read_app_form(fields),
    }
}

/// The edit form's fields as the server reads a plain post of the same form.
fn read_update_app(fields: &FormFields) -> UpdateApp {
    UpdateApp {
        key: fields.text("key"),
        form: read_app_form(fields),
    }
}

/// The App form's fields as the server reads a plain post of the same form (`form[name]`, …).
fn read_app_form(fields: &FormFields) -> AppForm {
    AppForm {
        name: fields.text("form[name]"),
        description: fields.text("form[description]"),
        homepage: fields.text("form[homepage]"),
        image_url: fields.text("form[image_url]"),
        admin_email: fields.text("form[admin_email]"),
        admin_phone: fields.text("form[admin_phone]"),
        trusted: fields.optional("form[trusted]"),
        redirect_url: fields.text("form[redirect_url]"),
    }
}

/// The three sections of the form, each field checked as it is typed.
#[component]
fn AppFields(initial: AppForm, server_error: Signal<Option<ConsoleError>>) -> impl IntoView {
    // Each field's refusal (checked as it is typed, or the server's), and the look-alike
    // warning of the fields that hold a domain.
    let checked = move |name: &'static str, initial: &str| {
        let local = RwSignal::new(None::<String>);
        let typed = RwSignal::new(initial.to_owned());
        let error = Signal::derive(move || {
            local
                .get()
                .or_else(|| server_error.get().and_then(|e| e.message_for(name)))
        });
        let note = Signal::derive(move || {
            typed
                .with(|value| looks_alike(name, value))
                .then(|| LOOKALIKE_WARNING.to_owned())
        });
        let on_input = Callback::new(move |value: String| {
            local.set(check_app_field(name, &value));
            typed.set(value);
        });
        (error, on_input, note)
    };
    let field = move |name: &'static str| {
        let (error, on_input, _) = checked(name, "");
        (error, on_input)
    };
    let (name_error, name_input) = field(AppName::FIELD);
    let (description_error, description_input) = field(AppDescription::FIELD);
    let (homepage_error, homepage_input, homepage_note) =
        checked(Homepage::FIELD, &initial.homepage);
    let (image_error, image_input, image_note) = checked(ImageUrl::FIELD, &initial.image_url);
    let (email_error, email_input, email_note) = checked(AdminEmail::FIELD, &initial.admin_email);
    let (phone_error, phone_input) = field(AdminPhone::FIELD);
    let (redirect_error, redirect_input, redirect_note) =
        checked(RedirectUrl::FIELD, &initial.redirect_url);
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
                value=initial.homepage error=homepage_error on_input=homepage_input note=homepage_note/>
            <Field label="Image URL" name="form[image_url]" input_type="url" autocomplete="off"
                value=initial.image_url error=image_error on_input=image_input note=image_note/>
        </fieldset>
        <fieldset>
            <legend>"Contact Info"</legend>
            <Field label="Admin email" name="form[admin_email]" required=true input_type="email" autocomplete="email"
                value=initial.admin_email error=email_error on_input=email_input note=email_note/>
            <Field label="Admin phone" name="form[admin_phone]" input_type="tel" autocomplete="tel"
                value=initial.admin_phone error=phone_error on_input=phone_input/>
        </fieldset>
        <fieldset>
            <legend>"User Agreement"</legend>
            <div class="field checkbox">
                <input type="checkbox" id=trusted_id.clone() name="form[trusted]" value="on"
                    checked=trusted aria-describedby="trusted-warning"/>
                <label for=trusted_id>"App is trusted"</label>
                <p class="warning" id="trusted-warning"><Icon icon=WARNING/>{TRUSTED_WARNING}</p>
            </div>
            <Field label="Redirect URL" name="form[redirect_url]" required=true input_type="url" autocomplete="off"
                value=initial.redirect_url error=redirect_error on_input=redirect_input note=redirect_note/>
        </fieldset>
    }
}

/// App ID/key with Copy, and App secret with Reveal, Copy and Regenerate.
#[component]
fn Credentials(key: String) -> impl IntoView {
    let just_registered = expect_context::<JustRegistered>();
    let fresh = just_registered.0.with_untracked(|just| {
        just.as_ref()
            .filter(|(just_key, _)| *just_key == key)
            .map(|(_, secret)| secret.clone())
    });
    view! {
        <section class="credentials" aria-label="Credentials">
            <div class="field">
                <label for="field-app-key">"App ID/key"</label>
                <div class="secret-row">
                    <input id="field-app-key" type="text" readonly value=key.clone() class="mono"/>
                    <CopyButton label="Copy App ID/key" what="App ID/key" text=Signal::stored(Some(key.clone()))/>
                </div>
            </div>
            <AppSecret key fresh/>
        </section>
    }
}

/// Copies `text` (once known) and says so in the status region.
#[component]
fn CopyButton(
    /// The button's accessible name.
    label: &'static str,
    /// What is copied, in the notice.
    what: &'static str,
    /// The text, or `None` while it is not known (then `on_unknown` runs instead).
    #[prop(into)]
    text: Signal<Option<String>>,
    /// Asked to fetch the text first.
    #[prop(optional)]
    on_unknown: Option<Callback<()>>,
) -> impl IntoView {
    let notices = use_notices();
    view! {
        <button type="button" aria-label=label on:click=move |_| match text.get_untracked() {
            Some(plain) => copy_and_tell(notices, what, plain),
            None => {
                if let Some(on_unknown) = on_unknown {
                    on_unknown.run(());
                }
            }
        }>
            <Icon icon=COPY/>
            "Copy"
        </button>
    }
}

fn copy_and_tell(notices: Notices, what: &'static str, text: String) {
    leptos::task::spawn_local(async move {
        if copy_text(text).await {
            notices.done(format!("{what} copied"));
        } else {
            notices.done(format!(
                "The browser did not allow copying. Select the {what} and copy it by hand."
            ));
        }
    });
}

/// App secret: masked until Reveal; Copy fetches it first if needed; Regenerate asks.
#[component]
fn AppSecret(key: String, fresh: Option<String>) -> impl IntoView {
    let notices = use_notices();
    let secret = RwSignal::new(fresh.clone());
    let revealed = RwSignal::new(fresh.is_some());
    let reveal = ServerAction::<RevealAppSecret>::new();
    let regenerate = ServerAction::<RegenerateAppSecret>::new();
    let copy_after_reveal = RwSignal::new(false);
    Effect::new(move |_| match reveal.value().get() {
        Some(Ok(plain)) => {
            secret.set(Some(plain.clone()));
            if copy_after_reveal.get_untracked() {
                copy_after_reveal.set(false);
                copy_and_tell(notices, "App secret", plain);
            } else {
                revealed.set(true);
            }
        }
        Some(Err(error)) => notices.failed(&error),
        None => {}
    });
    Effect::new(move |_| match regenerate.value().get() {
        Some(Ok(plain)) => {
            secret.set(Some(plain));
            revealed.set(true);
            notices.done(
                "Secret regenerated. The old secret and every access token of the App no longer work.",
            );
        }
        Some(Err(error)) => notices.failed(&error),
        None => {}
    });
    let shown = move || match (revealed.get(), secret.get()) {
        (true, Some(secret)) => secret,
        _ => "•".repeat(32),
    };
    let confirm = RwSignal::new(false);
    let (reveal_key, copy_key, regenerate_key) = (key.clone(), key.clone(), key);
    let on_reveal = move |_| {
        if revealed.get_untracked() {
            revealed.set(false);
        } else if secret.with_untracked(Option::is_some) {
            revealed.set(true);
        } else {
            reveal.dispatch(RevealAppSecret {
                key: reveal_key.clone(),
            });
        }
    };
    let fetch_then_copy = Callback::new(move |_| {
        copy_after_reveal.set(true);
        reveal.dispatch(RevealAppSecret {
            key: copy_key.clone(),
        });
    });
    view! {
        <div class="field">
            <label for="field-app-secret">"App secret"</label>
            <div class="secret-row">
                <input id="field-app-secret" type="text" readonly class="mono" prop:value=shown value=shown/>
                <button type="button" aria-pressed=move || revealed.get().to_string()
                    disabled=move || reveal.pending().get() on:click=on_reveal>
                    {move || if revealed.get() { view! { <Icon icon=HIDE/> } } else { view! { <Icon icon=REVEAL/> } }}
                    {move || if revealed.get() { "Hide" } else { "Reveal" }}
                </button>
                <CopyButton label="Copy App secret" what="App secret" text=secret on_unknown=fetch_then_copy/>
                <button type="button" disabled=move || regenerate.pending().get()
                    aria-busy=move || regenerate.pending().get().to_string()
                    on:click=move |_| confirm.set(true)>
                    <Icon icon=REGENERATE/>
                    {move || if regenerate.pending().get() { "Regenerating…" } else { "Regenerate" }}
                </button>
            </div>
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
    }
}

/// Whether the value typed in the field `name` holds a domain shown as a likely look-alike.
fn looks_alike(name: &str, value: &str) -> bool {
    match name {
        n if n == Homepage::FIELD => Homepage::parse(value).is_ok_and(|v| v.is_lookalike()),
        n if n == ImageUrl::FIELD => ImageUrl::parse(value).is_ok_and(|v| v.is_lookalike()),
        n if n == RedirectUrl::FIELD => RedirectUrl::parse(value).is_ok_and(|v| v.is_lookalike()),
        n if n == AdminEmail::FIELD => AdminEmail::parse(value).is_ok_and(|v| v.is_lookalike()),
        _ => false,
    }
}

/// Cancel (stores nothing) and OK; refusals show at their fields and in the status region.
#[component]
fn FormActions(api: ApiKind, pending: Memo<bool>) -> impl IntoView {
    view! {
        <div class="actions">
            <A href=crate::embedding::href(&AppsLocation::of(AppsTab::Registration, api).href()) attr:class="button">"Cancel"</A>
            <button type="submit" class="primary" disabled=move || pending.get()
                aria-busy=move || pending.get().to_string()>
                {move || if pending.get() { "Saving…" } else { "OK" }}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_reads_the_fields_as_the_server_decodes_a_plain_post() {
        // Ticked and unticked App is trusted; every text field, some empty.
        let ticked = "form%5Bname%5D=My+App&form%5Bdescription%5D=line+1%0D%0Aline+2&form%5Bhomepage%5D=https%3A%2F%2Fb%C3%BCcher.example&form%5Bimage_url%5D=&form%5Badmin_email%5D=a%40b.example&form%5Badmin_phone%5D=%2B40+1&form%5Btrusted%5D=on&form%5Bredirect_url%5D=https%3A%2F%2Fb.example%2Fcb";
        let unticked = ticked.replace("&form%5Btrusted%5D=on", "");
        for body in [
            format!("api=unified&{ticked}"),
            format!("api=system&{unticked}"),
        ] {
            crate::components::assert_read_as_posted(&body, read_create_app);
        }
        for body in [
            format!("key=AbC123&{ticked}"),
            format!("key=AbC123&{unticked}"),
        ] {
            crate::components::assert_read_as_posted(&body, read_update_app);
        }
    }
}
