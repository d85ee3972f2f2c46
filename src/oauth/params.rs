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

    #[test]
    fn a_repeated_parameter_is_refused() {
        let error = parse(b"grant_type=a&grant_type=b").unwrap_err();
        assert_eq!(error.code, "invalid_request");
    }
}
