//! An absolute link as the URL Standard reads it: by the `url` crate on the server, and by
//! the browser's own parser (`web_sys::Url`) in the browser. Both are the same WHATWG
//! algorithm; the browser's costs the bundle nothing, while the crate with its IDNA
//! tables weighs about 60 KB gzipped there.

/// A parsed absolute link.
pub struct Link(Inner);

#[cfg(not(feature = "hydrate"))]
type Inner = url::Url;
#[cfg(feature = "hydrate")]
type Inner = web_sys::Url;

#[cfg(not(feature = "hydrate"))]
impl Link {
    /// Reads `value` as an absolute link.
    pub fn parse(value: &str) -> Option<Self> {
        url::Url::parse(value).ok().map(Self)
    }

    /// `http`, `https`, …
    pub fn scheme(&self) -> String {
        self.0.scheme().to_owned()
    }

    /// Whether it holds a user name or a password.
    pub fn has_credentials(&self) -> bool {
        !self.0.username().is_empty() || self.0.password().is_some()
    }

    /// Whether it holds a fragment (`#…`, even an empty one).
    pub fn has_fragment(&self) -> bool {
        self.0.fragment().is_some()
    }

    /// The host, when it is a domain name (not an IP address).
    pub fn domain(&self) -> Option<String> {
        match self.0.host() {
            Some(url::Host::Domain(host)) => Some(host.to_owned()),
            _ => None,
        }
    }

    /// Puts `host` in place of the domain; false when it cannot be.
    pub fn set_domain(&mut self, host: &str) -> bool {
        self.0.set_host(Some(host)).is_ok()
    }

    /// The link, serialised.
    pub fn into_string(self) -> String {
        self.0.into()
    }

    /// What comes before the domain, the domain, and what comes after it.
    pub fn around_domain(&self) -> Option<(String, String, String)> {
        use url::Position;
        let domain = self.domain()?;
        Some((
            self.0[..Position::BeforeHost].to_owned(),
            domain,
            self.0[Position::AfterHost..].to_owned(),
        ))
    }
}

#[cfg(feature = "hydrate")]
impl Link {
    /// Reads `value` as an absolute link.
    pub fn parse(value: &str) -> Option<Self> {
        web_sys::Url::new(value).ok().map(Self)
    }

    /// `http`, `https`, …
    pub fn scheme(&self) -> String {
        self.0.protocol().trim_end_matches(':').to_owned()
    }

    /// Whether it holds a user name or a password.
    pub fn has_credentials(&self) -> bool {
        !self.0.username().is_empty() || !self.0.password().is_empty()
    }

    /// Whether it holds a fragment (`#…`, even an empty one): `hash` is empty for both, but
    /// the serialisation keeps the `#`, which cannot appear anywhere else unescaped.
    pub fn has_fragment(&self) -> bool {
        self.0.href().contains('#')
    }

    /// The host, when it is a domain name (not an IP address: the parser has already
    /// written every IPv4 address as four decimal numbers, and IPv6 ones in brackets).
    pub fn domain(&self) -> Option<String> {
        let host = self.0.hostname();
        let ipv4 = host.split('.').count() == 4
            && host
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        (!host.is_empty() && !host.starts_with('[') && !ipv4).then_some(host)
    }

    /// Puts `host` in place of the domain; false when it cannot be.
    pub fn set_domain(&mut self, host: &str) -> bool {
        self.0.set_hostname(host);
        self.0.hostname() == host
    }

    /// The link, serialised.
    pub fn into_string(self) -> String {
        self.0.href()
    }

    /// What comes before the domain, the domain, and what comes after it (stored links hold
    /// no user name or password, so the domain follows `scheme://` directly).
    pub fn around_domain(&self) -> Option<(String, String, String)> {
        let domain = self.domain()?;
        let href = self.0.href();
        let before = format!("{}//", self.0.protocol());
        let after = href
            .strip_prefix(&before)?
            .strip_prefix(&domain)?
            .to_owned();
        Some((before, domain, after))
    }
}
