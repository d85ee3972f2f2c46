//! The embedding settings, read with the rest of the configuration: `APPWARD_BASE_PATH`,
//! `APPWARD_CROSS_SITE_COOKIES`, `APPWARD_FRAME_ANCESTORS` (as a list of exact origins),
//! `APPWARD_PORTAL_SSO_*` and `APPWARD_THEME_CSS`.
use jsonwebtoken::{Algorithm, DecodingKey};
use std::path::PathBuf;

use super::config_error::ConfigError;

/// How the console is embedded into a portal; everything off by default.
#[derive(Debug, Clone, Default)]
pub struct EmbeddingSettings {
    /// `APPWARD_BASE_PATH`: `""` at the root of the host, else `/console` (no trailing slash).
    pub base_path: String,
    /// `APPWARD_CROSS_SITE_COOKIES`: session cookies a cross-site frame sends
    /// (`SameSite=None; Secure; Partitioned`).
    pub cross_site_cookies: bool,
    /// The `frame-ancestors` sources, space-separated, as the CSP carries them.
    pub frame_ancestors: String,
    /// The exact origins that may frame the console (`'self'` is the console's own origin):
    /// the only ones its frame talks to with `postMessage`.
    pub frame_origins: Vec<String>,
    /// Sign-in from the portal, when `APPWARD_PORTAL_SSO_KEY` names a key.
    pub portal_sso: Option<PortalSsoSettings>,
    /// `APPWARD_THEME_CSS`: the operator's stylesheet, served after the built-in one.
    pub theme_css: Option<PathBuf>,
}

/// What a portal's sign-in token is checked against.
#[derive(Debug, Clone)]
pub struct PortalSsoSettings {
    /// The portal's public key (`APPWARD_PORTAL_SSO_KEY`, a PEM file).
    pub key: DecodingKey,
    /// The one algorithm the key allows: EdDSA, ES256 or RS256.
    pub algorithm: Algorithm,
    /// `APPWARD_PORTAL_SSO_ISSUER`: the `iss` the tokens must carry.
    pub issuer: String,
    /// `APPWARD_PORTAL_SSO_AUDIENCE`: the `aud` they must carry (default: the public URL).
    pub audience: String,
    /// `APPWARD_PORTAL_SSO_ROOT`: the login of the account whose subtree portal people are
    /// created in (default `admin`).
    pub root_login: String,
}

impl EmbeddingSettings {
    /// Reads the embedding settings; `public_url` is `APPWARD_PUBLIC_URL` as given, if given.
    pub fn from_lookup(
        lookup: &impl Fn(&str) -> Option<String>,
        public_url: Option<&str>,
        default_public_url: &str,
    ) -> Result<(Self, String), ConfigError> {
        let base_path = base_path(lookup("APPWARD_BASE_PATH").as_deref().unwrap_or(""))
            .map_err(|message| error("APPWARD_BASE_PATH", message))?;
        let public_url = match public_url {
            Some(url) => {
                let path = url::Url::parse(url).map(|u| u.path().trim_end_matches('/').to_owned());
                if path.as_deref().ok() != Some(base_path.as_str()) {
                    return Err(error(
                        "APPWARD_PUBLIC_URL",
                        format!(
                            "its path must be the base path ({}), as the issuer includes it",
                            if base_path.is_empty() {
                                "/"
                            } else {
                                &base_path
                            }
                        ),
                    ));
                }
                url.to_owned()
            }
            None => format!("{default_public_url}{base_path}"),
        };
        let cross_site_cookies = match lookup("APPWARD_CROSS_SITE_COOKIES")
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "" | "false" | "0" | "no" | "off" => false,
            "true" | "1" | "yes" | "on" => true,
            _ => {
                return Err(error(
                    "APPWARD_CROSS_SITE_COOKIES",
                    "must be true or false".into(),
                ));
            }
        };
        let raw = lookup("APPWARD_FRAME_ANCESTORS").unwrap_or_else(|| "'self'".into());
        let (frame_ancestors, frame_origins) =
            frame_ancestors(&raw, &origin_of(&public_url), cross_site_cookies)
                .map_err(|message| error("APPWARD_FRAME_ANCESTORS", message))?;
        let portal_sso = match lookup("APPWARD_PORTAL_SSO_KEY") {
            None => None,
            Some(file) => Some(PortalSsoSettings::read(lookup, &file, &public_url)?),
        };
        let theme_css = lookup("APPWARD_THEME_CSS").map(PathBuf::from);
        if let Some(file) = &theme_css
            && !file.is_file()
        {
            return Err(error(
                "APPWARD_THEME_CSS",
                format!("{} is not a readable file", file.display()),
            ));
        }
        Ok((
            Self {
                base_path,
                cross_site_cookies,
                frame_ancestors,
                frame_origins,
                portal_sso,
                theme_css,
            },
            public_url,
        ))
    }
}

impl PortalSsoSettings {
    fn read(
        lookup: &impl Fn(&str) -> Option<String>,
        file: &str,
        public_url: &str,
    ) -> Result<Self, ConfigError> {
        let variable = "APPWARD_PORTAL_SSO_KEY";
        let pem = std::fs::read(file)
            .map_err(|e| error(variable, format!("cannot read {file} ({e})")))?;
        let (key, algorithm) = public_key(&pem).ok_or_else(|| {
            error(
                variable,
                format!("{file} is not a PEM public key of EdDSA (Ed25519), ES256 or RS256"),
            )
        })?;
        let issuer = lookup("APPWARD_PORTAL_SSO_ISSUER").ok_or_else(|| {
            error(
                "APPWARD_PORTAL_SSO_ISSUER",
                "must name the portal's token issuer when APPWARD_PORTAL_SSO_KEY is set".into(),
            )
        })?;
        Ok(Self {
            key,
            algorithm,
            issuer,
            audience: lookup("APPWARD_PORTAL_SSO_AUDIENCE").unwrap_or_else(|| public_url.into()),
            root_login: lookup("APPWARD_PORTAL_SSO_ROOT")
                .map(|login| crate::domain::Login::normalise(&login))
                .unwrap_or_else(|| "admin".into()),
        })
    }
}

/// The key in a PEM file and the one algorithm it is for: an Ed25519 key signs EdDSA, a P-256
/// key ES256, an RSA key RS256. A token's `alg` must then be exactly that one.
pub fn public_key(pem: &[u8]) -> Option<(DecodingKey, Algorithm)> {
    if let Ok(key) = DecodingKey::from_ed_pem(pem) {
        return Some((key, Algorithm::EdDSA));
    }
    if let Ok(key) = DecodingKey::from_ec_pem(pem) {
        return Some((key, Algorithm::ES256));
    }
    DecodingKey::from_rsa_pem(pem)
        .ok()
        .map(|key| (key, Algorithm::RS256))
}

fn error(variable: &'static str, message: String) -> ConfigError {
    ConfigError { variable, message }
}

/// `/console` from `console/`, `/console/`, `/console`; `""` from `` or `/`.
fn base_path(value: &str) -> Result<String, String> {
    let trimmed = value.trim().trim_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let valid = trimmed.split('/').all(|segment| {
        !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~'))
    });
    if !valid {
        return Err("must be a path such as /console (letters, digits, - _ . ~ and /)".into());
    }
    Ok(format!("/{trimmed}"))
}

/// The origin (`scheme://host[:port]`) of an absolute URL.
pub fn origin_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_default()
}

/// The CSP source list and the exact origins of `APPWARD_FRAME_ANCESTORS`: `'self'`,
/// `'none'` or exact origins, separated by spaces or commas. A wildcard host
/// (`https://*.example.com`) is accepted only while cross-site cookies are off: with them on,
/// any site it matches could frame a signed-in console.
fn frame_ancestors(
    value: &str,
    own_origin: &str,
    cross_site_cookies: bool,
) -> Result<(String, Vec<String>), String> {
    let mut sources = Vec::new();
    let mut origins = Vec::new();
    for source in value.split([' ', ',']).filter(|s| !s.is_empty()) {
        match source {
            "'self'" => origins.push(own_origin.to_owned()),
            "'none'" => {}
            _ if source.contains('*') => {
                if cross_site_cookies {
                    return Err(format!(
                        "{source}: wildcards are refused while APPWARD_CROSS_SITE_COOKIES is on; list exact origins"
                    ));
                }
                if !(source.starts_with("https://*.") || source.starts_with("http://*.")) {
                    return Err(format!(
                        "{source} is not an origin such as https://portal.example"
                    ));
                }
            }
            _ => {
                let exact = url::Url::parse(source)
                    .ok()
                    .filter(|url| matches!(url.scheme(), "http" | "https"))
                    .map(|url| url.origin().ascii_serialization());
                if exact.as_deref() != Some(source) {
                    return Err(format!(
                        "{source} is not an exact origin such as https://portal.example:8443 (scheme, host, optional port; no path)"
                    ));
                }
                origins.push(source.to_owned());
            }
        }
        sources.push(source.to_owned());
    }
    if sources.is_empty() {
        return Err("list 'self', 'none' or exact origins".into());
    }
    if sources.iter().any(|s| s == "'none'") && sources.len() > 1 {
        return Err("'none' cannot be listed with other sources".into());
    }
    origins.dedup();
    Ok((sources.join(" "), origins))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_are_normalised_and_checked() {
        assert_eq!(base_path("").unwrap(), "");
        assert_eq!(base_path("/").unwrap(), "");
        assert_eq!(base_path("console/").unwrap(), "/console");
        assert_eq!(base_path("/a/b").unwrap(), "/a/b");
        assert!(base_path("/a/../b").is_err());
        assert!(base_path("/a b").is_err());
        assert!(base_path("/a?b").is_err());
    }

    #[test]
    fn frame_ancestors_are_exact_origins() {
        let own = "https://apps.example";
        let (csp, origins) =
            frame_ancestors("'self', https://portal.example:8443", own, true).unwrap();
        assert_eq!(csp, "'self' https://portal.example:8443");
        assert_eq!(origins, [own, "https://portal.example:8443"]);
        assert!(frame_ancestors("https://portal.example/x", own, false).is_err());
        assert!(frame_ancestors("portal.example", own, false).is_err());
        assert!(frame_ancestors("https://*.example.com", own, false).is_ok());
        let refused = frame_ancestors("https://*.example.com", own, true).unwrap_err();
        assert!(refused.contains("wildcards are refused"), "{refused}");
        assert!(frame_ancestors("*", own, true).is_err());
        assert!(frame_ancestors("'none' 'self'", own, false).is_err());
    }
}
