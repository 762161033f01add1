//! Keys, tokens and hashes.
//!
//! - Session and badge tokens are 256 random bits; the database keeps their SHA-256, which is
//!   enough for values that cannot be guessed.
//! - A child's PIN has only a million values, so it is kept as an HMAC keyed with the server's
//!   secret: the database alone does not give the PINs away, and the keyed digest doubles as the
//!   lookup index (a class code and a PIN find the child in one query, without trying 40
//!   password hashes).
//! - Staff passwords are hashed with argon2id, off the async runtime, in memory that is not kept
//!   after each hash (`argon2_memory`).

use anyhow::{Context as _, bail};
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use rand::RngExt as _;
use sha2::{Digest, Sha256};
use std::path::Path;

mod argon2_memory;

use crate::config::Config;
use crate::domain::children::Pin;
use crate::domain::ids::ClassId;
use argon2_memory::Argon2Released;

#[derive(Clone)]
pub struct Secrets {
    key: [u8; 32],
    /// The key before the last rotation (`SECRET_KEY_PREVIOUS`).
    previous: Option<[u8; 32]>,
}

impl Secrets {
    /// `SECRET_KEY` when set (required in production); otherwise a key kept in
    /// `DATA_DIR/secret.key`, made on first start.
    pub fn load(config: &Config) -> anyhow::Result<Self> {
        if let Some(secret) = &config.secret_key {
            if let Some(weak) = crate::config::weakness(secret) {
                bail!("SECRET_KEY {weak}");
            }
            let mut secrets = Secrets::from_phrase(secret);
            secrets.previous = config
                .secret_key_previous
                .as_deref()
                .map(|previous| Sha256::digest(previous.as_bytes()).into());
            return Ok(secrets);
        }
        if config.is_production() {
            bail!("SECRET_KEY must be set in production");
        }
        let path = config.data_dir.join("secret.key");
        let secret = read_or_create(&path)?;
        Ok(Secrets::from_phrase(&secret))
    }

    pub fn from_phrase(phrase: &str) -> Self {
        Secrets {
            key: Sha256::digest(phrase.as_bytes()).into(),
            previous: None,
        }
    }

    /// The keyed digest a PIN is stored and looked up by, bound to its class.
    pub fn pin_digest(&self, class: ClassId, pin: &Pin) -> String {
        pin_digest_with(&self.key, class, pin)
    }

    /// The token a console form carries, bound to the session (or the pre-sign-in value) it was
    /// rendered for: a page of another session, or a forged post, has a different one.
    pub fn form_token(&self, session_token: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key) else {
            unreachable!("HMAC takes keys of any length")
        };
        mac.update(b"tongsheng-form\0");
        mac.update(session_token.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// The digest the same PIN had under the key before the last rotation, if there was one.
    pub fn previous_pin_digest(&self, class: ClassId, pin: &Pin) -> Option<String> {
        self.previous
            .as_ref()
            .map(|key| pin_digest_with(key, class, pin))
    }
}

fn pin_digest_with(key: &[u8; 32], class: ClassId, pin: &Pin) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(b"tongsheng-pin\0");
    mac.update(class.0.as_bytes());
    mac.update(pin.reveal().as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn read_or_create(path: &Path) -> anyhow::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(secret) => Ok(secret.trim().to_owned()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let secret = random_token();
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &secret).with_context(|| format!("writing {}", path.display()))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(secret)
        }
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

/// 256 random bits, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// How a token is stored: its SHA-256, in hex.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether a presented secret is the configured one. Their digests are compared, so the time the
/// comparison takes tells nothing about the secret.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    Sha256::digest(given) == Sha256::digest(expected)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hashes a password with argon2id on a blocking thread.
pub async fn hash_password(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2Released
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await?
}

/// Checks a password against a stored hash on a blocking thread. With no stored hash (an unknown
/// user) it checks against a dummy, so both answers take as long.
pub async fn verify_password(stored: Option<String>, candidate: String) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let Ok(hash) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2Released
            .verify_password(candidate.as_bytes(), &hash)
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// The argon2id hash of a random password nobody knows, made once.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2Released
        .hash_password(random_token().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .unwrap_or_default()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_digests_depend_on_the_key_the_class_and_the_pin() {
        let secrets = Secrets::from_phrase("a phrase of at least thirty-two characters");
        let pin = Pin::parse("123456").unwrap();
        let class = ClassId::new();
        let digest = secrets.pin_digest(class, &pin);
        assert_eq!(digest.len(), 64);
        assert_eq!(digest, secrets.pin_digest(class, &pin));
        assert_ne!(digest, secrets.pin_digest(ClassId::new(), &pin));
        assert_ne!(
            digest,
            secrets.pin_digest(class, &Pin::parse("123457").unwrap())
        );
        assert_ne!(
            digest,
            Secrets::from_phrase("another phrase of thirty-two characters").pin_digest(class, &pin)
        );
    }

    #[test]
    fn tokens_are_long_random_and_stored_as_digests() {
        let token = random_token();
        assert_eq!(token.len(), 43);
        assert_ne!(token, random_token());
        assert_eq!(token_digest(&token).len(), 64);
    }

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse battery".into()).await.unwrap();
        assert!(verify_password(Some(hash.clone()), "correct horse battery".into()).await);
        assert!(!verify_password(Some(hash), "wrong horse battery".into()).await);
        assert!(!verify_password(None, "anything at all".into()).await);
    }
}
