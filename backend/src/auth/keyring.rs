//! The Ed25519 keys that sign access tokens when no `JWT_SECRET` is set. They live in the database (so
//! every instance on it signs and verifies alike), private halves sealed under the server's secret key.
//! Each instance keeps them in memory and reloads them at least every [`REFRESH`], and at once when a
//! token names a key it does not know yet (another instance rotated), at most once per [`MISS_RELOAD`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::TimeDelta;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{DecodingKey, EncodingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::totp;
use crate::store::signing_keys::{self, SigningKeyRow};
use crate::store::{self, Conn, DbPool, Timestamp};

/// How stale the keys in memory may get: a rotation on another instance signs here within this.
pub const REFRESH: Duration = Duration::from_secs(60);
/// The least time between two reloads caused by an unknown `kid` (garbage tokens cannot hammer the
/// database).
const MISS_RELOAD: Duration = Duration::from_secs(1);
const ALGORITHM: &str = "EdDSA";

/// The key that signs now.
#[derive(Clone)]
pub struct Signer {
    pub kid: String,
    pub key: EncodingKey,
}

struct Loaded {
    at: Instant,
    signer: Option<Signer>,
    verifiers: HashMap<String, DecodingKey>,
    jwks: Value,
}

pub struct KeyRing {
    pool: DbPool,
    seal_key: Vec<u8>,
    /// Tokens live this long: a retired key stays published for that, plus [`REFRESH`] (instances
    /// that had not yet seen the rotation kept signing with it) and a minute of clock leeway.
    token_ttl: Duration,
    loaded: RwLock<Arc<Loaded>>,
    /// When a token with an unknown `kid` last made us reload.
    last_miss_reload: Mutex<Option<Instant>>,
    /// Whether a caller is reloading the keys right now.
    reloading: AtomicBool,
}

impl KeyRing {
    /// Loads the keys, making the first one if none signs yet.
    pub fn open(pool: DbPool, seal_key: Vec<u8>, token_ttl: Duration) -> anyhow::Result<Self> {
        {
            let mut conn = pool.get()?;
            store::write(&mut conn, |conn| -> anyhow::Result<()> {
                if !signing_keys::any_active(conn)? {
                    let kid = insert_new_key(conn, &seal_key, crate::services::now())?;
                    tracing::info!(%kid, "made the first token signing key");
                }
                Ok(())
            })?;
        }
        let loaded = load(&mut *pool.get()?, &seal_key, token_ttl)?;
        Ok(Self {
            pool,
            seal_key,
            token_ttl,
            loaded: RwLock::new(Arc::new(loaded)),
            last_miss_reload: Mutex::new(None),
            reloading: AtomicBool::new(false),
        })
    }

    fn current(&self) -> Arc<Loaded> {
        self.loaded
            .read()
            .map(|l| l.clone())
            .unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    fn reload(&self) -> anyhow::Result<Arc<Loaded>> {
        let fresh = Arc::new(load(
            &mut *self.pool.get()?,
            &self.seal_key,
            self.token_ttl,
        )?);
        match self.loaded.write() {
            Ok(mut slot) => *slot = fresh.clone(),
            Err(poisoned) => *poisoned.into_inner() = fresh.clone(),
        }
        Ok(fresh)
    }

    /// The keys, reloaded when older than [`REFRESH`]. One caller reloads and the others go on with the
    /// keys they have meanwhile: each caller holds a connection already, and all of them asking the
    /// pool for a second at once (as every request signing a token did, once a minute) emptied it and
    /// left them waiting out its timeout. A failed reload keeps the keys: the publication windows allow
    /// for a ring that is late.
    fn fresh(&self) -> anyhow::Result<Arc<Loaded>> {
        let current = self.current();
        if current.at.elapsed() < REFRESH || self.reloading.swap(true, Ordering::AcqRel) {
            return Ok(current);
        }
        let reloaded = self.reload();
        self.reloading.store(false, Ordering::Release);
        Ok(reloaded.unwrap_or_else(|e| {
            tracing::warn!(
                error = format!("{e:#}"),
                "cannot reload the token signing keys; keeping them"
            );
            current
        }))
    }

    pub fn signer(&self) -> anyhow::Result<Signer> {
        self.fresh()?.signer.clone().ok_or_else(|| {
            anyhow::anyhow!("no token signing key is active: run `otp-portal keys rotate`")
        })
    }

    /// The public key `kid` names, if it is published.
    pub fn verifier(&self, kid: &str) -> Option<DecodingKey> {
        let current = self.fresh().ok()?;
        if let Some(key) = current.verifiers.get(kid) {
            return Some(key.clone());
        }
        {
            let mut last = self
                .last_miss_reload
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if last.is_some_and(|at| at.elapsed() < MISS_RELOAD) {
                return None;
            }
            *last = Some(Instant::now());
        }
        self.reload().ok()?.verifiers.get(kid).cloned()
    }

    /// `{"keys": [...]}`: the published public keys as JWKs.
    pub fn jwks(&self) -> anyhow::Result<Value> {
        Ok(self.fresh()?.jwks.clone())
    }
}

/// How long after its retirement a key stays published.
fn publish_after_retirement(token_ttl: Duration) -> TimeDelta {
    TimeDelta::from_std(token_ttl + REFRESH + Duration::from_secs(60)).unwrap_or(TimeDelta::MAX)
}

fn load(conn: &mut Conn, seal_key: &[u8], token_ttl: Duration) -> anyhow::Result<Loaded> {
    let now = crate::services::now();
    let rows = signing_keys::published(conn, now - publish_after_retirement(token_ttl))?;
    let mut verifiers = HashMap::new();
    let mut jwks = Vec::new();
    let mut signer = None;
    for row in &rows {
        verifiers.insert(
            row.kid.clone(),
            DecodingKey::from_ed_components(&row.public_key)?,
        );
        jwks.push(jwk(&row.kid, &row.public_key));
        if signer.is_none() && row.retired_at.is_none() {
            let der = totp::open(seal_key, &row.kid, &row.private_key_sealed)?;
            signer = Some(Signer {
                kid: row.kid.clone(),
                key: EncodingKey::from_ed_der(&der),
            });
        }
    }
    Ok(Loaded {
        at: Instant::now(),
        signer,
        verifiers,
        jwks: json!({ "keys": jwks }),
    })
}

fn jwk(kid: &str, x: &str) -> Value {
    json!({ "kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": ALGORITHM, "use": "sig" })
}

/// The RFC 7638 thumbprint of an Ed25519 public key: a `kid` that names the key itself.
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

fn insert_new_key(conn: &mut Conn, seal_key: &[u8], now: Timestamp) -> anyhow::Result<String> {
    let signing = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let der = signing
        .to_pkcs8_der()
        .map_err(|e| anyhow::anyhow!("encoding a new signing key: {e}"))?;
    let x = URL_SAFE_NO_PAD.encode(signing.verifying_key().to_bytes());
    let kid = thumbprint(&x);
    signing_keys::insert(
        conn,
        &SigningKeyRow {
            kid: kid.clone(),
            algorithm: ALGORITHM.to_owned(),
            private_key_sealed: totp::seal(seal_key, &kid, der.as_bytes())?,
            public_key: x,
            created_at: now,
            retired_at: None,
        },
    )?;
    Ok(kid)
}

/// `otp-portal keys rotate`: a new key signs from now on (on every instance within [`REFRESH`]); the
/// keys it replaces stay published until every token they signed has expired. Returns the new `kid`.
pub fn rotate(conn: &mut Conn, seal_key: &[u8], now: Timestamp) -> anyhow::Result<String> {
    store::write(conn, |conn| -> anyhow::Result<String> {
        signing_keys::retire_all(conn, now)?;
        insert_new_key(conn, seal_key, now)
    })
}

/// Forgets keys no longer published (maintenance).
pub fn purge(conn: &mut Conn, token_ttl: Duration, now: Timestamp) -> diesel::QueryResult<usize> {
    signing_keys::purge(conn, now - publish_after_retirement(token_ttl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kid_is_the_rfc_7638_thumbprint() {
        // RFC 8037, appendix A.3: the thumbprint of its example Ed25519 key.
        assert_eq!(
            thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }
}
