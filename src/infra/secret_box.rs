//! App secrets at rest: sealed with AES-256-GCM under a server key that is not in the
//! database (SPEC §2), so a copy of the database alone does not give them away.
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use std::path::Path;

use super::config::{Config, ConfigError};
use super::crypto::random_bytes;
use crate::error::ConsoleError;

/// The version tag of the sealed format, so the format can change without ambiguity.
const VERSION: &str = "v1";
/// The name of the key file created on first start when `APPWARD_SECRET_KEY` is not set.
pub const KEY_FILE: &str = "secret.key";

/// Seals and opens App secrets with the deployment's key.
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// The key from `APPWARD_SECRET_KEY`, else from the key file in the data folder,
    /// created (owner-only) on first start.
    pub fn load(config: &Config) -> Result<Self, Box<dyn std::error::Error>> {
        let key = match &config.secret_key {
            Some(encoded) => decode_key(encoded).map_err(|message| ConfigError {
                variable: "APPWARD_SECRET_KEY",
                message,
            })?,
            None => {
                if config.database_url.is_some() {
                    tracing::warn!(
                        "APPWARD_SECRET_KEY is not set: App secrets are sealed with a key file \
                         of this machine; every instance sharing the database needs the same key"
                    );
                }
                key_file(&config.data_dir.join(KEY_FILE))?
            }
        };
        Ok(Self::new(&key))
    }

    /// A box for a 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
        }
    }

    /// Seals the secret of the App `app_key`; the key is bound in as associated data, so a
    /// sealed secret copied onto another App's row does not open.
    pub fn seal(&self, app_key: &str, secret: &str) -> String {
        let nonce = random_bytes::<12>();
        let ciphertext = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: app_key.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of a short message cannot fail");
        format!(
            "{VERSION}.{}.{}",
            URL_SAFE_NO_PAD.encode(nonce),
            URL_SAFE_NO_PAD.encode(ciphertext)
        )
    }

    /// Opens the sealed secret of the App `app_key`. A failure means a wrong server key or
    /// a tampered row: a real fault, logged without the values.
    pub fn open(&self, app_key: &str, sealed: &str) -> Result<String, ConsoleError> {
        let fault = |why: &str| {
            tracing::error!(app_key, "cannot open the App secret: {why}");
            ConsoleError::Internal
        };
        let mut parts = sealed.split('.');
        let (Some(VERSION), Some(nonce), Some(ciphertext), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(fault("not a sealed secret"));
        };
        let nonce = URL_SAFE_NO_PAD
            .decode(nonce)
            .ok()
            .filter(|nonce| nonce.len() == 12)
            .ok_or_else(|| fault("bad nonce"))?;
        let ciphertext = URL_SAFE_NO_PAD
            .decode(ciphertext)
            .map_err(|_| fault("bad ciphertext encoding"))?;
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &ciphertext,
                    aad: app_key.as_bytes(),
                },
            )
            .map_err(|_| fault("wrong server key, or the row was altered"))?;
        String::from_utf8(plain).map_err(|_| fault("not text"))
    }
}

fn decode_key(encoded: &str) -> Result<[u8; 32], String> {
    let encoded = encoded.trim();
    let bytes = STANDARD
        .decode(encoded)
        .or_else(|_| URL_SAFE_NO_PAD.decode(encoded.trim_end_matches('=')))
        .map_err(|_| "must be base64".to_owned())?;
    bytes
        .try_into()
        .map_err(|bytes: Vec<u8>| format!("must be 32 bytes, not {}", bytes.len()))
}

/// Reads the key file, or creates it with a new random key, readable by the owner only.
fn key_file(path: &Path) -> Result<[u8; 32], Box<dyn std::error::Error>> {
    let describe = |error: &dyn std::fmt::Display| format!("{}: {error}", path.display());
    match std::fs::read_to_string(path) {
        Ok(encoded) => Ok(decode_key(&encoded).map_err(|e| describe(&e))?),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = random_bytes::<32>();
            write_owner_only(path, &STANDARD.encode(key)).map_err(|e| describe(&e))?;
            tracing::info!(path = %path.display(), "created the key file that seals App secrets");
            Ok(key)
        }
        Err(error) => Err(describe(&error).into()),
    }
}

fn write_owner_only(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_app_and_key() {
        let secrets = SecretBox::new(&[7; 32]);
        let sealed = secrets.seal(
            "5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE",
            "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ",
        );
        assert!(!sealed.contains("z-JhR3Kz53"));
        assert!(sealed.len() <= 160, "{}", sealed.len());
        assert_eq!(
            secrets
                .open("5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE", &sealed)
                .unwrap(),
            "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ"
        );
        assert!(secrets.open("another-app-key", &sealed).is_err());
        assert!(
            SecretBox::new(&[8; 32])
                .open("5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE", &sealed)
                .is_err()
        );
        assert_ne!(
            sealed,
            secrets.seal(
                "5-QUEQY4YK_RAkqWxmX_UfXHS5y1-KQE",
                "z-JhR3Kz53-L4zgAvM2_c739Qz63~cwQ"
            ),
            "a fresh nonce each time"
        );
    }

    #[test]
    fn keys_are_32_bytes_of_base64() {
        assert!(decode_key(&STANDARD.encode([1u8; 32])).is_ok());
        assert!(decode_key(&URL_SAFE_NO_PAD.encode([1u8; 32])).is_ok());
        assert_eq!(
            decode_key(&STANDARD.encode([1u8; 16])).unwrap_err(),
            "must be 32 bytes, not 16"
        );
        assert!(decode_key("not base64!").is_err());
    }

    #[test]
    fn the_key_file_is_created_once_and_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let first = key_file(&path).unwrap();
        assert_eq!(key_file(&path).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
