//! ARIA tabs: a tablist with arrow-key movement and one visible tabpanel.
use leptos::prelude::*;

/// One tab: an id for the code and the words the user reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tab {
    /// Stable id, used in element ids.
    pub id: &'static str,
    /// The label shown.
    pub label: &'static str,
}

impl Tab {
    /// A tab with `id` and `label`.
    pub const fn new(id: &'static str, label: &'static str) -> Self {
        Self { id, label }
    }
}

/// Tabs whose panel shows `panel(selected tab id)`. The selection belongs to the caller
/// (the page keeps it in the address): a click or an arrow key asks `on_select`.
#[component]
pub fn Tabs<F, V>(
    /// The accessible name of the tab list.
    label: &'static str,
    /// The tabs, in order.
    tabs: Vec<Tab>,
    /// The id of the selected tab.
    #[prop(into)]
    selected: Signal<&'static str>,
    /// Asked to select another tab.
    on_select: Callback<&'static str>,
    /// Renders the selected tab's panel.
    panel: F,
) -> impl IntoView
where
    F: Fn(&'static str) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let count = tabs.len();
    let ids: Vec<&'static str> = tabs.iter().map(|tab| tab.id).collect();
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let index = ids
            .iter()
            .position(|id| *id == selected.get_untracked())
            .unwrap_or(0);
        let next = match event.key().as_str() {
            "ArrowRight" => (index + 1) % count,
            "ArrowLeft" => (index + count - 1) % count,
            "Home" => 0,
            "End" => count - 1,
            _ => return,
        };
        event.prevent_default();
        on_select.run(ids[next]);
        focus_tab(ids[next]);
    };
    view! {
        <div class="tabs">
            <div role="tablist" aria-label=label on:keydown=on_keydown>
                {tabs
                    .into_iter()
                    .map(|tab| {
                        let is_selected = move || selected.get() == tab.id;
                        view! {
                            <button
                                type="button"
                                role="tab"
                                id=format!("tab-{}", tab.id)
                                aria-controls=format!("panel-{}", tab.id)
                                aria-selected=move || is_selected().to_string()
                                tabindex=move || if is_selected() { "0" } else { "-1" }
                                on:click=move |_| on_select.run(tab.id)
                            >
                                {tab.label}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <div
                role="tabpanel"
                id=move || format!("panel-{}", selected.get())
                aria-labelledby=move || format!("tab-{}", selected.get())
            >
                {move || panel(selected.get())}
            </div>
        </div>
    }
}

fn focus_tab(id: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(element) = leptos::prelude::document().get_element_by_id(&format!("tab-{id}")) {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(element) = element.dyn_into::<leptos::web_sys::HtmlElement>() {
            let _ = element.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}
