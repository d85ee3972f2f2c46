//! What a grant records of the request that created it: User-Agent and client address.
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use std::net::{IpAddr, SocketAddr};

use crate::infra::ServerState;

/// The User-Agent and the client address of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMeta {
    /// The User-Agent header, cut to 512 bytes (empty when absent).
    pub user_agent: String,
    /// The client's address: the peer, or `X-Forwarded-For` when the peer is a trusted proxy.
    pub client_addr: String,
}

impl FromRequestParts<ServerState> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ServerState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self::of(parts, state))
    }
}

impl RequestMeta {
    /// The User-Agent and client address of the request whose head is `parts`.
    pub fn of(parts: &Parts, state: &ServerState) -> Self {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Self {
            user_agent: user_agent(&parts.headers),
            client_addr: client_addr(peer, &parts.headers, &state.config.trusted_proxies),
        }
    }
}

/// The User-Agent as text (bytes that are not UTF-8 become U+FFFD: some clients send
/// Latin-1 or UTF-8 product names), cut to 512 bytes on a character boundary.
fn user_agent(headers: &HeaderMap) -> String {
    let Some(value) = headers.get(header::USER_AGENT) else {
        return String::new();
    };
    let agent = String::from_utf8_lossy(value.as_bytes());
    let mut end = agent.len().min(USER_AGENT_BYTES);
    while !agent.is_char_boundary(end) {
        end -= 1;
    }
    agent[..end].to_owned()
}

/// The most bytes of a User-Agent a grant keeps.
const USER_AGENT_BYTES: usize = 512;

/// The client address: `X-Forwarded-For` is believed only from a trusted proxy, and then
/// its right-most address that is not itself a trusted proxy is the client.
fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else {
        return String::new();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|address| !trusted.contains(address))
        .unwrap_or(peer)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        let stranger: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(
            client_addr(Some(stranger), &headers, &[proxy]),
            "198.51.100.7"
        );
        assert_eq!(client_addr(Some(proxy), &headers, &[proxy]), "203.0.113.9");
        assert_eq!(
            client_addr(Some(proxy), &HeaderMap::new(), &[proxy]),
            "10.0.0.1"
        );
    }

    #[test]
    fn user_agents_are_cut_on_a_character_boundary() {
        let mut headers = HeaderMap::new();
        headers.insert(header::USER_AGENT, "curl/8.5".parse().unwrap());
        assert_eq!(user_agent(&headers), "curl/8.5");
        assert_eq!(user_agent(&HeaderMap::new()), "");
    }

    #[test]
    fn long_user_agents_are_cut_to_512_bytes_inside_no_character() {
        let long = format!("a{}", "é".repeat(300));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::USER_AGENT,
            axum::http::HeaderValue::from_bytes(long.as_bytes()).unwrap(),
        );
        let kept = user_agent(&headers);
        assert_eq!(kept.len(), 511, "512 would split an é in two");
        assert!(long.starts_with(&kept));

        headers.insert(
            header::USER_AGENT,
            axum::http::HeaderValue::from_bytes(b"Caf\xe9 1.0").unwrap(),
        );
        assert_eq!(user_agent(&headers), "Caf\u{fffd} 1.0");
    }
}
