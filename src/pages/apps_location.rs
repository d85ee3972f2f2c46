//! Where the Apps page is: its tab, its API and each list's filter, sort, order and page,
//! all in the address, so that reload, Back/Forward and a shared link open the same view.
//!
//! Management's list uses `filter`, `sort`, `order`, `page`; App Registration's the same
//! names prefixed `reg_`. A value that does not parse falls back to its default.
use leptos::Params;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query};
use leptos_router::params::Params;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use std::sync::Arc;

use crate::apps::{RegisteredSort, SortColumn};
use crate::apps_management::{MAX_FILTER_LENGTH, ManagedSort};
use crate::domain::ApiKind;

/// The highest page number (from 1) an address may ask for: the server's bound
/// ([`crate::listing::MAX_PAGE`], from 0); anything above falls back to page 1.
const MAX_PAGE: u64 = crate::listing::MAX_PAGE + 1;

/// The two tabs of the Apps page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AppsTab {
    /// Apps Management (seed 004), where the page opens.
    #[default]
    Management,
    /// App Registration (seed 000).
    Registration,
}

impl AppsTab {
    /// The tab's name in addresses and element ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Management => "management",
            Self::Registration => "registration",
        }
    }

    fn parse(value: &str) -> Self {
        if value == "registration" {
            Self::Registration
        } else {
            Self::Management
        }
    }
}

/// What one list shows: filter, sort column and order, page (from 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListView<S> {
    /// Text the name or description must contain.
    pub filter: String,
    /// The column sorted by.
    pub sort: S,
    /// Whether the order is reversed.
    pub descending: bool,
    /// The page, from 0.
    pub page: u64,
}

impl<S: SortColumn> ListView<S> {
    /// The view sorted by `column`; again by the same column reverses the order. Back to
    /// the first page.
    pub fn sorted_by(&self, column: S) -> Self {
        Self {
            descending: self.sort == column && !self.descending,
            sort: column,
            page: 0,
            ..self.clone()
        }
    }

    /// The view filtered by `filter`, from the first page.
    pub fn filtered(&self, filter: String) -> Self {
        Self {
            filter,
            page: 0,
            ..self.clone()
        }
    }

    /// The view on `page`.
    pub fn on_page(&self, page: u64) -> Self {
        Self {
            page,
            ..self.clone()
        }
    }

    fn read(
        filter: Option<&str>,
        sort: Option<&str>,
        order: Option<&str>,
        page: Option<&str>,
    ) -> Self {
        Self {
            filter: filter
                .filter(|filter| {
                    filter.chars().count() <= MAX_FILTER_LENGTH
                        && !filter.chars().any(char::is_control)
                })
                .unwrap_or_default()
                .to_owned(),
            sort: sort.map(S::parse).unwrap_or_default(),
            descending: order == Some("desc"),
            page: page
                .and_then(|page| page.parse::<u64>().ok())
                .filter(|page| (1..=MAX_PAGE).contains(page))
                .map_or(0, |page| page - 1),
        }
    }

    fn write(&self, prefix: &str, query: &mut Vec<(String, String)>) {
        if !self.filter.is_empty() {
            query.push((format!("{prefix}filter"), self.filter.clone()));
        }
        if self.sort != S::default() {
            query.push((format!("{prefix}sort"), self.sort.as_str().to_owned()));
        }
        if self.descending {
            query.push((format!("{prefix}order"), "desc".to_owned()));
        }
        if self.page > 0 {
            query.push((format!("{prefix}page"), (self.page + 1).to_string()));
        }
    }
}

/// The address's query, as typed parameters (each kept as text, so that one bad value
/// does not spoil the others).
#[derive(Debug, Clone, Default, PartialEq, Params)]
struct AppsQuery {
    tab: Option<String>,
    api: Option<String>,
    filter: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    page: Option<String>,
    reg_filter: Option<String>,
    reg_sort: Option<String>,
    reg_order: Option<String>,
    reg_page: Option<String>,
}

/// The whole view of the Apps page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppsLocation {
    /// The tab shown.
    pub tab: AppsTab,
    /// The API both tabs show.
    pub api: ApiKind,
    /// Apps Management's list.
    pub management: ListView<ManagedSort>,
    /// App Registration's list.
    pub registration: ListView<RegisteredSort>,
}

impl Default for AppsLocation {
    fn default() -> Self {
        Self {
            tab: AppsTab::default(),
            api: ApiKind::UnifiedApi,
            management: ListView::default(),
            registration: ListView::default(),
        }
    }
}

impl AppsLocation {
    /// The Apps page on `tab` and `api`, every list at its default.
    pub fn of(tab: AppsTab, api: ApiKind) -> Self {
        Self {
            tab,
            api,
            ..Self::default()
        }
    }

    fn read(query: &AppsQuery) -> Self {
        fn field(value: &Option<String>) -> Option<&str> {
            value.as_deref()
        }
        let text = |value: &Option<String>| value.as_deref().map(str::to_owned);
        Self {
            tab: field(&query.tab).map(AppsTab::parse).unwrap_or_default(),
            api: field(&query.api)
                .and_then(|api| ApiKind::parse(api).ok())
                .unwrap_or(ApiKind::UnifiedApi),
            management: ListView::read(
                text(&query.filter).as_deref(),
                field(&query.sort),
                field(&query.order),
                field(&query.page),
            ),
            registration: ListView::read(
                text(&query.reg_filter).as_deref(),
                field(&query.reg_sort),
                field(&query.reg_order),
                field(&query.reg_page),
            ),
        }
    }

    /// The same view on another tab.
    pub fn on_tab(&self, tab: AppsTab) -> Self {
        Self {
            tab,
            ..self.clone()
        }
    }

    /// The same view on another API: both lists back to their first page.
    pub fn on_api(&self, api: ApiKind) -> Self {
        Self {
            api,
            management: self.management.on_page(0),
            registration: self.registration.on_page(0),
            ..self.clone()
        }
    }

    /// The address of this view: `/apps?tab=…&api=…`, then whatever is not a default.
    pub fn href(&self) -> String {
        let mut query = vec![
            ("tab".to_owned(), self.tab.as_str().to_owned()),
            ("api".to_owned(), self.api.as_str().to_owned()),
        ];
        self.management.write("", &mut query);
        self.registration.write("reg_", &mut query);
        let query: Vec<String> = query
            .into_iter()
            .map(|(name, value)| {
                format!("{name}={}", utf8_percent_encode(&value, NON_ALPHANUMERIC))
            })
            .collect();
        format!("/apps?{}", query.join("&"))
    }
}

/// Goes to an address, as a new history entry or in place of the current one (`true`).
type Go = Arc<dyn Fn(&str, bool) + Send + Sync>;

/// The Apps page's view, read from the address, and the way to change it.
#[derive(Clone, Copy)]
pub struct AppsAddress {
    /// The view the address shows now.
    pub location: Memo<AppsLocation>,
    go: StoredValue<Go>,
}

impl AppsAddress {
    /// Reads the address of the page being shown; call once, in the Apps page.
    pub fn read() -> Self {
        let query = use_query::<AppsQuery>();
        let location = Memo::new(move |_| {
            query.with(|query| query.as_ref().map(AppsLocation::read).unwrap_or_default())
        });
        let navigate = use_navigate();
        let go: Go = Arc::new(move |href: &str, replace| {
            navigate(
                href,
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            );
        });
        Self {
            location,
            go: StoredValue::new(go),
        }
    }

    /// Shows `next`, as a new history entry (`replace = false`) or in place of this one
    /// (while a filter is being typed).
    pub fn show(self, next: AppsLocation, replace: bool) {
        if self.location.with_untracked(|now| *now == next) {
            return;
        }
        if let Some(go) = self.go.try_get_value() {
            go(&next.href(), replace);
        }
    }

    /// The address of the view `change` makes of the current one (for links, which are
    /// rendered again with their table whenever the view changes).
    pub fn href(self, change: impl Fn(&AppsLocation) -> AppsLocation) -> String {
        self.location.with_untracked(|now| change(now).href())
    }
}

/// The edit form of the App with `key`.
pub fn app_href(key: &str) -> String {
    format!("/apps/{key}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &[(&str, &str)]) -> AppsLocation {
        let get = |name: &str| {
            query
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        };
        AppsLocation::read(&AppsQuery {
            tab: get("tab"),
            api: get("api"),
            filter: get("filter"),
            sort: get("sort"),
            order: get("order"),
            page: get("page"),
            reg_filter: get("reg_filter"),
            reg_sort: get("reg_sort"),
            reg_order: get("reg_order"),
            reg_page: get("reg_page"),
        })
    }

    #[test]
    fn a_view_survives_its_own_address() {
        let view = AppsLocation {
            tab: AppsTab::Registration,
            api: ApiKind::SystemApi,
            management: ListView {
                filter: "a&b c/ü".into(),
                sort: ManagedSort::AccessTokens,
                descending: true,
                page: 3,
            },
            registration: ListView {
                filter: "x".into(),
                sort: RegisteredSort::Owner,
                descending: false,
                page: 1,
            },
        };
        let href = view.href();
        let query: Vec<(String, String)> = url::Url::parse(&format!("http://h{href}"))
            .unwrap()
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let pairs: Vec<(&str, &str)> = query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(read(&pairs), view);
    }

    #[test]
    fn bad_values_fall_back_to_defaults_one_by_one() {
        let view = read(&[
            ("tab", "nonsense"),
            ("api", "soap"),
            ("page", "18446744073709551615"),
            ("sort", "drop table"),
            ("order", "sideways"),
            ("reg_page", "0"),
            ("reg_filter", &"x".repeat(MAX_FILTER_LENGTH + 1)),
            ("filter", "kept"),
        ]);
        assert_eq!(view.tab, AppsTab::Management);
        assert_eq!(view.api, ApiKind::UnifiedApi);
        assert_eq!(view.management.page, 0);
        assert_eq!(view.management.sort, ManagedSort::App);
        assert!(!view.management.descending);
        assert_eq!(view.management.filter, "kept");
        assert_eq!(view.registration.page, 0);
        assert_eq!(view.registration.filter, "");
        // The server refuses control characters in a filter: from the address, none is kept.
        let view = read(&[("filter", "a\u{0}b"), ("reg_filter", "a\u{7}b")]);
        assert_eq!(view.management.filter, "");
        assert_eq!(view.registration.filter, "");
    }

    #[test]
    fn sorting_again_reverses_and_goes_back_to_the_first_page() {
        let view = ListView::<ManagedSort>::default().on_page(4);
        let once = view.sorted_by(ManagedSort::App);
        assert!(once.descending);
        assert_eq!(once.page, 0);
        assert!(!once.sorted_by(ManagedSort::App).descending);
        assert!(!once.sorted_by(ManagedSort::Status).descending);
    }
}
