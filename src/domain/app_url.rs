//! The links of an App: Homepage, Image URL and Redirect URL (SPEC §2).
//!
//! One parser, three sets of rules. A URL is stored normalised (lower-case scheme and host,
//! the host in punycode, the default port dropped), so that a Redirect URL typed at
//! registration and one sent to `/oauth/authorize` compare byte for byte.
use super::link::Link;
use super::{FieldError, idn};
use serde::{Deserialize, Serialize};

/// The longest URL accepted.
const MAX_LENGTH: usize = 2000;

struct Rules {
    field: &'static str,
    label: &'static str,
    https_only: bool,
    fragment_allowed: bool,
}

fn parse(value: &str, rules: &Rules) -> Result<String, FieldError> {
    let refuse = |message: String| FieldError::new(rules.field, message);
    let value = value.trim();
    let label = rules.label;
    if value.is_empty() {
        return Err(refuse(format!("{label} is required.")));
    }
    if value.chars().count() > MAX_LENGTH {
        return Err(refuse(format!(
            "{label} must be at most {MAX_LENGTH} characters."
        )));
    }
    let example = if rules.https_only {
        "https://example.com/app"
    } else {
        "http://example.com/app"
    };
    let mut url = Link::parse(value).ok_or_else(|| {
        refuse(format!(
            "{label} must be a complete link, such as {example}."
        ))
    })?;
    match url.scheme().as_str() {
        "https" => {}
        "http" if !rules.https_only => {}
        _ if rules.https_only => {
            return Err(refuse(format!("{label} must be an https:// link.")));
        }
        _ => {
            return Err(refuse(format!(
                "{label} must be an http:// or https:// link."
            )));
        }
    }
    if url.has_credentials() {
        return Err(refuse(format!(
            "{label} may not hold a user name or password."
        )));
    }
    if !rules.fragment_allowed && url.has_fragment() {
        return Err(refuse(format!("{label} may not hold a fragment (#…).")));
    }
    if let Some(host) = url.domain() {
        let stored =
            idn::to_stored(&host).map_err(|why| refuse(format!("The host of {label} {why}.")))?;
        if stored != host && !url.set_domain(&stored) {
            return Err(refuse(format!("The host of {label} {}.", idn::BAD_HOST)));
        }
    }
    Ok(url.into_string())
}

/// How a stored URL is shown: its host in Unicode (mixed-script labels in punycode).
fn display(stored: &str) -> String {
    match Link::parse(stored).and_then(|url| url.around_domain()) {
        Some((before, host, after)) => format!("{before}{}{after}", idn::to_display(&host)),
        None => stored.to_owned(),
    }
}

/// Whether a stored URL's host holds a label shown in punycode as a likely look-alike.
fn is_lookalike(stored: &str) -> bool {
    Link::parse(stored)
        .and_then(|url| url.domain())
        .is_some_and(|host| idn::is_lookalike(&host))
}

macro_rules! app_url {
    ($(#[$doc:meta])* $name:ident, $field:literal, $label:literal, https_only: $https:literal, fragment_allowed: $fragment:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name(String);

        impl $name {
            /// The form field this value comes from.
            pub const FIELD: &'static str = $field;

            /// Parses a typed link into its stored, normalised form.
            pub fn parse(value: &str) -> Result<Self, FieldError> {
                parse(
                    value,
                    &Rules {
                        field: Self::FIELD,
                        label: $label,
                        https_only: $https,
                        fragment_allowed: $fragment,
                    },
                )
                .map(Self)
            }

            /// The normalised link, as stored and compared.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The link as shown to people: the host in Unicode.
            pub fn display(&self) -> String {
                display(&self.0)
            }

            /// Whether the host is shown in punycode as a likely look-alike (mixed scripts,
            /// or another script imitating a Latin name): show [`idn::LOOKALIKE_WARNING`]
            /// beside [`Self::display`].
            pub fn is_lookalike(&self) -> bool {
                is_lookalike(&self.0)
            }

            /// Wraps a link read back from storage (already parsed when it was stored).
            pub fn from_stored(stored: String) -> Self {
                Self(stored)
            }
        }
    };
}

app_url!(
    /// The App's homepage: an absolute http or https link, shown to users when they authorize the App.
    Homepage, "homepage", "Homepage", https_only: false, fragment_allowed: true
);
app_url!(
    /// Where an App image is found: an absolute https link.
    ImageUrl, "image_url", "Image URL", https_only: true, fragment_allowed: true
);
app_url!(
    /// Where the authorization response is sent: an absolute https link without a fragment.
    RedirectUrl, "redirect_url", "Redirect URL", https_only: true, fragment_allowed: false
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_seed_example_is_accepted_as_typed() {
        let homepage = Homepage::parse("http://example.com/MyApp").unwrap();
        assert_eq!(homepage.as_str(), "http://example.com/MyApp");
        let redirect = RedirectUrl::parse("https://example.com/MyApp/handler").unwrap();
        assert_eq!(redirect.as_str(), "https://example.com/MyApp/handler");
    }

    #[test]
    fn links_are_normalised() {
        let cases = [
            (
                "HTTPS://Example.COM:443/Path?q=1",
                "https://example.com/Path?q=1",
            ),
            ("https://example.com", "https://example.com/"),
            (
                "  https://example.com:8443/a  ",
                "https://example.com:8443/a",
            ),
            (
                "https://bücher.example/app",
                "https://xn--bcher-kva.example/app",
            ),
            (
                "https://xn--bcher-kva.example/app",
                "https://xn--bcher-kva.example/app",
            ),
            ("https://пример.рф/", "https://xn--e1afmkfd.xn--p1ai/"),
            (
                "https://例子.测试/回调",
                "https://xn--fsqu00a.xn--0zwm56d/%E5%9B%9E%E8%B0%83",
            ),
        ];
        for (typed, stored) in cases {
            assert_eq!(
                RedirectUrl::parse(typed).unwrap().as_str(),
                stored,
                "{typed}"
            );
        }
        assert_eq!(
            Homepage::parse("http://example.com:80/").unwrap().as_str(),
            "http://example.com/"
        );
    }

    #[test]
    fn idn_hosts_are_shown_in_unicode_unless_mixed() {
        let homepage = Homepage::parse("http://xn--bcher-kva.example/MyApp?x=1").unwrap();
        assert_eq!(homepage.display(), "http://bücher.example/MyApp?x=1");
        let spoof = Homepage::parse("https://p\u{430}ypal.com:8080/").unwrap();
        assert!(
            spoof.display().starts_with("https://xn--"),
            "{}",
            spoof.display()
        );
        assert!(spoof.display().ends_with(".com:8080/"));
    }

    #[test]
    fn bad_links_are_refused_with_the_field_named() {
        let redirect_cases = [
            ("", "Redirect URL is required."),
            (
                "http://example.com/handler",
                "Redirect URL must be an https:// link.",
            ),
            (
                "ftp://example.com/",
                "Redirect URL must be an https:// link.",
            ),
            (
                "example.com/handler",
                "Redirect URL must be a complete link, such as https://example.com/app.",
            ),
            (
                "https://example.com/#top",
                "Redirect URL may not hold a fragment (#…).",
            ),
            (
                "https://user:pw@example.com/",
                "Redirect URL may not hold a user name or password.",
            ),
            (
                "https://-bad.example/",
                "The host of Redirect URL is not a valid domain name.",
            ),
            (
                "https://xn--a.example/",
                "Redirect URL must be a complete link, such as https://example.com/app.",
            ),
        ];
        for (typed, message) in redirect_cases {
            let error = RedirectUrl::parse(typed).unwrap_err();
            assert_eq!(error.field, "redirect_url", "{typed}");
            assert_eq!(error.message, message, "{typed}");
        }
        assert_eq!(
            Homepage::parse("javascript:alert(1)").unwrap_err().message,
            "Homepage must be an http:// or https:// link."
        );
        assert_eq!(
            ImageUrl::parse("http://example.com/a.png")
                .unwrap_err()
                .field,
            "image_url"
        );
        assert!(Homepage::parse(&format!("https://example.com/{}", "a".repeat(2000))).is_err());
    }

    proptest! {
        #[test]
        fn a_stored_link_parses_to_itself(
            host in "[a-z]{1,10}(\\.[a-zäöü]{1,8}){1,2}",
            path in "(/[A-Za-z0-9._~-]{0,8}){0,3}",
        ) {
            let typed = format!("https://{host}{path}");
            if let Ok(parsed) = RedirectUrl::parse(&typed) {
                let again = RedirectUrl::parse(parsed.as_str()).unwrap();
                prop_assert_eq!(&again, &parsed);
                let shown = RedirectUrl::parse(&parsed.display()).unwrap();
                prop_assert_eq!(shown, parsed);
            }
        }
    }
}
