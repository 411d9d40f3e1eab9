//! The server's keys. One secret key (`SECRET_KEY`, else a key file generated on first start) from which
//! every internal key is derived: the keys of e-mailed codes, CAPTCHAs, device cookies, TOTP secrets,
//! recovery codes, and the one that seals the token signing keys. Access tokens are signed apart from
//! it: with `JWT_SECRET` (HS256) when set, else with Ed25519 keys kept in the database and published as
//! a JWKS ([`KeyRing`]). So rotating the token keys (or `JWT_SECRET`) voids no code, cookie or factor.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use hmac::{Hmac, Mac};
use jsonwebtoken::{DecodingKey, EncodingKey};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::keyring::KeyRing;
use crate::settings::Settings;
use crate::store::DbPool;

/// How access tokens are signed.
#[derive(Clone)]
pub enum TokenKeys {
    /// `JWT_SECRET`: HS256 with a secret the product shares.
    Shared {
        encoding: EncodingKey,
        decoding: DecodingKey,
    },
    /// EdDSA with published keys: the product needs only `/.well-known/jwks.json`.
    Published(Arc<KeyRing>),
}

#[derive(Clone)]
pub struct Keys {
    pub tokens: TokenKeys,
    /// HMAC key for e-mailed codes.
    pub code_key: Vec<u8>,
    /// HMAC key that signs CAPTCHA challenges.
    pub captcha_key: Vec<u8>,
    /// HMAC key that signs device cookies.
    pub device_key: Vec<u8>,
    /// AEAD key that seals TOTP secrets at rest.
    pub totp_key: Vec<u8>,
    /// HMAC key of recovery codes and second-step tokens.
    pub recovery_key: Vec<u8>,
    /// AEAD key that seals the private halves of token signing keys.
    pub signing_seal_key: Vec<u8>,
    /// Encrypts and signs the forward-auth session cookie (64 bytes, as actix's cookie `Key` wants).
    pub session_cookie_key: Vec<u8>,
}

/// The key file in `DATA_DIR` when `SECRET_KEY` is unset.
pub const SECRET_KEY_FILE: &str = "secret.key";
/// Its name before access tokens got keys of their own; such a file is taken over as is, so that what
/// it sealed (TOTP secrets) still opens.
const LEGACY_KEY_FILE: &str = "jwt.key";

/// The server's secret key: `SECRET_KEY`, else the key file (made on first use).
pub fn master_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.secret_key {
        return Ok(secret.expose_secret().as_bytes().to_vec());
    }
    let path = settings.data_dir.join(SECRET_KEY_FILE);
    let legacy = settings.data_dir.join(LEGACY_KEY_FILE);
    if !path.exists() && legacy.exists() {
        std::fs::rename(&legacy, &path)
            .with_context(|| format!("renaming {} to {}", legacy.display(), path.display()))?;
        tracing::info!(path = %path.display(), "the key file is now named secret.key");
    }
    load_or_create_key_file(&path)
}

impl Keys {
    /// The keys of a server: the derived ones, and the token keys (opening the key ring, which makes
    /// the first signing key, when there is no `JWT_SECRET`).
    pub fn load(settings: &Settings, pool: &DbPool) -> anyhow::Result<Self> {
        let master = master_secret(settings)?;
        let derived = Derived::from_master(&master);
        let tokens = match &settings.jwt_secret {
            Some(secret) => shared(secret.expose_secret().as_bytes()),
            None => TokenKeys::Published(Arc::new(KeyRing::open(
                pool.clone(),
                derived.signing_seal_key.clone(),
                settings.access_token_ttl,
            )?)),
        };
        Ok(derived.with_tokens(tokens))
    }

    /// Keys for unit tests: HS256 tokens, internal keys derived from `master`.
    #[cfg(test)]
    pub(crate) fn for_tests(master: &[u8]) -> Self {
        Derived::from_master(master).with_tokens(shared(master))
    }
}

/// The key that seals the token signing keys (for `otp-portal keys rotate`).
pub fn signing_seal_key(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    Ok(Derived::from_master(&master_secret(settings)?).signing_seal_key)
}

fn shared(secret: &[u8]) -> TokenKeys {
    TokenKeys::Shared {
        encoding: EncodingKey::from_secret(secret),
        decoding: DecodingKey::from_secret(secret),
    }
}

/// Every key derived from the secret key.
struct Derived {
    code_key: Vec<u8>,
    captcha_key: Vec<u8>,
    device_key: Vec<u8>,
    totp_key: Vec<u8>,
    recovery_key: Vec<u8>,
    signing_seal_key: Vec<u8>,
    session_cookie_key: Vec<u8>,
}

impl Derived {
    fn from_master(master: &[u8]) -> Self {
        Self {
            code_key: derive(master, "otp-portal email code v1"),
            captcha_key: derive(master, "otp-portal captcha v1"),
            device_key: derive(master, "otp-portal device cookie v1"),
            totp_key: derive(master, "otp-portal totp secret v1"),
            recovery_key: derive(master, "otp-portal recovery code v1"),
            signing_seal_key: derive(master, "otp-portal signing key seal v1"),
            session_cookie_key: [
                derive(master, "otp-portal session cookie v1 a"),
                derive(master, "otp-portal session cookie v1 b"),
            ]
            .concat(),
        }
    }

    fn with_tokens(self, tokens: TokenKeys) -> Keys {
        Keys {
            tokens,
            code_key: self.code_key,
            captcha_key: self.captcha_key,
            device_key: self.device_key,
            totp_key: self.totp_key,
            recovery_key: self.recovery_key,
            signing_seal_key: self.signing_seal_key,
            session_cookie_key: self.session_cookie_key,
        }
    }
}

fn derive(master: &[u8], label: &str) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(master)
        .unwrap_or_else(|_| unreachable!("any key length"));
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// 64 random bytes, hex-encoded, readable only by the owner.
fn load_or_create_key_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the key file {}", path.display()))?;
        let key = hex::decode(text.trim())
            .with_context(|| format!("the key file {} is not hex", path.display()))?;
        anyhow::ensure!(
            key.len() >= 32,
            "the key file {} holds fewer than 32 bytes",
            path.display()
        );
        return Ok(key);
    }
    if let Some(dir) = path.parent() {
        crate::private_files::create_dir_all(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut key = [0u8; 64];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating the key file {}", path.display()))?;
    file.write_all(hex::encode(key).as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing the key file {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new signing key");
    Ok(key.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_key_file_is_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/jwt.key");
        let first = load_or_create_key_file(&path).unwrap();
        let second = load_or_create_key_file(&path).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.path().join("sub")), 0o700, "the folder it made");
        }
    }

    #[test]
    fn the_code_key_differs_from_the_master_key() {
        let keys = Keys::for_tests(b"0123456789abcdef0123456789abcdef");
        assert_ne!(keys.code_key, b"0123456789abcdef0123456789abcdef".to_vec());
        assert_eq!(keys.code_key.len(), 32);
    }

    #[test]
    fn a_key_file_of_the_former_name_is_taken_over_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let legacy = dir.path().join("jwt.key");
        std::fs::write(&legacy, hex::encode([7u8; 64])).unwrap();
        let data_dir = dir.path().display().to_string();
        let settings =
            Settings::from_lookup(|k| (k == "DATA_DIR").then(|| data_dir.clone())).unwrap();
        assert_eq!(master_secret(&settings).unwrap(), vec![7u8; 64]);
        assert!(!legacy.exists());
        assert!(dir.path().join(SECRET_KEY_FILE).exists());
        assert_eq!(
            master_secret(&settings).unwrap(),
            vec![7u8; 64],
            "read again"
        );
    }

    #[test]
    fn secret_key_wins_over_the_file_and_only_it_feeds_the_internal_keys() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().display().to_string();
        let with = |jwt: &str| {
            let data_dir = data_dir.clone();
            let jwt = jwt.to_owned();
            Settings::from_lookup(move |k| match k {
                "DATA_DIR" => Some(data_dir.clone()),
                "SECRET_KEY" => Some("s".repeat(40)),
                "JWT_SECRET" => Some(jwt.clone()),
                _ => None,
            })
            .unwrap()
        };
        let a = Derived::from_master(&master_secret(&with(&"a".repeat(32))).unwrap());
        let b = Derived::from_master(&master_secret(&with(&"b".repeat(32))).unwrap());
        assert_eq!(a.code_key, b.code_key);
        assert_eq!(a.totp_key, b.totp_key);
        assert!(
            !dir.path().join(SECRET_KEY_FILE).exists(),
            "no file with SECRET_KEY"
        );
    }
}
