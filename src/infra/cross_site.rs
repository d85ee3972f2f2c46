//! Whether a browser's request comes from another site's page than the console's own: the
//! check behind the refusal of cross-site form posts, and behind the portal sign-in's
//! confirmation of a switch to another person.
use axum::http::{HeaderMap, header};

/// Whether a browser's request with `headers` comes from another site's page than the
/// console's own (`public_url` is the console's origin).
pub fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    // Browsers that send it say exactly where the request comes from; it is also the only
    // word on pages with `Referrer-Policy: no-referrer`, whose forms send `Origin: null`.
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    let own_host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or_default();
    let same = origin == public_url
        || origin
            .split_once("://")
            .is_some_and(|(_, host)| !own_host.is_empty() && host == own_host);
    !same
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;

    fn post(headers: &[(&str, &str)]) -> Request<Body> {
        let mut request = Request::post("/api/sign_in");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_other_sites_are_cross_site() {
        let public = "https://apps.example.com";
        for (headers, cross) in [
            (vec![], false),
            (vec![("origin", "https://apps.example.com")], false),
            (
                vec![
                    ("origin", "http://127.0.0.1:3000"),
                    ("host", "127.0.0.1:3000"),
                ],
                false,
            ),
            (vec![("origin", "https://evil.example")], true),
            (
                vec![
                    ("origin", "https://evil.example"),
                    ("host", "apps.example.com"),
                ],
                true,
            ),
            (vec![("origin", "null")], true),
            (vec![("sec-fetch-site", "cross-site")], true),
            (vec![("sec-fetch-site", "same-site")], true),
            (
                vec![("sec-fetch-site", "same-origin"), ("origin", "null")],
                false,
            ),
            (
                vec![
                    ("sec-fetch-site", "same-origin"),
                    ("origin", "https://apps.example.com"),
                ],
                false,
            ),
        ] {
            assert_eq!(
                is_cross_site(post(&headers).headers(), public),
                cross,
                "{headers:?}"
            );
        }
    }
}
