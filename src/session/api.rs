//! Server functions of the console session; the types they share with the browser are in `model`.
use leptos::prelude::*;

use crate::error::ConsoleError;

use super::model::*;

/// Signs in with a login name and password, starting a new session (a new id every time),
/// then goes to `next` (a path of this site, such as the authorization request that asked
/// for the sign-in) or home.
///
/// A plain form post is redirected by the server. The hydrated page gets `next` back and
/// loads it as a whole document, because it may be a server route (`/oauth/authorize`)
/// that the console's client-side router does not know.
#[server(prefix = "/api", endpoint = "sign_in", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn sign_in(
    login: String,
    password: String,
    next: Option<String>,
) -> Result<Option<String>, ConsoleError> {
    let state = crate::infra::state()?;
    service::sign_in(&state, &login, password).await?;
    let target = next.as_deref().and_then(local_path).unwrap_or("/");
    if crate::infra::is_plain_form_post() {
        leptos_axum::redirect(target);
        Ok(None)
    } else {
        // The page loads it itself, so it must name the base path (a redirect gets it on the way out).
        Ok(Some(crate::embedding::href(target)))
    }
}

/// The sign-in page that comes back to `next` once the person is signed in: `next` is a path
/// as Appward routes it (inside the base path, without it), and so is the answer; the base
/// is put in front on the way out (a redirect's `Location`, or [`crate::embedding::href`]).
/// Every way to sign-in that means to come back (a console page asked for while signed out,
/// an App's authorization request) is built here.
pub fn sign_in_path(next: &str) -> String {
    match local_path(next).filter(|next| *next != "/" && !next.starts_with("/sign-in")) {
        Some(next) => {
            let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            format!("/sign-in?next={next}")
        }
        None => "/sign-in".to_owned(),
    }
}

/// `path` when it is a path of this site (`/…`, not `//host` nor `/\\host`), else `None`:
/// a sign-in link cannot send the user to another site. Its path part holds no dot segment
/// (`.`, `..`, or their percent-encoded forms) and no encoded slash or backslash, so that
/// what the browser resolves is what was checked (`/console/../x` would land outside the
/// base path).
pub fn local_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let safe = !rest.starts_with('/')
        && !rest.starts_with('\\')
        && !path.chars().any(|c| c.is_control() || c == '\\');
    let path_part = path.split(['?', '#']).next().unwrap_or_default();
    let lower = path_part.to_ascii_lowercase();
    let encoded_separator = lower.contains("%2f") || lower.contains("%5c");
    let dot_segment = lower
        .split('/')
        .any(|segment| matches!(segment.replace("%2e", ".").as_str(), "." | ".."));
    (safe && !encoded_separator && !dot_segment).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_plain_paths_of_this_site_are_local() {
        for good in [
            "/",
            "/apps?tab=management",
            "/console/apps?filter=a%2Fb",
            "/a.b/c..d",
        ] {
            assert_eq!(local_path(good), Some(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "/console/../x",
            "/console/..",
            "/./apps",
            "/console/%2e%2e/x",
            "/console/.%2E/x",
            "/console%2f..%2fx",
            "/console%5Cx",
        ] {
            assert_eq!(local_path(bad), None, "{bad}");
        }
    }
}

/// Ends the current session (its row is deleted, so every instance refuses it at once).
#[server(prefix = "/api", endpoint = "sign_out", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn sign_out() -> Result<(), ConsoleError> {
    let state = crate::infra::state()?;
    service::sign_out(&state).await?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// The signed-in account, or 401 when nobody is signed in.
#[server(prefix = "/api", endpoint = "current_account", output = crate::codec::Json, client = crate::release::ReleaseClient)]
pub async fn current_account() -> Result<SignedInAccount, ConsoleError> {
    let state = crate::infra::state()?;
    service::current(&state)
        .await
        .map(|account| account.signed_in())
}

#[cfg(feature = "ssr")]
use super::service;
