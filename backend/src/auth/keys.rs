//! The server's secret keys: the JWT signing key from `JWT_SECRET` or from a key file generated on first
//! start, and subkeys derived from it for other uses.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use hmac::{Hmac, Mac};
use jsonwebtoken::{DecodingKey, EncodingKey};
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::settings::Settings;

#[derive(Clone)]
pub struct Keys {
    pub jwt_encoding: EncodingKey,
    pub jwt_decoding: DecodingKey,
    /// HMAC key for e-mailed codes, derived so that it never equals the JWT key.
    pub code_key: Vec<u8>,
    /// HMAC key that signs CAPTCHA challenges.
    pub captcha_key: Vec<u8>,
    /// HMAC key that signs device cookies.
    pub device_key: Vec<u8>,
    /// AEAD key that seals TOTP secrets at rest.
    pub totp_key: Vec<u8>,
    /// HMAC key of recovery codes and second-step tokens.
    pub recovery_key: Vec<u8>,
}

impl Keys {
    pub fn load(settings: &Settings) -> anyhow::Result<Self> {
        let master = match &settings.jwt_secret {
            Some(secret) => secret.expose_secret().as_bytes().to_vec(),
            None => load_or_create_key_file(&settings.data_dir.join("jwt.key"))?,
        };
        Ok(Self::from_master(&master))
    }

    fn from_master(master: &[u8]) -> Self {
        Self {
            jwt_encoding: EncodingKey::from_secret(master),
            jwt_decoding: DecodingKey::from_secret(master),
            code_key: derive(master, "otp-portal email code v1"),
            captcha_key: derive(master, "otp-portal captcha v1"),
            device_key: derive(master, "otp-portal device cookie v1"),
            totp_key: derive(master, "otp-portal totp secret v1"),
            recovery_key: derive(master, "otp-portal recovery code v1"),
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
        let keys = Keys::from_master(b"0123456789abcdef0123456789abcdef");
        assert_ne!(keys.code_key, b"0123456789abcdef0123456789abcdef".to_vec());
        assert_eq!(keys.code_key.len(), 32);
    }
}
