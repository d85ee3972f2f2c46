//! How to reach the App's administrator: Admin email (IDN) and Admin phone.
use serde::{Deserialize, Serialize};

use super::{FieldError, idn};

/// The App administrator's email: `local@domain`, the domain possibly an IDN (stored in
/// punycode), the local part possibly non-ASCII (RFC 6531), at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminEmail(String);

impl AdminEmail {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "admin_email";

    /// Parses a typed address into its stored form (the domain in punycode, lower case).
    pub fn parse(value: &str) -> Result<Self, FieldError> {
        let refuse = |message: &str| FieldError::new(Self::FIELD, message);
        let value = value.trim();
        if value.is_empty() {
            return Err(refuse("Admin email is required."));
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(refuse("Admin email must look like name@example.com."));
        };
        if local.is_empty() || local.chars().count() > 64 {
            return Err(refuse(
                "The part of Admin email before @ must be 1–64 characters.",
            ));
        }
        if !local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_local_character))
        {
            return Err(refuse(
                "The part of Admin email before @ may hold letters, digits, dots (not two in a row, nor at either end) and !#$%&'*+/=?^_`{|}~-.",
            ));
        }
        if !domain.contains('.') {
            return Err(refuse(
                "The domain of Admin email needs a dot, as in example.com.",
            ));
        }
        let domain = idn::to_stored(domain).map_err(|why| {
            FieldError::new(Self::FIELD, format!("The domain of Admin email {why}."))
        })?;
        let stored = format!("{local}@{domain}");
        if stored.chars().count() > 254 || value.chars().count() > 254 {
            return Err(refuse("Admin email must be at most 254 characters."));
        }
        Ok(Self(stored))
    }

    /// The address as stored (domain in punycode).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address as shown: the domain in Unicode (mixed-script labels in punycode).
    pub fn display(&self) -> String {
        match self.0.rsplit_once('@') {
            Some((local, domain)) => format!("{local}@{}", idn::to_display(domain)),
            None => self.0.clone(),
        }
    }

    /// Whether the domain is shown in punycode as a likely look-alike: show
    /// [`idn::LOOKALIKE_WARNING`] beside [`Self::display`].
    pub fn is_lookalike(&self) -> bool {
        self.0
            .rsplit_once('@')
            .is_some_and(|(_, domain)| idn::is_lookalike(domain))
    }

    /// Wraps an address read back from storage.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }
}

/// RFC 5322 `atext`, widened by RFC 6531 to every non-ASCII letter or digit.
fn is_local_character(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "!#$%&'*+/=?^_`{|}~-".contains(c)
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// The App administrator's phone: digits with `+ - ( ) . space`, 3–32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPhone(String);

impl AdminPhone {
    /// The form field this value comes from.
    pub const FIELD: &'static str = "admin_phone";

    /// Parses a typed phone number; empty means none.
    pub fn parse_optional(value: &str) -> Result<Option<Self>, FieldError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let refuse = |message: &str| Err(FieldError::new(Self::FIELD, message));
        if !value
            .chars()
            .all(|c| c.is_ascii_digit() || "+-(). ".contains(c))
        {
            return refuse("Admin phone may hold only digits, spaces and + - ( ) .");
        }
        if !(3..=32).contains(&value.len()) {
            return refuse("Admin phone must be 3–32 characters.");
        }
        if !value.chars().any(|c| c.is_ascii_digit()) {
            return refuse("Admin phone needs at least one digit.");
        }
        Ok(Some(Self(value.to_owned())))
    }

    /// The number as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn idn_addresses_are_stored_in_punycode_and_shown_in_unicode() {
        let email = AdminEmail::parse("myapp@email.com").unwrap();
        assert_eq!(email.as_str(), "myapp@email.com");
        let email = AdminEmail::parse("admin@bücher.example").unwrap();
        assert_eq!(email.as_str(), "admin@xn--bcher-kva.example");
        assert_eq!(email.display(), "admin@bücher.example");
        let email = AdminEmail::parse("admin@xn--bcher-kva.example").unwrap();
        assert_eq!(email.display(), "admin@bücher.example");
        let email = AdminEmail::parse("почта@пример.рф").unwrap();
        assert_eq!(email.as_str(), "почта@xn--e1afmkfd.xn--p1ai");
        assert_eq!(email.display(), "почта@пример.рф");
        let email = AdminEmail::parse("管理@例子.测试").unwrap();
        assert_eq!(email.display(), "管理@例子.测试");
        let spoof = AdminEmail::parse("a@p\u{430}ypal.com").unwrap();
        assert!(spoof.display().starts_with("a@xn--"), "{}", spoof.display());
        assert_eq!(
            AdminEmail::parse("First.Last+tag@Example.COM")
                .unwrap()
                .as_str(),
            "First.Last+tag@example.com"
        );
    }

    #[test]
    fn bad_addresses_are_refused() {
        for typed in [
            "",
            "no-at-sign",
            "@example.com",
            "a@",
            "a@localhost",
            "two..dots@example.com",
            ".lead@example.com",
            "sp ace@example.com",
            "a@-bad.example",
            "a@under_score.example",
            "a@xn--a.example",
            &format!("{}@example.com", "a".repeat(65)),
            &format!("a@{}.example.com", vec!["b".repeat(60); 4].join(".")),
        ] {
            let error = AdminEmail::parse(typed).unwrap_err();
            assert_eq!(error.field, "admin_email", "{typed}");
        }
    }

    #[test]
    fn phones_follow_the_rule() {
        assert_eq!(AdminPhone::parse_optional("  ").unwrap(), None);
        assert_eq!(
            AdminPhone::parse_optional("+1 (555) 010-0199")
                .unwrap()
                .unwrap()
                .as_str(),
            "+1 (555) 010-0199"
        );
        assert!(AdminPhone::parse_optional("112").unwrap().is_some());
        for bad in ["12", "call me", "+1 555 0100 ext 9", "---", &"1".repeat(33)] {
            let error = AdminPhone::parse_optional(bad).unwrap_err();
            assert_eq!(error.field, "admin_phone", "{bad}");
        }
    }

    proptest! {
        #[test]
        fn accepted_addresses_reparse_to_themselves(
            local in "[a-zA-Z0-9ü]{1,10}(\\.[a-z0-9+]{1,5}){0,2}",
            domain in "[a-zäö]{1,10}\\.[a-z]{2,6}",
        ) {
            if let Ok(email) = AdminEmail::parse(&format!("{local}@{domain}")) {
                prop_assert_eq!(AdminEmail::parse(email.as_str()).unwrap(), email.clone());
                prop_assert_eq!(AdminEmail::parse(&email.display()).unwrap(), email);
            }
        }

        #[test]
        fn accepted_phones_hold_only_the_allowed_characters(value in "[0-9+(). a-z-]{0,40}") {
            if let Ok(Some(phone)) = AdminPhone::parse_optional(&value) {
                prop_assert!(phone.as_str().chars().all(|c| c.is_ascii_digit() || "+-(). ".contains(c)));
                prop_assert!((3..=32).contains(&phone.as_str().len()));
            }
        }
    }
}
