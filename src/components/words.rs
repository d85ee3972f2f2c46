//! Counts in words and numbers in the viewer's locale.

/// `count` followed by the noun in the right number: "1 access token", "2 access tokens".
pub fn counted(count: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        local_number(count),
        if count == 1 { one } else { many }
    )
}

/// A number in the browser's locale ("1,234" or "1 234"); plain digits on the server, where
/// the viewer's locale is unknown.
pub fn local_number(number: u64) -> String {
    #[cfg(feature = "hydrate")]
    {
        // Exact for every count a page can show (below 2^53).
        let formatted: String = js_sys::Number::from(number as f64)
            .to_locale_string("default")
            .into();
        formatted
    }
    #[cfg(not(feature = "hydrate"))]
    number.to_string()
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(
            counted(1, "access token", "access tokens"),
            "1 access token"
        );
        assert_eq!(counted(0, "App", "Apps"), "0 Apps");
        assert_eq!(counted(2, "App", "Apps"), "2 Apps");
    }
}
