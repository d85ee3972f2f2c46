//! The Accounts page: the accounts in scope, a form to create one, removal.
use leptos::html::Form;
use leptos::prelude::*;
use leptos_meta::Title;

use super::console::use_account;
use crate::accounts::{AccountRow, CreateAccount, NewAccountForm, RemoveAccount, list_accounts};
use crate::components::{
    ConfirmDialog, Field, FormFields, ServerForm, Skeleton, field_id, use_notices,
};
use crate::domain::{AccountLevel, AccountName, FieldError, Login, Password};

/// Lists, creates and removes the accounts of the signed-in account's scope.
#[component]
pub fn AccountsPage() -> impl IntoView {
    let create = ServerAction::<CreateAccount>::new();
    let remove = ServerAction::<RemoveAccount>::new();
    let accounts = crate::codec::resource(
        move || (create.version().get(), remove.version().get()),
        |_| list_accounts(),
    );
    let notices = use_notices();
    notices.report(create.value(), |row| {
        format!("Created {} ({})", row.login, row.level)
    });
    notices.report(remove.value(), |_| "Account removed".to_owned());
    view! {
        <Title text="Accounts"/>
        <h1>"Accounts"</h1>
        <Transition fallback=|| view! { <Skeleton label="Loading accounts"/> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Ok(rows) => view! {
                        <AccountTable rows=rows.clone() remove/>
                        <NewAccountForm rows create/>
                    }.into_any(),
                    Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountTable(rows: Vec<AccountRow>, remove: ServerAction<RemoveAccount>) -> impl IntoView {
    let me = use_account();
    let pending: RwSignal<Option<AccountRow>> = RwSignal::new(None);
    let open = RwSignal::new(false);
    view! {
        <div class="table-scroll" role="region" aria-label="Accounts in your scope" tabindex="0">
        <table class="grid">
            <caption>"Accounts in your scope"</caption>
            <thead>
                <tr>
                    <th scope="col">"Login"</th>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Level"</th>
                    <th scope="col">"Parent"</th>
                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let is_me = row.id == me.id;
                        let target = row.clone();
                        view! {
                            <tr>
                                <td>{row.login.clone()}</td>
                                <td>{row.name.clone()}</td>
                                <td>{row.level.to_string()}</td>
                                <td>{row.parent_login.clone().unwrap_or_default()}</td>
                                <td>
                                    {(!is_me).then(|| view! {
                                        <button
                                            type="button"
                                            class="danger"
                                            disabled=move || remove.pending().get()
                                            aria-label=format!("Remove {}", row.login)
                                            on:click=move |_| {
                                                pending.set(Some(target.clone()));
                                                open.set(true);
                                            }
                                        >
                                            "Remove"
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        </div>
        <ConfirmDialog
            id="remove-account"
            open
            title="Remove account"
            message=Signal::derive(move || {
                pending.get().map(|row| format!(
                    "Remove the account {} ({})? Its Apps and every token it holds go with it.",
                    row.login, row.name
                )).unwrap_or_default()
            })
            on_confirm=Callback::new(move |_| {
                if let Some(row) = pending.get_untracked() {
                    remove.dispatch(RemoveAccount { id: row.id });
                }
            })
        />
    }
}

#[component]
fn NewAccountForm(rows: Vec<AccountRow>, create: ServerAction<CreateAccount>) -> impl IntoView {
    let me = use_account();
    let levels: Vec<AccountLevel> = me.level.creatable().collect();
    let parents: Vec<AccountRow> = rows
        .into_iter()
        .filter(|row| row.level != AccountLevel::User)
        .collect();
    // Instant feedback: the same parsers the server runs.
    let login_error = RwSignal::new(None::<String>);
    let name_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    let check = |signal: RwSignal<Option<String>>, result: Result<(), FieldError>| {
        signal.set(result.err().map(|e| e.message));
    };
    let server_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let field_error = move |field: &'static str, local: RwSignal<Option<String>>| {
        Signal::derive(move || {
            local
                .get()
                .or_else(|| server_error.get().and_then(|e| e.message_for(field)))
        })
    };
    let form_ref = NodeRef::<Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get()
            && let Some(form) = form_ref.get()
        {
            form.reset();
        }
    });
    if levels.is_empty() {
        return view! { <p class="hint">"A User account cannot create accounts."</p> }.into_any();
    }
    let level_id = field_id("form[level]");
    let parent_id = field_id("form[parent]");
    view! {
        <section class="card" aria-labelledby="new-account-title">
            <h2 id="new-account-title">"New account"</h2>
            <ServerForm action=create node_ref=form_ref read=read_new_account>
                <Field label="Login" name="form[login]" required=true autocomplete="off"
                    error=field_error("login", login_error)
                    on_input=Callback::new(move |v: String| check(login_error, Login::parse(&v).map(|_| ())))/>
                <Field label="Name" name="form[name]" required=true autocomplete="off"
                    error=field_error("name", name_error)
                    on_input=Callback::new(move |v: String| check(name_error, AccountName::parse(&v).map(|_| ())))/>
                <Field label="Password" name="form[password]" input_type="password" required=true autocomplete="new-password"
                    error=field_error("password", password_error)
                    on_input=Callback::new(move |v: String| check(password_error, Password::parse(&v).map(|_| ())))/>
                <div class="field">
                    <label for=level_id.clone()>"Level"<span class="required" aria-hidden="true">" *"</span></label>
                    <select id=level_id name="form[level]" required>
                        {levels.iter().rev().map(|level| view! {
                            <option value=level.as_str()>{level.to_string()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=parent_id.clone()>"Parent"</label>
                    <select id=parent_id name="form[parent]">
                        {parents.into_iter().map(|row| {
                            let selected = row.id == me.id;
                            view! {
                                <option value=row.id.to_string() selected=selected>
                                    {format!("{} ({})", row.login, row.level)}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || create.pending().get()
                        aria-busy=move || create.pending().get().to_string()>
                        {move || if create.pending().get() { "Creating…" } else { "Create account" }}
                    </button>
                </div>
            </ServerForm>
        </section>
    }
    .into_any()
}

/// The new account's fields as the server reads a plain post of the same form.
fn read_new_account(fields: &FormFields) -> CreateAccount {
    CreateAccount {
        form: NewAccountForm {
            login: fields.text("form[login]"),
            name: fields.text("form[name]"),
            password: fields.text("form[password]"),
            level: fields.text("form[level]"),
            parent: fields.text("form[parent]"),
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_browser_reads_the_fields_as_the_server_decodes_a_plain_post() {
        for body in [
            "form%5Blogin%5D=ana&form%5Bname%5D=Ana+B&form%5Bpassword%5D=secret%26pw&form%5Blevel%5D=user&form%5Bparent%5D=3",
            "form[login]=&form[name]=&form[password]=&form[level]=organization&form[parent]=",
        ] {
            crate::components::assert_read_as_posted(body, super::read_new_account);
        }
    }
}
