//! The browser's side of the host rules, without the UTS #46 tables.
//!
//! The server keeps hosts with the `idna` crate's UTS #46 (`idn.rs`); its mapping and
//! normalisation tables weigh about 40 KB gzipped in the browser bundle. The browser
//! already has them: its URL parser turns a Unicode host into punycode (`web_sys::Url`,
//! the same WHATWG parser the `url` crate implements). What is left is plain ASCII work,
//! here: the strict rules on the ASCII form (letters, digits and hyphens, no hyphen at
//! either end of a label, DNS lengths, labels that are valid punycode), and showing a
//! stored host in Unicode label by label with `idna`'s punycode decoder (no tables).
//!
//! Both sides agree on the shared table in `tests/shared/links_and_domains.json`, checked
//! natively against UTS #46 here and in Chromium through the App form (end2end).

/// Why a host was refused, in words for the user.
pub const BAD_HOST: &str = "is not a valid domain name";

/// The longest host, in bytes, and the longest label (RFC 1035).
#[cfg(any(feature = "hydrate", test))]
const MAX_HOST: usize = 253;
#[cfg(any(feature = "hydrate", test))]
const MAX_LABEL: usize = 63;

/// The stored form of a host that is already ASCII, checked in the browser: see
/// [`check_ascii_with`], with the browser's URL parser as the UTS #46 mapper.
#[cfg(feature = "hydrate")]
pub fn check_ascii(host: &str) -> Result<String, &'static str> {
    check_ascii_with(host, browser_to_ascii)
}

/// The Unicode of a punycode label, unless it is plain ASCII or holds what STD3 and the
/// hyphen rules refuse: the mapper may be the browser's, which follows the URL standard and
/// lets those through.
#[cfg(any(feature = "hydrate", test))]
fn plausible_unicode(encoded: &str) -> Option<String> {
    let decoded = idna::punycode::decode_to_string(encoded)?;
    let plausible = !decoded.is_empty()
        && !decoded.is_ascii()
        && !decoded.starts_with('-')
        && !decoded.ends_with('-')
        && decoded.chars().all(|c| {
            !c.is_control() && !c.is_whitespace() && (c == '-' || !c.is_ascii_punctuation())
        });
    plausible.then_some(decoded)
}

/// The stored form of a host that is already ASCII: lower-case, and refused unless every
/// label is letters, digits and hyphens, starts and ends with neither hyphen, fits DNS
/// lengths, and, when it is punycode (`xn--`), decodes to a label that is not plain ASCII,
/// holds no control, space or symbol character, and the host in Unicode is one that
/// `to_ascii` (a UTS #46 mapper) maps back to the very same host. That last step refuses
/// labels of unassigned or disallowed code points and labels not in normal form, which
/// punycode alone accepts (`xn--bb0p` is U+34AD4, unassigned): only a mapper with the
/// Unicode tables knows them.
#[cfg(any(feature = "hydrate", test))]
pub fn check_ascii_with(
    host: &str,
    to_ascii: impl Fn(&str) -> Option<String>,
) -> Result<String, &'static str> {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if host.is_empty() || host.len() > MAX_HOST || !host.is_ascii() {
        return Err(BAD_HOST);
    }
    let mut unicode = Vec::new();
    let mut punycode = false;
    for label in host.split('.') {
        let ldh = label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if label.is_empty()
            || label.len() > MAX_LABEL
            || !ldh
            || label.starts_with('-')
            || label.ends_with('-')
        {
            return Err(BAD_HOST);
        }
        match label.strip_prefix("xn--") {
            Some(encoded) => {
                punycode = true;
                unicode.push(plausible_unicode(encoded).ok_or(BAD_HOST)?);
            }
            None => unicode.push(label.to_owned()),
        }
    }
    // The whole host, not label by label: the bidi rule looks at every label of a host
    // that has a right-to-left one (`xn--bjb.0` is refused for its "0").
    if punycode && to_ascii(&unicode.join(".")).as_deref() != Some(host.as_str()) {
        return Err(BAD_HOST);
    }
    Ok(host)
}

/// A stored host shown in Unicode, label by label, except labels `lookalike` flags, which
/// stay in punycode; and whether any label was flagged.
pub fn display_and_flag(stored: &str, lookalike: impl Fn(&[char]) -> bool) -> (String, bool) {
    let mut flagged = false;
    let labels: Vec<String> = stored
        .split('.')
        .map(|label| {
            let decoded = label.strip_prefix("xn--").and_then(idna::punycode::decode);
            match decoded {
                Some(chars) if lookalike(&chars) => {
                    flagged = true;
                    label.to_owned()
                }
                Some(chars) => chars.into_iter().collect(),
                None => label.to_owned(),
            }
        })
        .collect();
    (labels.join("."), flagged)
}

/// The ASCII form of a host typed in Unicode, by the browser's own URL parser (UTS #46
/// mapping and punycode); `None` when it is no host at all.
#[cfg(feature = "hydrate")]
pub fn browser_to_ascii(host: &str) -> Option<String> {
    // Characters that would end the host or change what the parser reads.
    if host
        .chars()
        .any(|c| c.is_whitespace() || "/?#@:[]\\%".contains(c))
    {
        return None;
    }
    // With a last label of letters the parser never reads the host as an IPv4 address
    // ("ü.0" would be one), which the server's `idna` does not do either.
    let url = web_sys::Url::new(&format!("http://{host}.a/")).ok()?;
    url.hostname().strip_suffix(".a").map(str::to_owned)
}

/// The browser's rules agree with UTS #46 (the server's) on ASCII hosts, and accept every
/// host the server stores.
#[cfg(all(test, not(feature = "hydrate")))]
mod tests {
    use super::*;
    use crate::domain::idn;
    use proptest::prelude::*;

    /// Natively, the browser's mapper is played by UTS #46 set as the URL standard sets it
    /// (the URL deny list, hyphens anywhere, no DNS lengths), so the strict rules must
    /// come from `check_ascii_with` itself. Chromium's own answers are checked on the
    /// shared table (end2end), `xn--bb0p` included.
    fn check_ascii(host: &str) -> Result<String, &'static str> {
        use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
        check_ascii_with(host, |unicode| {
            Uts46::new()
                .to_ascii(
                    unicode.as_bytes(),
                    AsciiDenyList::URL,
                    Hyphens::Allow,
                    DnsLength::Ignore,
                )
                .ok()
                .map(|ascii| ascii.into_owned())
        })
    }

    #[test]
    fn the_named_cases_agree() {
        for host in [
            "example.com",
            "Example.COM.",
            "xn--bcher-kva.example",
            "xn--e1afmkfd.xn--p1ai",
            "xn--a.example",
            "xn--.example",
            "xn--bcher-kva-.example",
            "-start.example",
            "end-.example",
            "under_score.example",
            "a..b.example",
            "exa$mple.com",
            "ab--cd.example",
            "xn--abc.example",
            "xn--ls8h.la",
            "xn--bb0p.example",
            "xn--bB0P.example",
            "xn--tda.example",
            "xn--wca.example",
            "a.xn--0--2qi",
            "xn----4wf.example",
            "xn--_-4wf.example",
            "xn--bjb.0",
            "xn--bjb.xn--mgbh0fb",
        ] {
            assert_eq!(check_ascii(host), idn::to_stored(host), "{host:?}");
        }
        let long = format!("{}.example", "a".repeat(64));
        assert_eq!(check_ascii(&long), idn::to_stored(&long));
    }

    #[test]
    fn stored_hosts_show_alike() {
        for typed in [
            "bücher.example",
            "пример.рф",
            "p\u{430}ypal.com",
            "東京ガスのお店.jp",
        ] {
            let stored = idn::to_stored(typed).unwrap();
            assert_eq!(check_ascii(&stored), Ok(stored.clone()));
        }
    }

    proptest! {
        #[test]
        fn ascii_hosts_get_the_same_answer(host in "(xn--)?[a-zA-Z0-9_-]{0,9}(\\.(xn--)?[a-z0-9-]{0,9}){0,3}\\.?") {
            prop_assert_eq!(check_ascii(&host), idn::to_stored(&host), "{}", host);
        }

        #[test]
        fn what_the_server_stores_the_browser_accepts(host in "[a-zäöüßéяжλ東京]{1,12}(\\.[a-zäöüяж]{1,10}){0,3}") {
            if let Ok(stored) = idn::to_stored(&host) {
                prop_assert_eq!(check_ascii(&stored), Ok(stored.clone()));
            }
        }
    }
}
