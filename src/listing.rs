//! Bounds of the list parameters that every listing server function takes (shared with the
//! browser, which falls back to defaults instead of asking for what the server refuses).
use crate::error::ConsoleError;

/// The highest page number a listing answers (from 0): 100,001 pages of 50 rows is five
/// million rows, more than any scope holds; past it the offset would only cost.
pub const MAX_PAGE: u64 = 100_000;

/// `page` when it is within `0..=MAX_PAGE`; otherwise a 400 that names the field.
pub fn check_page(page: u64) -> Result<u64, ConsoleError> {
    if page > MAX_PAGE {
        return Err(ConsoleError::invalid(
            "page",
            format!("page must be a number from 0 to {MAX_PAGE}."),
        ));
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_past_the_bound_are_refused() {
        assert_eq!(check_page(0), Ok(0));
        assert_eq!(check_page(MAX_PAGE), Ok(MAX_PAGE));
        assert!(check_page(MAX_PAGE + 1).is_err());
        assert!(check_page(u64::MAX).is_err());
    }
}
