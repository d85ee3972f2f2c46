//! What a grant records of the request that created it: User-Agent and client address;
//! and the client network failure limits count under.
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, SocketAddr};

use crate::infra::ServerState;

/// The User-Agent and the client address of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMeta {
    /// The User-Agent header, cut to 512 bytes (empty when absent).
    pub user_agent: String,
    /// The client's address: the peer, or `X-Forwarded-For` when the peer is a trusted proxy
    /// (an IPv4-mapped IPv6 address is written as IPv4).
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

    /// The client's network ([`network_of`]) as text, for failure limits: empty when the
    /// client address is unknown.
    pub fn client_network(&self) -> String {
        self.client_addr
            .parse()
            .map(|address| network_of(address).to_string())
            .unwrap_or_default()
    }
}

/// The network failure limits count a client under: an IPv6 client's /64 (one subscriber
/// line or host is usually given a whole /64, so rotating addresses inside it gives no
/// extra guesses), an IPv4 client's own address (an IPv4-mapped IPv6 address counts as
/// IPv4).
pub fn network_of(address: IpAddr) -> IpNet {
    match address.to_canonical() {
        IpAddr::V4(v4) => Ipv4Net::from(v4).into(),
        IpAddr::V6(v6) => Ipv6Net::new(v6, IPV6_NETWORK_PREFIX)
            .map(|network| network.trunc())
            .unwrap_or_else(|_| Ipv6Net::from(v6))
            .into(),
    }
}

/// The prefix length of the IPv6 network failure limits count a client under.
pub const IPV6_NETWORK_PREFIX: u8 = 64;

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

/// The client address as text ([`client_ip`]; empty when unknown).
fn client_addr(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> String {
    client_ip(peer, headers, trusted).map_or_else(String::new, |address| address.to_string())
}

/// Whether `peer` is one of the `trusted` proxies (`APPWARD_TRUSTED_PROXIES`), whose
/// forwarding headers are believed.
pub fn is_trusted_proxy(peer: IpAddr, trusted: &[IpNet]) -> bool {
    let peer = peer.to_canonical();
    trusted.iter().any(|range| range.contains(&peer))
}

/// The client address: `X-Forwarded-For` is believed only from a trusted proxy (an address
/// in one of the `trusted` ranges), and then its right-most address that is not itself a
/// trusted proxy is the client. IPv4-mapped IPv6 addresses are compared and written as IPv4.
/// `None` when the peer is unknown.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |address: &IpAddr| trusted.iter().any(|range| range.contains(address));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|part| part.trim().parse::<IpAddr>().ok())
        .map(|address| address.to_canonical())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|address| !is_trusted(address))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy = ip("10.0.0.1");
        let trusted = [IpNet::from(proxy)];
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
        let stranger = ip("198.51.100.7");
        assert_eq!(
            client_addr(Some(stranger), &headers, &trusted),
            "198.51.100.7"
        );
        assert_eq!(client_addr(Some(proxy), &headers, &trusted), "203.0.113.9");
        assert_eq!(
            client_addr(Some(proxy), &HeaderMap::new(), &trusted),
            "10.0.0.1"
        );
    }

    #[test]
    fn a_proxy_is_trusted_anywhere_in_a_listed_range() {
        let trusted: Vec<IpNet> = ["10.0.0.0/8", "fd00::/8"]
            .iter()
            .map(|range| range.parse().unwrap())
            .collect();
        let mut headers = HeaderMap::new();
        // The chain: client, then two proxies of the listed ranges.
        headers.insert(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.9, fd00::7, 10.200.0.3".parse().unwrap(),
        );
        for proxy in ["10.1.2.3", "fd12:3456::1", "::ffff:10.9.9.9"] {
            assert_eq!(
                client_addr(Some(ip(proxy)), &headers, &trusted),
                "203.0.113.9",
                "{proxy}"
            );
        }
        for stranger in ["11.0.0.1", "fe80::1", "127.0.0.1"] {
            assert_eq!(
                client_addr(Some(ip(stranger)), &headers, &trusted),
                stranger
            );
        }
        // A mapped client address is written as IPv4.
        headers.insert("x-forwarded-for", "::ffff:203.0.113.9".parse().unwrap());
        assert_eq!(
            client_addr(Some(ip("10.0.0.1")), &headers, &trusted),
            "203.0.113.9"
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_and_ipv4_clients_by_their_address() {
        let network = |address: &str| network_of(ip(address)).to_string();
        assert_eq!(network("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(
            network("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            "2001:db8:1:2::/64"
        );
        assert_ne!(network("2001:db8:1:3::1"), network("2001:db8:1:2::1"));
        assert_eq!(network("::1"), "::/64");
        assert_eq!(network("203.0.113.9"), "203.0.113.9/32");
        assert_ne!(network("203.0.113.10"), network("203.0.113.9"));
        assert_eq!(network("::ffff:203.0.113.9"), "203.0.113.9/32");

        let meta = |client_addr: &str| RequestMeta {
            user_agent: String::new(),
            client_addr: client_addr.to_owned(),
        };
        assert_eq!(meta("2001:db8::5").client_network(), "2001:db8::/64");
        assert_eq!(meta("").client_network(), "");
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
