//! Every server function and every console page, called as each account level, as an account
//! outside the owner's scope, and signed out: allowed or refused with the right status. One
//! table per kind. (Finer account rules, such as levels, are in `tests/accounts.rs`.)

use crate::common;

use common::TestServer;

/// Who calls: the Administrator, the provider above the App's owner, the owner (an
/// Organization), a User below it, a provider outside that branch, and nobody.
const CALLERS: [&str; 6] = [
    "admin",
    "provider",
    "owner",
    "user",
    "stranger",
    "anonymous",
];

/// What each caller gets from a function on the owner's App (or with no App).
struct Row {
    function: &'static str,
    /// Whether it acts on a fresh App each time (it removes or changes what it touches).
    fresh_app: bool,
    /// The form field that names the App, if the function takes one.
    key_field: Option<&'static str>,
    /// Other form fields.
    fields: &'static [(&'static str, &'static str)],
    /// The expected status per caller, in the order of [`CALLERS`].
    expected: [u16; 6],
}

const IN_SCOPE_ONLY: [u16; 6] = [200, 200, 200, 403, 403, 401];
/// An App outside the caller's reach answers as a missing one (no probing for keys).
const APP_IN_SCOPE_ONLY: [u16; 6] = [200, 200, 200, 404, 404, 401];
const ANY_SIGNED_IN: [u16; 6] = [200, 200, 200, 200, 200, 401];

const ROWS: &[Row] = &[
    Row {
        function: "get_app",
        key_field: Some("key"),
        fresh_app: false,
        fields: &[],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "reveal_app_secret",
        key_field: Some("key"),
        fresh_app: false,
        fields: &[],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "regenerate_app_secret",
        key_field: Some("key"),
        fresh_app: true,
        fields: &[],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "set_app_status",
        key_field: Some("key"),
        fresh_app: true,
        fields: &[("suspended", "true")],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "remove_apps",
        key_field: Some("keys[0]"),
        fresh_app: true,
        fields: &[],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "remove_managed_apps",
        key_field: Some("keys[0]"),
        fresh_app: true,
        fields: &[],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "list_access_tokens",
        key_field: Some("key"),
        fresh_app: false,
        fields: &[("page", "0")],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "remove_access_tokens",
        key_field: Some("key"),
        fresh_app: true,
        fields: &[("all", "true")],
        expected: APP_IN_SCOPE_ONLY,
    },
    Row {
        function: "list_registered_apps",
        key_field: None,
        fresh_app: false,
        fields: &[("api", "unified"), ("page", "0")],
        expected: ANY_SIGNED_IN,
    },
    Row {
        function: "list_managed_apps",
        key_field: None,
        fresh_app: false,
        fields: &[("api", "unified")],
        expected: ANY_SIGNED_IN,
    },
    Row {
        function: "list_accounts",
        key_field: None,
        fresh_app: false,
        fields: &[],
        expected: ANY_SIGNED_IN,
    },
    Row {
        function: "current_account",
        key_field: None,
        fresh_app: false,
        fields: &[],
        expected: ANY_SIGNED_IN,
    },
];

/// The accounts of [`CALLERS`] (the owner's id among them) and a client signed in as each.
struct Callers {
    owner: i64,
    clients: Vec<reqwest::Client>,
}

impl Callers {
    async fn new(app: &TestServer) -> Self {
        let admin = app.admin().await;
        let provider = app
            .create_account(&admin, "provider", "service_provider", None)
            .await;
        let owner = app
            .create_account(&admin, "owner", "organization", Some(provider))
            .await;
        app.create_account(&admin, "user", "user", Some(owner))
            .await;
        app.create_account(&admin, "stranger", "service_provider", None)
            .await;
        let mut clients = Vec::new();
        for caller in CALLERS {
            clients.push(match caller {
                "admin" => app.admin().await,
                "anonymous" => app.client(),
                login => app.signed_in(login, "password-123").await,
            });
        }
        Self { owner, clients }
    }

    fn owner_client(&self) -> &reqwest::Client {
        &self.clients[2]
    }
}

#[tokio::test]
async fn every_server_function_checks_rights_on_the_server() {
    let app = TestServer::spawn().await;
    let callers = Callers::new(&app).await;
    let clients = &callers.clients;
    let owner_client = callers.owner_client();
    let shared_key = app.oauth_app(owner_client, "unified", &[]).await.key;

    let mut failures = Vec::new();
    for row in ROWS {
        for (index, caller) in CALLERS.iter().enumerate() {
            let key = if row.fresh_app {
                app.oauth_app(owner_client, "unified", &[]).await.key
            } else {
                shared_key.clone()
            };
            let mut form: Vec<(&str, &str)> = row.fields.to_vec();
            if let Some(field) = row.key_field {
                form.push((field, key.as_str()));
            }
            let status = app
                .call(&clients[index], row.function, &form)
                .await
                .status()
                .as_u16();
            if status != row.expected[index] {
                failures.push(format!(
                    "{} as {caller}: {status}, expected {}",
                    row.function, row.expected[index]
                ));
            }
        }
    }
    // Creating: any signed-in account registers Apps and creates accounts below it.
    for (index, caller) in CALLERS.iter().enumerate() {
        let status = app
            .register_app(&clients[index], "unified", &[])
            .await
            .status()
            .as_u16();
        let expected = if *caller == "anonymous" { 401 } else { 200 };
        if status != expected {
            failures.push(format!(
                "create_app as {caller}: {status}, expected {expected}"
            ));
        }
    }
    // Saving the edit form: only within the owner's scope.
    for (index, caller) in CALLERS.iter().enumerate() {
        let status = app
            .update_app(&clients[index], &shared_key, &[])
            .await
            .status()
            .as_u16();
        if status != APP_IN_SCOPE_ONLY[index] {
            failures.push(format!(
                "update_app as {caller}: {status}, expected {}",
                APP_IN_SCOPE_ONLY[index]
            ));
        }
    }
    // Accounts: creating a User below the owner, and removing one, need the owner in scope.
    let admin = &clients[0];
    for (index, caller) in CALLERS.iter().enumerate() {
        let login = format!("new-by-{caller}");
        let parent = callers.owner.to_string();
        let created = app
            .call(
                &clients[index],
                "create_account",
                &[
                    ("form[login]", login.as_str()),
                    ("form[name]", "New user"),
                    ("form[password]", "password-123"),
                    ("form[level]", "user"),
                    ("form[parent]", parent.as_str()),
                ],
            )
            .await
            .status()
            .as_u16();
        let doomed = app
            .create_account(
                admin,
                &format!("doomed-{caller}"),
                "user",
                Some(callers.owner),
            )
            .await
            .to_string();
        let removed = app
            .call(
                &clients[index],
                "remove_account",
                &[("id", doomed.as_str())],
            )
            .await
            .status()
            .as_u16();
        for (function, status) in [("create_account", created), ("remove_account", removed)] {
            if status != IN_SCOPE_ONLY[index] {
                failures.push(format!(
                    "{function} as {caller}: {status}, expected {}",
                    IN_SCOPE_ONLY[index]
                ));
            }
        }
    }
    // Last, signing out: anyone may, and afterwards nobody is anybody.
    for (index, caller) in CALLERS.iter().enumerate() {
        let out = app.call(&clients[index], "sign_out", &[]).await.status();
        let after = app
            .call(&clients[index], "current_account", &[])
            .await
            .status();
        if (!out.is_success() && !out.is_redirection()) || after != 401 {
            failures.push(format!(
                "sign_out as {caller}: {out}, then current_account {after}"
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A console page as each caller: 200, a refusal with its status, or (signed out) a redirect
/// to the sign-in page.
#[tokio::test]
async fn every_console_page_checks_rights_on_the_server() {
    let app = TestServer::spawn().await;
    let callers = Callers::new(&app).await;
    let key = app
        .oauth_app(callers.owner_client(), "unified", &[])
        .await
        .key;
    let edit = format!("/apps/{key}");
    let any_signed_in = [200, 200, 200, 200, 200, 303];
    let pages: [(&str, [u16; 6]); 7] = [
        ("/", any_signed_in),
        ("/apps?tab=registration&api=unified", any_signed_in),
        ("/apps?tab=management&api=system", any_signed_in),
        ("/apps/new", any_signed_in),
        ("/accounts", any_signed_in),
        (&edit, [200, 200, 200, 404, 404, 303]),
        (
            "/apps/no-such-app-key-0000000000000",
            [404, 404, 404, 404, 404, 303],
        ),
    ];
    let mut failures = Vec::new();
    for (path, expected) in pages {
        for (index, caller) in CALLERS.iter().enumerate() {
            let response = callers.clients[index]
                .get(format!("{}{path}", app.url))
                .header("accept", "text/html")
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let location = response.headers().get("location").cloned();
            if status != expected[index] {
                failures.push(format!(
                    "{path} as {caller}: {status}, expected {}",
                    expected[index]
                ));
            } else if status == 303
                && location
                    .as_ref()
                    .is_none_or(|l| l.to_str().ok() != Some(&appward::session::sign_in_path(path)))
            {
                failures.push(format!("{path} as {caller}: redirected to {location:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
