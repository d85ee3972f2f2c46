//! Password hashes, random values from the operating system, and digests of random values.
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::{KEY_ALPHABET, KEY_LENGTH};
use crate::error::ConsoleError;

/// Fills `buffer` from the operating system's secure random source.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buffer = [0u8; N];
    OsRng
        .try_fill_bytes(&mut buffer)
        .expect("the operating system's random source failed");
    buffer
}

/// A random value of 256 bits, URL-safe base64 (43 characters): session ids and codes (access
/// and refresh tokens are [`ordered_token`]s).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// 32 characters of `A-Z a-z 0-9 - _ . ~` from the operating system's secure random source,
/// each drawn without bias: App keys and App secrets (about 193 bits).
pub fn random_app_key() -> String {
    use rand::Rng;
    let mut rng = OsRng.unwrap_err();
    (0..KEY_LENGTH)
        .map(|_| char::from(KEY_ALPHABET[rng.random_range(0..KEY_ALPHABET.len())]))
        .collect()
}

/// Compares a presented secret with the real one in constant time.
pub fn secrets_match(presented: &str, real: &str) -> bool {
    use subtle::ConstantTimeEq;
    presented.len() == real.len() && bool::from(presented.as_bytes().ct_eq(real.as_bytes()))
}

/// The stored form of a random value, 64 characters of lower-case hex: its SHA-256, or for an
/// [`ordered_token`] its issue time followed by the first 192 bits of its SHA-256, so that the
/// digests of new grants sort last in their index. (A password hash would add nothing: the
/// value has 256 bits of entropy.)
pub fn token_digest(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    let mut hex = String::with_capacity(64);
    match issue_time(token) {
        Some(time) => {
            push_hex(&mut hex, &time);
            push_hex(&mut hex, &digest[..24]);
        }
        None => push_hex(&mut hex, &digest),
    }
    hex
}

/// The bytes of an [`ordered_token`]: its issue time, then 256 random bits.
const ORDERED_TOKEN_BYTES: usize = 8 + 32;
/// Its length in URL-safe base64 without padding.
const ORDERED_TOKEN_LENGTH: usize = (ORDERED_TOKEN_BYTES * 4).div_ceil(3);

/// A token that starts with the microsecond it was made (8 bytes, big-endian), then 256 random
/// bits, URL-safe base64 (54 characters): access and refresh tokens.
///
/// Why: the index of a random digest takes each new grant on a random page, so every commit
/// wrote about one 4 KiB index page per grant to the WAL (about 8 KB of WAL per token issued,
/// with the table and its other indexes; checkpoints a dozen times a second under load). Digests that start with the issue time are appended instead.
/// The time is no secret: the token's holder knows when it was issued.
pub fn ordered_token() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_micros() as u64);
    let mut bytes = [0u8; ORDERED_TOKEN_BYTES];
    bytes[..8].copy_from_slice(&micros.to_be_bytes());
    bytes[8..].copy_from_slice(&random_bytes::<32>());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The issue time an [`ordered_token`] starts with; `None` for any other value.
fn issue_time(token: &str) -> Option<[u8; 8]> {
    if token.len() != ORDERED_TOKEN_LENGTH {
        return None;
    }
    // 12 characters of base64 are exactly 9 bytes: the time and the first random byte.
    let head = URL_SAFE_NO_PAD.decode(token.get(..12)?).ok()?;
    head.get(..8)?.try_into().ok()
}

fn push_hex(hex: &mut String, bytes: &[u8]) {
    for byte in bytes {
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
    }
}

/// Hashes a password with Argon2id (default parameters: 19 MiB, 2 passes), off the async threads.
pub async fn hash_password(gate: &PasswordGate, password: String) -> Result<String, ConsoleError> {
    let permits = gate.enter()?;
    let running = permits.run().await?;
    tokio::task::spawn_blocking(move || {
        let _running = running;
        hash_password_now(&password)
    })
    .await
    .map_err(|e| internal("password hashing task", e))?
}

fn hash_password_now(password: &str) -> Result<String, ConsoleError> {
    let salt =
        SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| internal("password salt", e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| internal("password hashing", e))
}

/// Checks a password against a stored hash with exactly one Argon2 verification, whatever
/// the login: with no hash (an unknown login) or a stored value that is no password hash
/// (`!portal`, a person who signs in through the portal only) it verifies against a dummy
/// hash, so the answer's timing does not tell which kind of login it was.
pub async fn verify_password(
    gate: &PasswordGate,
    password: String,
    hash: Option<String>,
) -> Result<bool, ConsoleError> {
    let permits = gate.enter()?;
    let running = permits.run().await?;
    let verifications = Arc::clone(&gate.verifications);
    let matches = tokio::task::spawn_blocking(move || {
        // Held until the hash is done, even if the request that asked is gone.
        let _running = running;
        let stored = hash
            .as_deref()
            .and_then(|hash| PasswordHash::new(hash).ok());
        let real = stored.is_some();
        let parsed = match stored {
            Some(parsed) => parsed,
            None => PasswordHash::new(dummy_hash()).expect("the dummy hash is a password hash"),
        };
        verifications.fetch_add(1, Ordering::Relaxed);
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && real
    })
    .await
    .unwrap_or(false);
    Ok(matches)
}

/// Admits password hashes (Argon2id, 19 MiB each): as many run at once as there are cores,
/// a short queue waits, and past it a request is told to come back (503 with
/// `Retry-After`), so that a burst of sign-ins cannot take the memory or the CPU.
#[derive(Debug)]
pub struct PasswordGate {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
    verifications: Arc<AtomicU64>,
}

/// A place in the queue of a [`PasswordGate`].
#[derive(Debug)]
pub struct Admitted(OwnedSemaphorePermit, Arc<Semaphore>);

impl Admitted {
    /// Waits for a turn to hash; the permits go with the hash, wherever it runs.
    async fn run(self) -> Result<(OwnedSemaphorePermit, OwnedSemaphorePermit), ConsoleError> {
        let running = self
            .1
            .acquire_owned()
            .await
            .map_err(|e| internal("password gate", e))?;
        Ok((self.0, running))
    }
}

impl PasswordGate {
    /// `running` hashes at once, `queued` more waiting.
    pub fn new(running: usize, queued: usize) -> Self {
        Self {
            admitted: Arc::new(Semaphore::new(running + queued)),
            running: Arc::new(Semaphore::new(running.max(1))),
            verifications: Arc::default(),
        }
    }

    /// How many passwords this gate has verified with Argon2 since the start.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// One hash per core at once, and two per core waiting.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::new(cores, 2 * cores)
    }

    fn enter(&self) -> Result<Admitted, ConsoleError> {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| ConsoleError::Busy { retry_after: 1 })?;
        Ok(Admitted(admitted, Arc::clone(&self.running)))
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password_now(&random_token()).expect("hashing a random password works")
    })
}

fn internal(what: &str, error: impl std::fmt::Display) -> ConsoleError {
    tracing::error!(%error, "{what} failed");
    ConsoleError::Internal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::is_key_shaped;

    fn gate() -> PasswordGate {
        PasswordGate::new(1, 4)
    }

    #[tokio::test]
    async fn past_the_queue_a_hash_is_refused_as_busy() {
        let gate = PasswordGate::new(1, 1);
        let first = gate.enter().unwrap();
        let second = gate.enter().unwrap();
        assert_eq!(
            gate.enter().unwrap_err(),
            ConsoleError::Busy { retry_after: 1 }
        );
        drop((first, second));
        assert!(gate.enter().is_ok());
    }

    #[tokio::test]
    async fn a_password_verifies_only_against_its_own_hash() {
        let hash = hash_password(&gate(), "correct horse battery".into())
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        assert!(
            verify_password(&gate(), "correct horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password(&gate(), "wrong horse battery".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password(&gate(), "".into(), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn the_same_password_hashes_differently_each_time() {
        let a = hash_password(&gate(), "same password".into())
            .await
            .unwrap();
        let b = hash_password(&gate(), "same password".into())
            .await
            .unwrap();
        assert_ne!(a, b, "salts must differ");
    }

    #[tokio::test]
    async fn an_unknown_login_never_verifies() {
        assert!(
            !verify_password(&gate(), "anything".into(), None)
                .await
                .unwrap()
        );
        assert!(
            !verify_password(&gate(), "x".into(), Some("not a hash".into()))
                .await
                .unwrap()
        );
    }

    #[test]
    fn app_keys_are_32_characters_of_the_alphabet_and_spread_over_it() {
        let keys: Vec<String> = (0..2000).map(|_| random_app_key()).collect();
        assert!(keys.iter().all(|key| is_key_shaped(key)));
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len());
        // 64 000 draws over 66 characters: every character shows up, none wildly often.
        let mut counts = [0usize; 66];
        for byte in keys.iter().flat_map(|key| key.bytes()) {
            counts[KEY_ALPHABET.iter().position(|&c| c == byte).unwrap()] += 1;
        }
        assert!(
            counts.iter().all(|&n| (700..1300).contains(&n)),
            "{counts:?}"
        );
    }

    #[test]
    fn secrets_match_only_when_equal() {
        assert!(secrets_match(
            "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ",
            "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ"
        ));
        assert!(!secrets_match(
            "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwq",
            "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ"
        ));
        assert!(!secrets_match("", "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ"));
    }

    #[test]
    fn tokens_are_long_random_and_digested() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        let digest = token_digest(&a);
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, token_digest(&a));
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ordered_tokens_are_random_and_their_digests_sort_by_issue_time() {
        let first = ordered_token();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = ordered_token();
        assert_eq!(first.len(), 54);
        assert_ne!(first[11..], second[11..]);
        let (a, b) = (token_digest(&first), token_digest(&second));
        assert_eq!((a.len(), b.len()), (64, 64));
        assert!(a < b, "{a} sorts after {b}");
        // Only the issue time is in the clear; the rest is the token's SHA-256.
        assert_eq!(a[16..], hex_of(&Sha256::digest(first.as_bytes())[..24]));
        // A value of the same length that is not base64 is digested whole.
        let odd = "é".repeat(27);
        assert_eq!(token_digest(&odd), hex_of(&Sha256::digest(odd.as_bytes())));
    }

    fn hex_of(bytes: &[u8]) -> String {
        let mut hex = String::new();
        push_hex(&mut hex, bytes);
        hex
    }
}
