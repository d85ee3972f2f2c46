//! An account's scope: itself plus every account below it.
use serde::{Deserialize, Serialize};

/// The ids from the root down to an account, `"1/5/9/"`: the account's scope is
/// every account whose path starts with its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopePath(String);

impl ScopePath {
    /// The path of the root account with id `id`.
    pub fn root(id: i64) -> Self {
        Self(format!("{id}/"))
    }

    /// The path as stored.
    pub fn from_stored(path: impl Into<String>) -> Self {
        Self(path.into())
    }

    /// The path of a child with id `id` of the account with this path.
    pub fn child(&self, id: i64) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    /// Whether the account at `other` is in the scope of the account at `self`.
    pub fn contains(&self, other: &ScopePath) -> bool {
        !self.0.is_empty() && other.0.starts_with(&self.0)
    }

    /// The stored text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_is_self_and_below() {
        let admin = ScopePath::root(1);
        let provider = admin.child(5);
        let organization = provider.child(9);
        let other_provider = admin.child(6);
        assert!(admin.contains(&admin));
        assert!(admin.contains(&organization));
        assert!(provider.contains(&organization));
        assert!(provider.contains(&provider));
        assert!(!provider.contains(&admin));
        assert!(!organization.contains(&provider));
        assert!(!other_provider.contains(&organization));
    }

    #[test]
    fn ids_that_share_digits_are_not_confused() {
        let one = ScopePath::root(1).child(5);
        let fifty = ScopePath::root(1).child(55);
        assert!(!one.contains(&fifty));
        assert!(!fifty.contains(&one));
    }

    #[test]
    fn an_empty_path_holds_nothing() {
        assert!(!ScopePath::from_stored("").contains(&ScopePath::root(1)));
    }
}
