//! PKCE (RFC 7636) with the S256 method only: `plain` would hand the verifier to anyone who
//! sees the authorization request.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Whether `value` has the shape of an S256 challenge: 43 characters of base64url.
pub fn is_s256_challenge(value: &str) -> bool {
    value.len() == 43
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` is 43 to 128 unreserved characters (RFC 7636 §4.1) whose S256 is
/// `challenge`, compared in constant time.
pub fn verifier_matches(verifier: &str, challenge: &str) -> bool {
    let shaped = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    shaped && crate::infra::crypto::secrets_match(&s256(verifier), challenge)
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example_verifies() {
        // RFC 7636, Appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_s256_challenge(challenge));
        assert!(verifier_matches(verifier, challenge));
        assert!(!verifier_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK",
            challenge
        ));
        // `plain`: the verifier itself presented as the challenge does not pass.
        assert!(!verifier_matches(verifier, verifier));
    }

    proptest::proptest! {
        #[test]
        fn a_verifier_matches_its_own_challenge_only(
            verifier in "[A-Za-z0-9._~-]{43,128}",
            other in "[A-Za-z0-9._~-]{43,128}",
        ) {
            let challenge = s256(&verifier);
            proptest::prop_assert!(is_s256_challenge(&challenge));
            proptest::prop_assert!(verifier_matches(&verifier, &challenge));
            proptest::prop_assert_eq!(verifier_matches(&other, &challenge), other == verifier);
        }
    }

    #[test]
    fn challenges_and_verifiers_out_of_shape_are_refused() {
        assert!(!is_s256_challenge("short"));
        assert!(!is_s256_challenge(&"a".repeat(44)));
        assert!(!is_s256_challenge(&format!("{}=", "a".repeat(42))));
        let challenge = s256("short");
        assert!(!verifier_matches("short", &challenge));
        let long = "a".repeat(129);
        assert!(!verifier_matches(&long, &s256(&long)));
    }
}
