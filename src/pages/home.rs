//! The home page of a signed-in account.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::console::use_account;

/// Greets the account and leads to its Apps.
#[component]
pub fn HomePage() -> impl IntoView {
    let account = use_account();
    view! {
        <Title text="Home"/>
        <h1>"Welcome, " {account.name.clone()}</h1>
        <p>"Signed in as " <strong>{account.login.clone()}</strong></p>
        <p class="level">{format!("Level: {}", account.level)}</p>
        <ul class="tiles">
            <li>
                <A href=crate::embedding::href("/apps")>
                    <span class="tile-title">"SystemAPI & UnifiedAPI"</span>
                    <span class="tile-text">"Register Apps and manage their access tokens."</span>
                </A>
            </li>
            <li>
                <A href=crate::embedding::href("/accounts")>
                    <span class="tile-title">"Accounts"</span>
                    <span class="tile-text">"Create and remove the accounts below yours."</span>
                </A>
            </li>
        </ul>
    }
}
