//! Internationalized Domain Names (UTS #46): how a typed host is stored, and how it is shown.
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use unicode_script::{Script, UnicodeScript};

/// Why a host was refused, in words for the user.
pub const BAD_HOST: &str = "is not a valid domain name";

/// The stored (ASCII, lower-case, punycode) form of a host typed in Unicode or punycode.
///
/// Strict: letters, digits and hyphens only (STD3), no hyphen at either end of a label,
/// DNS lengths, and labels that are valid punycode.
pub fn to_stored(host: &str) -> Result<String, &'static str> {
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.is_empty() {
        return Err(BAD_HOST);
    }
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

/// How a stored host is shown: in Unicode, except a label mixing scripts (a likely
/// look-alike), which stays in punycode, as browsers do.
pub fn to_display(stored: &str) -> String {
    let (shown, result) = Uts46::new().to_user_interface(
        stored.as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::CheckFirstLast,
        |label, _tld, _bidi| !mixes_scripts(label),
    );
    match result {
        Ok(()) => shown.into_owned(),
        // Never stored by `to_stored`; show what is there rather than replacement marks.
        Err(_) => stored.to_owned(),
    }
}

/// Whether a label mixes scripts beyond the combinations one language writes with
/// (Latin with the Japanese, Chinese or Korean scripts): Chromium's rule of thumb.
fn mixes_scripts(label: &[char]) -> bool {
    let mut scripts: Vec<Script> = Vec::new();
    for c in label {
        let script = c.script();
        if matches!(script, Script::Common | Script::Inherited) || scripts.contains(&script) {
            continue;
        }
        scripts.push(script);
    }
    if scripts.len() <= 1 {
        return false;
    }
    const JAPANESE: &[Script] = &[
        Script::Latin,
        Script::Han,
        Script::Hiragana,
        Script::Katakana,
    ];
    const CHINESE: &[Script] = &[Script::Latin, Script::Han, Script::Bopomofo];
    const KOREAN: &[Script] = &[Script::Latin, Script::Han, Script::Hangul];
    ![JAPANESE, CHINESE, KOREAN]
        .iter()
        .any(|allowed| scripts.iter().all(|script| allowed.contains(script)))
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

    proptest! {
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
