//! The Access Tokens pop-up of Apps Management: the user's grants of one App, with Expires
//! and User Agent (plus issued and last used), and Remove Selected (after a confirmation).
use leptos::html::Dialog;
use leptos::lazy;
use leptos::prelude::*;

use crate::access_tokens::{AccessTokenPage, PAGE_SIZE, RemoveAccessTokens, list_access_tokens};
use crate::components::{
    LocalTime, PageTo, Pager, RemoveSelected, SelectAll, SelectRow, Selected, Skeleton,
    StatusRegion, counted, sync_modal, use_notices,
};

/// The dialog's name for the console's status region.
const PLACE: &str = "access-tokens";

/// The App whose tokens the pop-up shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokensOf {
    /// App ID/key.
    pub key: String,
    /// Its name, for the title.
    pub name: String,
}

/// A modal `<dialog>` (focus kept inside, Escape closes) open while `tokens_of` is set.
///
/// The dialog and its Close button are part of every Apps Management page; what it shows
/// ([`tokens_of_app`]) is code of its own, fetched the first time the pop-up opens.
#[component]
pub fn AccessTokensDialog(
    /// The App shown, or none when closed.
    tokens_of: RwSignal<Option<TokensOf>>,
    /// Runs after tokens were removed, so the table's count follows.
    on_changed: Callback<()>,
) -> impl IntoView {
    let notices = use_notices();
    let dialog = NodeRef::<Dialog>::new();
    sync_modal(
        dialog,
        Signal::derive(move || tokens_of.with(Option::is_some)),
        PLACE,
    );
    let close = move || {
        if tokens_of.with_untracked(Option::is_some) {
            tokens_of.set(None);
        }
    };
    let title = move || {
        tokens_of
            .get()
            .map(|shown| format!("Access Tokens of {}", shown.name))
            .unwrap_or_default()
    };
    // The page shown belongs to the App shown: another App opens on its first page.
    let page: RwSignal<(Option<String>, u64)> = RwSignal::new((None, 0));
    // The removal and its report live with the dialog, not with what it shows: closed while
    // a removal is on its way, the pop-up still reports it and the table's count follows.
    let remove = ServerAction::<RemoveAccessTokens>::new();
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(count)) => {
            notices.done(format!(
                "{} removed",
                counted(count, "access token", "access tokens")
            ));
            on_changed.run(());
        }
        Some(Err(error)) => notices.failed(&error),
        None => {}
    });
    view! {
        <dialog
            node_ref=dialog
            class="tokens"
            aria-labelledby="access-tokens-title"
            on:close=move |_| close()
        >
            <h2 id="access-tokens-title">{title}</h2>
            <StatusRegion place=PLACE/>
            {move || tokens_of.get().map(|shown| view! {
                <Suspense fallback=loading_tokens>
                    {Suspend::new(async move { tokens_of_app(shown.key, page, remove).await })}
                </Suspense>
            })}
            <div class="actions">
                <button type="button" class="primary" autofocus=crate::embedding::autofocus() on:click=move |_| close()>"Close"</button>
            </div>
        </dialog>
    }
}

/// What the pop-up shows while its content's code or the tokens are on their way.
fn loading_tokens() -> impl IntoView {
    view! { <Skeleton label="Loading access tokens" rows=1/> }
}

/// The App's tokens, a page at a time, with Remove Selected: the pop-up's content while it
/// shows the App `key`.
#[lazy]
fn tokens_of_app(
    key: String,
    page: RwSignal<(Option<String>, u64)>,
    remove: ServerAction<RemoveAccessTokens>,
) -> AnyView {
    let shown_page = {
        let key = key.clone();
        Memo::new(move |_| {
            page.with(|(of, page)| {
                if of.as_deref() == Some(key.as_str()) {
                    *page
                } else {
                    0
                }
            })
        })
    };
    let tokens = crate::codec::resource(move || (shown_page.get(), remove.version().get()), {
        let key = key.clone();
        move |(page, _)| list_access_tokens(key.clone(), page)
    });
    let go_to_page = {
        let key = key.clone();
        Callback::new(move |to: u64| page.set((Some(key.clone()), to)))
    };
    view! {
        <Transition fallback=loading_tokens>
            {move || {
                let key = key.clone();
                Suspend::new(async move {
                    match tokens.await {
                        Ok(found) => view! { <TokenTable found key remove go_to_page/> }.into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

/// One page of the App's tokens, its selection and Remove Selected. Each page (and each
/// removal) renders a new table, with nothing selected out of sight.
#[component]
fn TokenTable(
    found: AccessTokenPage,
    /// The App's key.
    key: String,
    remove: ServerAction<RemoveAccessTokens>,
    go_to_page: Callback<u64>,
) -> impl IntoView {
    let selected: RwSignal<Selected<i64>> = RwSignal::new(Selected::default());
    // The header box means "every token of this App now", also those on other pages.
    let everything = RwSignal::new(false);
    if found.total == 0 {
        return view! { <p class="empty">"No access tokens left. The App must ask you again."</p> }
            .into_any();
    }
    let ids: Vec<i64> = found.rows.iter().map(|row| row.id).collect();
    let total = found.total;
    let on_confirm = Callback::new(move |ids: Vec<i64>| {
        remove.dispatch(RemoveAccessTokens {
            key: key.clone(),
            ids,
            all: everything.get_untracked(),
        });
    });
    view! {
        <div class="toolbar">
            <RemoveSelected
                id="remove-access-tokens"
                selected
                everything=Signal::from(everything)
                pending=remove.pending()
                question=|count| match count {
                    Some(count) => format!(
                        "Remove {}? The App can no longer use {}.",
                        counted(count as u64, "access token", "access tokens"),
                        if count == 1 { "it" } else { "them" }
                    ),
                    None => "Remove every access token of yours for this App? The App can no longer use any of them.".to_owned(),
                }
                on_confirm
            />
        </div>
        <div class="table-scroll" role="region" aria-label="Your access tokens" tabindex="0">
            <table class="grid">
                <caption>{format!("{} of yours", counted(total, "access token", "access tokens"))}</caption>
                <thead>
                    <tr>
                        <th scope="col" class="select">
                            <SelectAll label="Select all access tokens".to_owned() keys=ids selected everything/>
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
                                    everything
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
        </div>
        <Pager label="Pages of access tokens" page=found.page total page_size=PAGE_SIZE
            noun=("access token", "access tokens") to=PageTo::Call(go_to_page)/>
    }
    .into_any()
}
