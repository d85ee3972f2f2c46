//! The form parameters of a request to the OAuth endpoints.
use std::collections::HashMap;

use super::OAuthError;

/// Parses a form body. VoipNow's sample clients start it with `&` and leave `:` and `/`
/// unencoded; both parse. A repeated parameter is refused (RFC 6749 §3.2).
pub fn parse(body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let mut params = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if name.is_empty() {
            continue;
        }
        if params
            .insert(name.to_string(), value.into_owned())
            .is_some()
        {
            return Err(OAuthError::invalid_request(format!(
                "The parameter {name} is repeated."
            )));
        }
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voipnow_sample_bodies_parse() {
        let body = b"&client_id=5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE&client_secret=z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ&grant_type=client_credentials&type=unifiedapi&redirect_uri=https://host/ouath/token.php";
        let params = parse(body).unwrap();
        assert_eq!(params["client_id"], "5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE");
        assert_eq!(params["client_secret"], "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ");
        assert_eq!(params["redirect_uri"], "https://host/ouath/token.php");
        assert_eq!(params["type"], "unifiedapi");
    }

    proptest::proptest! {
        #[test]
        fn any_body_parses_or_is_refused_without_panicking(body in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse(&body);
        }

        #[test]
        fn encoded_pairs_come_back_as_they_were(
            pairs in proptest::collection::btree_map("[a-z_]{1,12}", "\\PC{0,40}", 0..8),
            leading_ampersand in proptest::bool::ANY,
        ) {
            let mut body: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&pairs)
                .finish();
            if leading_ampersand {
                body.insert(0, '&');
            }
            let parsed = parse(body.as_bytes()).unwrap();
            proptest::prop_assert_eq!(parsed.len(), pairs.len());
            for (name, value) in &pairs {
                proptest::prop_assert_eq!(&parsed[name], value);
            }
        }
    }

    #[test]
    fn a_repeated_parameter_is_refused() {
        let error = parse(b"grant_type=a&grant_type=b").unwrap_err();
        assert_eq!(error.code, crate::oauth::OAuthErrorCode::InvalidRequest);
    }
}
