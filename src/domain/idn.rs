//! Internationalized Domain Names (UTS #46): how a typed host is stored, and how it is shown.
//!
//! The server applies UTS #46 with the `idna` crate; the browser gets the same answers
//! from its own URL parser and the ASCII rules in `host_ascii` (see there why).
#[cfg(not(feature = "hydrate"))]
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use unicode_script::{Script, UnicodeScript};
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

use super::confusables::{LOOK_LIKE_ASCII_DIGITS, LOOK_LIKE_ASCII_LETTERS};

pub use super::host_ascii::BAD_HOST;

/// The stored (ASCII, lower-case, punycode) form of a host typed in Unicode or punycode.
///
/// Strict: letters, digits and hyphens only (STD3), no hyphen at either end of a label,
/// DNS lengths, and labels that are valid punycode.
pub fn to_stored(host: &str) -> Result<String, &'static str> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err(BAD_HOST);
    }
    to_ascii(host)
}

#[cfg(not(feature = "hydrate"))]
fn to_ascii(host: &str) -> Result<String, &'static str> {
    Uts46::new()
        .to_ascii(
            host.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
            DnsLength::Verify,
        )
        .map(|ascii| ascii.into_owned())
        .map_err(|_| BAD_HOST)
}

#[cfg(feature = "hydrate")]
fn to_ascii(host: &str) -> Result<String, &'static str> {
    use super::host_ascii::{browser_to_ascii, check_ascii};
    if host.is_ascii() {
        check_ascii(host)
    } else {
        check_ascii(&browser_to_ascii(host).ok_or(BAD_HOST)?)
    }
}

/// The words shown beside a domain that is displayed in punycode because it is a likely
/// look-alike, in the console and on the consent page alike.
pub const LOOKALIKE_WARNING: &str = "This domain mixes scripts or imitates a Latin name with letters of another script (a likely look-alike): it is shown in punycode. Check it before you trust it.";

/// How a stored host is shown: in Unicode, except a label that is a likely look-alike (see
/// [`is_lookalike_label`]), which stays in punycode, as browsers do.
pub fn to_display(stored: &str) -> String {
    display_and_flag(stored).0
}

/// Whether a stored host (or one typed in Unicode) holds a label that is shown in punycode
/// because it is a likely look-alike: the UI puts [`LOOKALIKE_WARNING`] beside it.
pub fn is_lookalike(host: &str) -> bool {
    match to_stored(host) {
        Ok(stored) => display_and_flag(&stored).1,
        Err(_) => false,
    }
}

/// The stored host in Unicode, look-alike labels in punycode, and whether there was one.
fn display_and_flag(stored: &str) -> (String, bool) {
    super::host_ascii::display_and_flag(stored, is_lookalike_label)
}

/// Whether a label (in Unicode) is a likely look-alike (UTS #39):
/// - it mixes scripts beyond the "Highly Restrictive" level (Latin with Han and Japanese,
///   Chinese or Korean scripts passes; Latin with Cyrillic does not), or
/// - it is wholly in one script other than Latin and its confusable skeleton is all ASCII
///   letters and digits: a whole-script look-alike of a Latin name (Cyrillic "аррӏе").
///
/// The restriction level comes from the `unicode-security` crate; the skeleton test uses
/// the part of its confusables table that maps to ASCII (`confusables.rs`, generated),
/// because the crate's `skeleton` brings the whole table and Unicode normalisation into
/// the browser bundle (about 105 KB gzipped, against 15 KB allowed).
pub fn is_lookalike_label(label: &[char]) -> bool {
    // Hyphens (and digits) are common to every script; the profile is about letters.
    let text: String = label.iter().filter(|c| **c != '-').collect();
    if text.is_ascii() {
        return false;
    }
    if text.as_str().detect_restriction_level() > RestrictionLevel::HighlyRestrictive {
        return true;
    }
    let mut only: Option<Script> = None;
    for script in text.chars().map(|c| c.script()) {
        match script {
            Script::Common | Script::Inherited => {}
            script if only.is_none() => only = Some(script),
            script if only == Some(script) => {}
            // Several scripts within Highly Restrictive (Japanese, say): not one script.
            _ => return false,
        }
    }
    match only {
        None | Some(Script::Latin) => false,
        Some(_) => {
            // The skeleton is all ASCII when every character is ASCII or has an ASCII
            // prototype (a decomposable letter brings a combining mark, which has none).
            let mut letters = false;
            for c in text.chars() {
                match ascii_look(c) {
                    Some(AsciiLook::Letters) => letters = true,
                    Some(AsciiLook::Digits) => {}
                    None => return false,
                }
            }
            letters
        }
    }
}

/// What a character's UTS #39 confusable prototype is, when it is ASCII letters or digits.
enum AsciiLook {
    Letters,
    Digits,
}

fn ascii_look(c: char) -> Option<AsciiLook> {
    if c.is_ascii_alphabetic() {
        return Some(AsciiLook::Letters);
    }
    if c.is_ascii_digit() {
        return Some(AsciiLook::Digits);
    }
    let code = u16::try_from(u32::from(c)).ok()?;
    if LOOK_LIKE_ASCII_LETTERS.binary_search(&code).is_ok() {
        Some(AsciiLook::Letters)
    } else if LOOK_LIKE_ASCII_DIGITS.binary_search(&code).is_ok() {
        Some(AsciiLook::Digits)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unicode_and_punycode_are_stored_alike() {
        assert_eq!(
            to_stored("bücher.example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(
            to_stored("xn--bcher-kva.example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(
            to_stored("BÜCHER.Example.").unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(to_stored("пример.рф").unwrap(), "xn--e1afmkfd.xn--p1ai");
        assert_eq!(to_stored("例子.测试").unwrap(), "xn--fsqu00a.xn--0zwm56d");
        assert_eq!(to_stored("Example.COM").unwrap(), "example.com");
    }

    #[test]
    fn invalid_labels_are_refused() {
        for host in [
            "",
            ".",
            "-start.example",
            "end-.example",
            "under_score.example",
            "sp ace.example",
            "xn--a.example",
            "a..b.example",
            &format!("{}.example", "a".repeat(64)),
            "exa$mple.com",
        ] {
            assert!(to_stored(host).is_err(), "{host:?} should be refused");
        }
    }

    #[test]
    fn one_script_labels_are_shown_in_unicode() {
        assert_eq!(to_display("xn--bcher-kva.example"), "bücher.example");
        assert_eq!(to_display("xn--e1afmkfd.xn--p1ai"), "пример.рф");
        assert_eq!(to_display("xn--fsqu00a.xn--0zwm56d"), "例子.测试");
        assert_eq!(to_display("example.com"), "example.com");
        // Japanese mixes Han, Hiragana and Katakana by nature.
        let japanese = to_stored("東京ガスのお店.jp").unwrap();
        assert_eq!(to_display(&japanese), "東京ガスのお店.jp");
    }

    #[test]
    fn a_latin_cyrillic_mix_is_shown_in_punycode() {
        // "pаypal": the second letter is the Cyrillic а (U+0430).
        let stored = to_stored("p\u{430}ypal.com").unwrap();
        assert!(stored.starts_with("xn--"), "{stored}");
        assert_eq!(to_display(&stored), stored);
        // Only the mixed label stays in punycode.
        let stored = to_stored("p\u{430}ypal.bücher.example").unwrap();
        let shown = to_display(&stored);
        assert!(
            shown.starts_with("xn--") && shown.ends_with(".bücher.example"),
            "{shown}"
        );
    }

    #[test]
    fn a_whole_script_look_alike_of_a_latin_name_is_shown_in_punycode() {
        // "аррӏе": Cyrillic а, р, р, ӏ (palochka), е; its skeleton is "apple".
        let typed = "\u{430}\u{440}\u{440}\u{4cf}\u{435}.com";
        let stored = to_stored(typed).unwrap();
        assert!(stored.starts_with("xn--"), "{stored}");
        assert_eq!(to_display(&stored), stored);
        assert!(is_lookalike(&stored) && is_lookalike(typed));
        assert!(!is_lookalike("xn--e1afmkfd.xn--p1ai") && !is_lookalike("bücher.de"));
        assert!(is_lookalike(&to_stored("p\u{430}ypal.com").unwrap()));
        assert!(!is_lookalike("example.com") && !is_lookalike("東京ガスのお店.jp"));
        // Real Cyrillic, Greek and German names stay in Unicode.
        assert_eq!(to_display("xn--e1afmkfd.xn--p1ai"), "пример.рф");
        assert_eq!(to_display("xn--bcher-kva.de"), "bücher.de");
        let greek = to_stored("ελλάδα.gr").unwrap();
        assert_eq!(to_display(&greek), "ελλάδα.gr");
    }

    /// The whole-script test over the generated table agrees with the crate's own skeleton.
    fn skeleton_is_ascii(label: &str) -> bool {
        let skeleton: String = unicode_security::skeleton(label).collect();
        skeleton.chars().all(|c| c.is_ascii_alphanumeric())
            && skeleton.chars().any(|c| c.is_ascii_alphabetic())
    }

    proptest! {
        #[test]
        fn the_table_agrees_with_the_skeleton(label in "[а-яіјѕӏԁԛԝһ]{1,8}|[α-ω]{1,8}|[ա-ֆ]{1,8}") {
            let chars: Vec<char> = label.chars().collect();
            let single_script = label.as_str().detect_restriction_level() <= RestrictionLevel::SingleScript;
            if single_script {
                prop_assert_eq!(is_lookalike_label(&chars), skeleton_is_ascii(&label), "{}", label);
            }
        }

        #[test]
        fn the_stored_form_is_ascii_and_stable(host in "[a-zäöüßéяжλ]{1,12}(\\.[a-zäöüяж]{1,10}){0,3}") {
            if let Ok(stored) = to_stored(&host) {
                prop_assert!(stored.is_ascii());
                prop_assert_eq!(to_stored(&stored).unwrap(), stored.clone());
                prop_assert_eq!(to_stored(&to_display(&stored)).unwrap(), stored);
            }
        }
    }
}
