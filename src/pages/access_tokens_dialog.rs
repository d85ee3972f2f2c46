//! The Access Tokens pop-up of Apps Management: the user's grants of one App, with Expires
//! and User Agent (plus issued and last used), and Remove Selected.
use leptos::html::Dialog;
use leptos::prelude::*;
use std::collections::BTreeSet;

use crate::access_tokens::{AccessTokenPage, PAGE_SIZE, RemoveAccessTokens, list_access_tokens};
use crate::components::{ErrorNotice, LocalTime, Pager, SelectAll, SelectRow, sync_modal};

/// The App whose tokens the pop-up shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokensOf {
    /// App ID/key.
    pub key: String,
    /// Its name, for the title.
    pub name: String,
}

/// A modal `<dialog>` (focus kept inside, Escape closes) open while `tokens_of` is set.
#[component]
pub fn AccessTokensDialog(
    /// The App shown, or none when closed.
    tokens_of: RwSignal<Option<TokensOf>>,
    /// Runs after tokens were removed, so the table's count follows.
    on_changed: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    sync_modal(
        dialog,
        Signal::derive(move || tokens_of.with(Option::is_some)),
    );
    let close = move || {
        if tokens_of.with_untracked(Option::is_some) {
            tokens_of.set(None);
        }
    };
    let page = RwSignal::new(0u64);
    let selected: RwSignal<BTreeSet<i64>> = RwSignal::new(BTreeSet::new());
    // The header box means "every token of this App now", also those on other pages.
    let everything = RwSignal::new(false);
    let remove = ServerAction::<RemoveAccessTokens>::new();
    let tokens = Resource::new(
        move || (tokens_of.get(), page.get(), remove.version().get()),
        |(shown, page, _)| async move {
            match shown {
                Some(shown) => list_access_tokens(shown.key, page).await.map(Some),
                None => Ok(None),
            }
        },
    );
    Effect::new(move |_| {
        tokens_of.track();
        if page.get_untracked() != 0 {
            page.set(0);
        }
    });
    Effect::new(move |_| {
        tokens_of.track();
        page.track();
        remove.version().track();
        selected.set(BTreeSet::new());
        everything.set(false);
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = remove.value().get() {
            on_changed.run(());
        }
    });
    let remove_error = Signal::derive(move || remove.value().get().and_then(Result::err));
    let title = move || {
        tokens_of
            .get()
            .map(|shown| format!("Access Tokens of {}", shown.name))
            .unwrap_or_default()
    };
    let remove_selected = move |_| {
        let Some(shown) = tokens_of.get_untracked() else {
            return;
        };
        remove.dispatch(RemoveAccessTokens {
            key: shown.key,
            ids: selected.get_untracked().into_iter().collect(),
            all: everything.get_untracked(),
        });
    };
    view! {
        <dialog
            node_ref=dialog
            class="tokens"
            aria-labelledby="access-tokens-title"
            on:close=move |_| close()
        >
            <h2 id="access-tokens-title">{title}</h2>
            <ErrorNotice error=remove_error/>
            <p class="status" role="status">
                {move || match remove.value().get() {
                    Some(Ok(count)) => format!("Removed {count} access token(s)."),
                    _ => String::new(),
                }}
            </p>
            <Transition fallback=|| view! { <p role="status">"Loading access tokens…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(Some(found)) => view! { <TokenTable found selected everything page/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <div class="actions">
                <button
                    type="button"
                    disabled=move || (selected.with(BTreeSet::is_empty) && !everything.get()) || remove.pending().get()
                    on:click=remove_selected
                >
                    "Remove Selected"
                </button>
                <button type="button" class="primary" autofocus on:click=move |_| close()>"Close"</button>
            </div>
        </dialog>
    }
}

#[component]
fn TokenTable(
    found: AccessTokenPage,
    selected: RwSignal<BTreeSet<i64>>,
    everything: RwSignal<bool>,
    page: RwSignal<u64>,
) -> impl IntoView {
    if found.total == 0 {
        return view! { <p class="empty">"No access tokens left. The App must ask you again."</p> }
            .into_any();
    }
    let ids: Vec<i64> = found.rows.iter().map(|row| row.id).collect();
    let total = found.total;
    view! {
        <table class="grid">
            <caption>{format!("{total} access token(s) of yours")}</caption>
            <thead>
                <tr>
                    <th scope="col" class="select">
                        <SelectAll
                            label="Select all access tokens".to_owned()
                            keys=ids
                            selected
                            on_toggle=Callback::new(move |on| everything.set(on))
                        />
                    </th>
                    <th scope="col">"Expires"</th>
                    <th scope="col">"User Agent"</th>
                    <th scope="col">"Issued"</th>
                    <th scope="col">"Last used"</th>
                </tr>
            </thead>
            <tbody>
                {found.rows.into_iter().map(|row| view! {
                    <tr>
                        <td class="select">
                            <SelectRow
                                label=format!("Select the access token issued {}", row.issued_at)
                                key=row.id
                                selected
                                on_toggle=Callback::new(move |on: bool| if !on { everything.set(false) })
                            />
                        </td>
                        <td><LocalTime utc=row.expires_at/></td>
                        <td class="user-agent">{row.user_agent}</td>
                        <td><LocalTime utc=row.issued_at/></td>
                        <td><LocalTime utc=row.last_used_at/></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <Pager label="Pages of access tokens" page total page_size=PAGE_SIZE noun="access tokens"/>
    }
    .into_any()
}
