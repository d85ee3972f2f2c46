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
    /// Where the key came from, to say which key is wrong.
    source: KeySource,
}

/// Where the key of a [`SecretBox`] came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeySource {
    /// `APPWARD_SECRET_KEY`.
    Variable,
    /// The key file, as found.
    File(std::path::PathBuf),
    /// The key file, created by this start because there was none.
    NewFile(std::path::PathBuf),
    /// Given in code (tests).
    Given,
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
        let (key, source) = match &config.secret_key {
            Some(encoded) => (
                decode_key(encoded).map_err(|message| ConfigError {
                    variable: "APPWARD_SECRET_KEY",
                    message,
                })?,
                KeySource::Variable,
            ),
            None => {
                if config.database_url.is_some() {
                    tracing::warn!(
                        "APPWARD_SECRET_KEY is not set: App secrets are sealed with a key file \
                         of this machine; every instance sharing the database needs the same key"
                    );
                }
                let path = config.data_dir.join(KEY_FILE);
                let (key, created) = key_file(&path)?;
                (
                    key,
                    if created {
                        KeySource::NewFile(path)
                    } else {
                        KeySource::File(path)
                    },
                )
            }
        };
        Ok(Self {
            source,
            ..Self::new(&key)
        })
    }

    /// The deployment's key as [`SecretBox::load`] finds it, without ever creating a key
    /// file: none when `APPWARD_SECRET_KEY` is not set and there is no key file (the
    /// operator's commands, which must not make up a key).
    pub fn load_existing(config: &Config) -> Result<Option<Self>, Box<dyn std::error::Error>> {
        if config.secret_key.is_none() && !config.data_dir.join(KEY_FILE).exists() {
            return Ok(None);
        }
        Self::load(config).map(Some)
    }

    /// Whether the key is `APPWARD_SECRET_KEY` (else a key file or a key given in code).
    pub fn from_variable(&self) -> bool {
        self.source == KeySource::Variable
    }

    /// Which key this is, for messages: "the key in APPWARD_SECRET_KEY", "the key file …".
    pub fn describe(&self) -> String {
        match &self.source {
            KeySource::Variable => "the key in APPWARD_SECRET_KEY".to_owned(),
            KeySource::File(path) | KeySource::NewFile(path) => {
                format!("the key file {}", path.display())
            }
            KeySource::Given => "the key given".to_owned(),
        }
    }

    /// A new random key, and its base64 form (as `APPWARD_SECRET_KEY` and the key file
    /// hold it).
    pub fn generate_key() -> ([u8; 32], String) {
        let key = random_bytes::<32>();
        (key, STANDARD.encode(key))
    }

    /// Whether this key opens the sealed secret of the App `app_key` (nothing logged).
    pub fn opens(&self, app_key: &str, sealed: &str) -> bool {
        self.decrypt(app_key, sealed).is_ok()
    }

    /// A box for a 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key)),
            source: KeySource::Given,
        }
    }

    /// Refuses to start with a key that does not open the App secrets the database already
    /// holds (another `secret.key`, a lost one replaced by a new file, a wrong
    /// `APPWARD_SECRET_KEY`): every App would then fail to authenticate while the server looked
    /// healthy. A key file created by this very start is removed again, so that restoring
    /// the right one is all it takes.
    pub async fn check_against(
        &self,
        db: &sea_orm::DatabaseConnection,
        config: &Config,
    ) -> Result<(), Box<dyn std::error::Error>> {
        use super::entities::app;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        let Some(sealed) = app::Entity::find()
            .filter(app::Column::SecretSealed.ne(""))
            .order_by_desc(app::Column::Id)
            .one(db)
            .await?
        else {
            return Ok(());
        };
        if self.decrypt(&sealed.key, &sealed.secret_sealed).is_ok() {
            return Ok(());
        }
        let which = match &self.source {
            KeySource::Variable => "the key in APPWARD_SECRET_KEY".to_owned(),
            KeySource::File(path) => format!("the key file {}", path.display()),
            KeySource::NewFile(path) => {
                let _ = std::fs::remove_file(path);
                format!(
                    "no key file was found at {} (none was created)",
                    path.display()
                )
            }
            KeySource::Given => "the key given".to_owned(),
        };
        let database = match &config.database_url {
            Some(_) => "the database of DATABASE_URL".to_owned(),
            None => format!("the database in {}", config.data_dir.display()),
        };
        Err(format!(
            "the App secrets in {database} were sealed with another key: {which} does not \
             open them. Put back the {KEY_FILE} that was backed up with this database (or set \
             APPWARD_SECRET_KEY to that key) and start again; Appward does not start with \
             another key, since every App would then fail to authenticate"
        )
        .into())
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
        let plain = self
            .decrypt(app_key, sealed)
            .map_err(|_| fault("wrong server key, a row altered, or not a sealed secret"))?;
        String::from_utf8(plain).map_err(|_| fault("not text"))
    }

    /// Opens a sealed secret without logging: whether the key opens it is all that counts.
    fn decrypt(&self, app_key: &str, sealed: &str) -> Result<Vec<u8>, ()> {
        let mut parts = sealed.split('.');
        let (Some(VERSION), Some(nonce), Some(ciphertext), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(());
        };
        let nonce = URL_SAFE_NO_PAD.decode(nonce).map_err(|_| ())?;
        if nonce.len() != 12 {
            return Err(());
        }
        let ciphertext = URL_SAFE_NO_PAD.decode(ciphertext).map_err(|_| ())?;
        self.decrypt_parts(app_key, &nonce, &ciphertext)
    }

    fn decrypt_parts(&self, app_key: &str, nonce: &[u8], ciphertext: &[u8]) -> Result<Vec<u8>, ()> {
        self.cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: app_key.as_bytes(),
                },
            )
            .map_err(|_| ())
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

/// Reads the key file, or creates it with a new random key, readable by the owner only;
/// whether it was created. Two processes starting at once on one data folder agree on one
/// key: the file appears whole or not at all (written aside, then linked into place, which
/// fails if it exists), and the one that loses the race reads the winner's.
fn key_file(path: &Path) -> Result<([u8; 32], bool), Box<dyn std::error::Error>> {
    let describe = |error: &dyn std::fmt::Display| format!("{}: {error}", path.display());
    let read = || -> Result<[u8; 32], Box<dyn std::error::Error>> {
        let encoded = std::fs::read_to_string(path).map_err(|e| describe(&e))?;
        Ok(decode_key(&encoded).map_err(|e| describe(&e))?)
    };
    if path.exists() {
        return Ok((read()?, false));
    }
    let key = random_bytes::<32>();
    match create_owner_only(path, &STANDARD.encode(key)) {
        Ok(()) => {
            tracing::info!(path = %path.display(), "created the key file that seals App secrets");
            Ok((key, true))
        }
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok((read()?, false)),
        Err(error) => Err(describe(&error).into()),
    }
}

/// Creates `path` with `contents`, readable by the owner only, unless it exists
/// (`AlreadyExists`); never a partly written file under that name.
fn create_owner_only(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".{}.new", std::process::id()));
    let aside = std::path::PathBuf::from(aside);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&aside).and_then(|mut file| {
        file.write_all(contents.as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&aside, path));
    let _ = std::fs::remove_file(&aside);
    linked
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
        let (first, created) = key_file(&path).unwrap();
        assert!(created);
        assert_eq!(key_file(&path).unwrap(), (first, false));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
