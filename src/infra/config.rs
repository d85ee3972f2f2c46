//! Every setting of Appward, read from the environment here (the embedding ones through
//! `embedding_settings`).
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// The whole configuration of one server process.
#[derive(Debug, Clone)]
pub struct Config {
    /// `LEPTOS_SITE_ADDR`: where the server listens.
    pub site_addr: SocketAddr,
    /// `LEPTOS_SITE_ROOT`: the folder with the compiled site (wasm, js, css, assets).
    pub site_root: String,
    /// `LEPTOS_HASH_FILE_NAME`: the hashes of the bundle's file names, beside the server
    /// unless absolute (`hash.txt`).
    pub hash_file: PathBuf,
    /// `DATABASE_URL`: a `postgres://` or `sqlite:` URL; none means the embedded SQLite file.
    pub database_url: Option<String>,
    /// `APPWARD_DATA_DIR`: where the embedded SQLite file and the key file live.
    pub data_dir: PathBuf,
    /// `APPWARD_PUBLIC_URL`: the URL users and Apps reach; the OAuth issuer.
    pub public_url: String,
    /// `APPWARD_ADMIN_PASSWORD`: the first Administrator's password (else generated and handed over once, never logged: `server::first_start`).
    pub admin_password: Option<String>,
    /// `APPWARD_SECRET_KEY`: 32 bytes, base64, that encrypt App secrets (else a key file).
    pub secret_key: Option<String>,
    /// `APPWARD_ACCESS_TOKEN_TTL`: lifetime of access tokens.
    pub access_token_ttl: Duration,
    /// `APPWARD_REFRESH_TOKEN_TTL`: lifetime of refresh tokens.
    pub refresh_token_ttl: Duration,
    /// `APPWARD_SESSION_TTL`: a console session ends after this much idleness.
    pub session_ttl: Duration,
    /// `APPWARD_PORTAL_SESSION_TTL`: a session the portal started ends this long after it
    /// began, however busy (the portal signs its person in again at its next page).
    pub portal_session_ttl: Duration,
    /// `APPWARD_REQUIRE_PKCE`: whether every authorization request must carry PKCE.
    pub require_pkce: bool,
    /// `APPWARD_TRUSTED_PROXIES`: addresses and CIDR ranges whose `X-Forwarded-For` is
    /// believed.
    pub trusted_proxies: Vec<IpNet>,
    /// `APPWARD_FRAME_ANCESTORS`: the CSP `frame-ancestors` sources allowed to frame the console.
    pub frame_ancestors: String,
    /// `APPWARD_SIGN_IN_ATTEMPTS`: failed sign-ins allowed per login and client network (an
    /// IPv4 address, an IPv6 /64) per minute; 0 also turns off the slowdown of a login.
    pub sign_in_attempts_per_minute: u32,
    /// `APPWARD_CLIENT_AUTH_ATTEMPTS`: failed App authentications allowed per App and client
    /// network per minute.
    pub client_auth_attempts_per_minute: u32,
    /// `APPWARD_FAILURE_STORE_CAPACITY`: the most keys each failure counter keeps (sign-ins,
    /// App authentications, the failures of each login from anywhere); past it the least
    /// used are forgotten.
    pub failure_store_capacity: u64,
    /// `APPWARD_PASSWORD_HASHES_AT_ONCE`: how many password hashes (19 MiB each) run at once
    /// (twice as many more wait; past that, 503); none means one per CPU.
    pub password_hashes_at_once: Option<usize>,
    /// `APPWARD_MAX_BODY_BYTES`: the largest request body accepted.
    pub max_body_bytes: usize,
    /// `APPWARD_DB_POOL_SIZE`: the most database connections at once (else sized for the machine).
    pub pool_size: Option<u32>,
    /// `APPWARD_REQUEST_DEADLINE`: the longest a request to the OAuth endpoints, the APIs or a
    /// server function waits before it is answered 503 with `Retry-After` (every wait inside
    /// it, such as the database's busy timeout, is shorter).
    pub request_deadline: Duration,
    /// `APPWARD_DB_BUSY_TIMEOUT`: how long a statement waits for a database lock held by
    /// someone else (SQLite's busy timeout, PostgreSQL's `lock_timeout`); shorter than the
    /// deadline.
    pub db_busy_timeout: Duration,
    /// `APPWARD_SYNCHRONOUS`: `normal` (a killed process loses nothing answered, a power cut
    /// may lose the last commits) or `full` (a power cut loses nothing answered): SQLite only.
    pub synchronous_full: bool,
    /// `APPWARD_METRICS_ADDR`: where the Prometheus metrics are served (`/metrics`, on a
    /// listener of their own); none turns the metrics off.
    pub metrics_addr: Option<SocketAddr>,
    /// Embedding into a portal: base path, cross-site cookies, portal sign-in, theme.
    pub embedding: super::embedding_settings::EmbeddingSettings,
    /// `APPWARD_MIGRATE`: `auto` (a start applies pending migrations) or `never` (a start
    /// with pending migrations is refused: `appward migrate` applies them).
    pub migrate_on_start: bool,
    /// `APPWARD_BACKUP_DIR`: where scheduled backups of the SQLite file go; none: no
    /// scheduled backups.
    pub backup_dir: Option<PathBuf>,
    /// `APPWARD_BACKUP_EVERY`: how often a scheduled backup is taken.
    pub backup_every: Duration,
    /// `APPWARD_BACKUP_KEEP`: how many scheduled backups are kept (the newest).
    pub backup_keep: usize,
}

pub use super::config_error::ConfigError;

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the configuration from any lookup of variables (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let site_addr: SocketAddr = parse(&lookup, "LEPTOS_SITE_ADDR", "127.0.0.1:3000", |v| {
            v.parse().map_err(|e| format!("not an address:port ({e})"))
        })?;
        let given_public_url =
            lookup("APPWARD_PUBLIC_URL").map(|url| url.trim_end_matches('/').to_owned());
        // The base path is part of the public URL (the issuer), so both are read together.
        let (embedding, public_url) = super::embedding_settings::EmbeddingSettings::from_lookup(
            &lookup,
            given_public_url.as_deref(),
            &format!("http://{site_addr}"),
        )?;
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError {
                variable: "APPWARD_PUBLIC_URL",
                message: "must start with http:// or https://".into(),
            });
        }
        let request_deadline = parse(&lookup, "APPWARD_REQUEST_DEADLINE", "5s", duration)?;
        let db_busy_timeout = parse(&lookup, "APPWARD_DB_BUSY_TIMEOUT", "2s", duration)?;
        if db_busy_timeout >= request_deadline {
            return Err(ConfigError {
                variable: "APPWARD_DB_BUSY_TIMEOUT",
                message: format!(
                    "must be shorter than APPWARD_REQUEST_DEADLINE ({})",
                    humantime::format_duration(request_deadline)
                ),
            });
        }
        Ok(Self {
            site_addr,
            site_root: lookup("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            hash_file: super::bundle_names::hash_file_path(
                &lookup("LEPTOS_HASH_FILE_NAME").unwrap_or_else(|| "hash.txt".into()),
            ),
            database_url: lookup("DATABASE_URL"),
            data_dir: lookup("APPWARD_DATA_DIR")
                .unwrap_or_else(|| "data".into())
                .into(),
            public_url,
            admin_password: lookup("APPWARD_ADMIN_PASSWORD"),
            secret_key: lookup("APPWARD_SECRET_KEY"),
            access_token_ttl: parse(&lookup, "APPWARD_ACCESS_TOKEN_TTL", "1h", duration)?,
            refresh_token_ttl: parse(&lookup, "APPWARD_REFRESH_TOKEN_TTL", "30d", duration)?,
            session_ttl: parse(&lookup, "APPWARD_SESSION_TTL", "8h", duration)?,
            portal_session_ttl: parse(&lookup, "APPWARD_PORTAL_SESSION_TTL", "1h", duration)?,
            require_pkce: parse(&lookup, "APPWARD_REQUIRE_PKCE", "false", boolean)?,
            trusted_proxies: parse(&lookup, "APPWARD_TRUSTED_PROXIES", "", networks)?,
            frame_ancestors: embedding.frame_ancestors.clone(),
            sign_in_attempts_per_minute: parse(&lookup, "APPWARD_SIGN_IN_ATTEMPTS", "10", number)?,
            client_auth_attempts_per_minute: parse(
                &lookup,
                "APPWARD_CLIENT_AUTH_ATTEMPTS",
                "20",
                number,
            )?,
            failure_store_capacity: parse(
                &lookup,
                "APPWARD_FAILURE_STORE_CAPACITY",
                "100000",
                number,
            )?,
            password_hashes_at_once: lookup("APPWARD_PASSWORD_HASHES_AT_ONCE")
                .map(|value| {
                    number(value.trim())
                        .and_then(|n: usize| {
                            if n == 0 {
                                Err("must be at least 1".to_owned())
                            } else {
                                Ok(n)
                            }
                        })
                        .map_err(|message| ConfigError {
                            variable: "APPWARD_PASSWORD_HASHES_AT_ONCE",
                            message,
                        })
                })
                .transpose()?,
            max_body_bytes: parse(&lookup, "APPWARD_MAX_BODY_BYTES", "65536", number)?,
            pool_size: lookup("APPWARD_DB_POOL_SIZE")
                .map(|value| {
                    number(value.trim()).map_err(|message| ConfigError {
                        variable: "APPWARD_DB_POOL_SIZE",
                        message,
                    })
                })
                .transpose()?,
            request_deadline,
            db_busy_timeout,
            synchronous_full: parse(
                &lookup,
                "APPWARD_SYNCHRONOUS",
                "normal",
                |value| match value.to_ascii_lowercase().as_str() {
                    "normal" => Ok(false),
                    "full" => Ok(true),
                    _ => Err("must be normal or full".to_owned()),
                },
            )?,
            metrics_addr: lookup("APPWARD_METRICS_ADDR")
                .map(|value| {
                    value.trim().parse().map_err(|error| ConfigError {
                        variable: "APPWARD_METRICS_ADDR",
                        message: format!("not an address:port such as 127.0.0.1:9464 ({error})"),
                    })
                })
                .transpose()?,
            embedding,
            migrate_on_start: parse(&lookup, "APPWARD_MIGRATE", "auto", |value| {
                match value.to_ascii_lowercase().as_str() {
                    "auto" => Ok(true),
                    "never" => Ok(false),
                    _ => Err("must be auto or never".to_owned()),
                }
            })?,
            backup_dir: lookup("APPWARD_BACKUP_DIR").map(PathBuf::from),
            backup_every: parse(&lookup, "APPWARD_BACKUP_EVERY", "24h", duration)?,
            backup_keep: parse(&lookup, "APPWARD_BACKUP_KEEP", "7", |value| {
                number(value).and_then(|n: usize| {
                    if n == 0 {
                        Err("must be at least 1".to_owned())
                    } else {
                        Ok(n)
                    }
                })
            })?,
        })
    }

    /// Whether users reach the console over https (cookies are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// How many database connections the pool keeps at most: `APPWARD_DB_POOL_SIZE`, else
    /// two per CPU for SQLite (one writer at a time; each connection is a thread) and four
    /// per CPU for PostgreSQL (whose server does the work).
    pub fn pool_size(&self) -> u32 {
        if let Some(size) = self.pool_size {
            return size;
        }
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
        if self.database_url().starts_with("sqlite:") {
            (cpus * 2).max(4)
        } else {
            (cpus * 4).max(8)
        }
    }

    /// The database to use: `DATABASE_URL`, else the embedded SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("appward.db").display()
            ),
        }
    }
}

fn parse<T>(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: &str,
    parser: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    let value = lookup(variable).unwrap_or_else(|| default.to_owned());
    parser(value.trim()).map_err(|message| ConfigError { variable, message })
}

fn duration(value: &str) -> Result<Duration, String> {
    let parsed = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        Err(_) => humantime::parse_duration(value)
            .map_err(|e| format!("not a duration such as 3600, 90s, 15m, 8h or 30d ({e})"))?,
    };
    if parsed.is_zero() {
        return Err("must be longer than zero".into());
    }
    Ok(parsed)
}

fn boolean(value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("must be true or false".into()),
    }
}

fn number<T: std::str::FromStr>(value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| "must be a whole number".to_owned())
}

/// Addresses (`10.0.0.1`, `::1`) and CIDR ranges (`10.0.0.0/8`, `fd00::/8`), separated by
/// commas or spaces. An IPv4-mapped IPv6 address or range (`::ffff:10.0.0.1`) stands for
/// its IPv4 form, as client addresses are compared in that form.
fn networks(value: &str) -> Result<Vec<IpNet>, String> {
    value
        .split([',', ' '])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let network = match part.parse::<IpAddr>() {
                Ok(address) => IpNet::from(address),
                Err(_) => part.parse::<IpNet>().map_err(|_| {
                    format!("{part} is neither an IP address nor a CIDR range such as 10.0.0.0/8")
                })?,
            };
            Ok(canonical(network.trunc()))
        })
        .collect()
}

/// An IPv4-mapped IPv6 range (`::ffff:0:0/96` and narrower) as its IPv4 range.
fn canonical(network: IpNet) -> IpNet {
    match network {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => IpNet::new(IpAddr::V4(v4), v6.prefix_len() - 96).unwrap_or(network),
            None => network,
        },
        _ => network,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_follow_the_spec() {
        let config = config(&[]).unwrap();
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert_eq!(config.access_token_ttl, Duration::from_secs(3600));
        assert_eq!(config.refresh_token_ttl, Duration::from_secs(30 * 86400));
        assert_eq!(config.session_ttl, Duration::from_secs(8 * 3600));
        assert_eq!(config.portal_session_ttl, Duration::from_secs(3600));
        assert!(!config.require_pkce);
        assert!(config.trusted_proxies.is_empty());
        assert_eq!(config.frame_ancestors, "'self'");
        assert_eq!(config.metrics_addr, None);
        assert!(config.migrate_on_start);
        assert_eq!(config.backup_dir, None);
        assert_eq!(config.backup_every, Duration::from_secs(24 * 3600));
        assert_eq!(config.backup_keep, 7);
        assert!(
            config
                .database_url()
                .starts_with("sqlite://data/appward.db")
        );
    }

    #[test]
    fn values_are_read_and_checked() {
        let config = config(&[
            ("APPWARD_SESSION_TTL", "15m"),
            ("APPWARD_ACCESS_TOKEN_TTL", "600"),
            ("APPWARD_REQUIRE_PKCE", "true"),
            (
                "APPWARD_TRUSTED_PROXIES",
                "10.0.0.1, ::1 172.16.0.0/12,fd00::/8",
            ),
            ("APPWARD_PUBLIC_URL", "https://apps.example.com/"),
            ("APPWARD_METRICS_ADDR", "127.0.0.1:9464"),
        ])
        .unwrap();
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9464".parse().unwrap()));
        assert_eq!(config.session_ttl, Duration::from_secs(900));
        assert_eq!(config.access_token_ttl, Duration::from_secs(600));
        assert!(config.require_pkce);
        let trusted: Vec<String> = config
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            trusted,
            ["10.0.0.1/32", "::1/128", "172.16.0.0/12", "fd00::/8"]
        );
        assert_eq!(config.public_url, "https://apps.example.com");
        assert!(config.is_https());
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges_and_refuse_anything_else() {
        let trusted = |value: &str| {
            config(&[("APPWARD_TRUSTED_PROXIES", value)]).map(|config| {
                config
                    .trusted_proxies
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
            })
        };
        // Bits past the prefix are dropped; a mapped IPv6 form is its IPv4 form.
        assert_eq!(
            trusted("10.1.2.3/8 ::ffff:192.0.2.0/120 ::ffff:192.0.2.7").unwrap(),
            ["10.0.0.0/8", "192.0.2.0/24", "192.0.2.7/32"]
        );
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "proxy.internal",
            "10.0.0/8",
            "10.0.0.0/",
        ] {
            let error = trusted(bad).unwrap_err();
            assert_eq!(error.variable, "APPWARD_TRUSTED_PROXIES", "{bad}");
            assert!(error.message.starts_with(bad), "{bad}: {}", error.message);
            assert!(error.to_string().starts_with("APPWARD_TRUSTED_PROXIES: "));
        }
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let error = config(&[("APPWARD_SESSION_TTL", "soon")]).unwrap_err();
        assert_eq!(error.variable, "APPWARD_SESSION_TTL");
        assert_eq!(
            config(&[("APPWARD_REQUIRE_PKCE", "maybe")])
                .unwrap_err()
                .variable,
            "APPWARD_REQUIRE_PKCE"
        );
        for (variable, value) in [
            ("APPWARD_MIGRATE", "sometimes"),
            ("APPWARD_BACKUP_EVERY", "0"),
            ("APPWARD_BACKUP_KEEP", "0"),
        ] {
            assert_eq!(config(&[(variable, value)]).unwrap_err().variable, variable);
        }
        assert_eq!(
            config(&[("APPWARD_METRICS_ADDR", "9464")])
                .unwrap_err()
                .variable,
            "APPWARD_METRICS_ADDR"
        );
        assert_eq!(
            config(&[("APPWARD_PUBLIC_URL", "ftp://x")])
                .unwrap_err()
                .variable,
            "APPWARD_PUBLIC_URL"
        );
    }
}
