//! Access tokens (short-lived JWTs naming a session: HS256 or EdDSA, see `keys`) and refresh tokens (opaque, random, stored
//! only as a SHA-256 hash).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::keys::{Keys, TokenKeys};

const ISSUER: &str = "otp-portal";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    /// The user id.
    pub sub: String,
    /// The session id: the token stops working the moment this session is revoked.
    pub sid: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

pub fn issue_access(
    keys: &Keys,
    user_id: &str,
    session_id: &str,
    ttl: Duration,
) -> anyhow::Result<String> {
    let now = Utc::now().timestamp();
    let claims = AccessClaims {
        sub: user_id.to_owned(),
        sid: session_id.to_owned(),
        iss: ISSUER.to_owned(),
        iat: now,
        exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
    };
    Ok(match &keys.tokens {
        TokenKeys::Shared { encoding, .. } => {
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, encoding)?
        }
        TokenKeys::Published(ring) => {
            let signer = ring.signer()?;
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some(signer.kid);
            jsonwebtoken::encode(&header, &claims, &signer.key)?
        }
    })
}

/// Checks signature, algorithm (only the one configured: HS256 with `JWT_SECRET`, else EdDSA with a
/// published key the header's `kid` names; no `none`, no key confusion), issuer and expiry.
pub fn decode_access(keys: &Keys, token: &str) -> Option<AccessClaims> {
    let (algorithm, key) = match &keys.tokens {
        TokenKeys::Shared { decoding, .. } => (Algorithm::HS256, decoding.clone()),
        TokenKeys::Published(ring) => {
            let kid = jsonwebtoken::decode_header(token).ok()?.kid?;
            (Algorithm::EdDSA, ring.verifier(&kid)?)
        }
    };
    let mut validation = Validation::new(algorithm);
    validation.set_issuer(&[ISSUER]);
    validation.set_required_spec_claims(&["exp", "sub", "iss"]);
    validation.leeway = 5;
    jsonwebtoken::decode::<AccessClaims>(token, &key, &validation)
        .ok()
        .map(|data| data.claims)
}

/// A new opaque token (256 random bits, base64url) and the hash to store for it: refresh tokens,
/// registration tokens.
pub fn new_opaque_token() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_opaque_token(&token);
    (token, hash)
}

/// A plain hash suffices: the token is 256 random bits, so there is nothing to brute-force.
pub fn hash_opaque_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn new_refresh_token() -> (String, String) {
    new_opaque_token()
}

pub fn hash_refresh_token(token: &str) -> String {
    hash_opaque_token(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &[u8]) -> Keys {
        Keys::for_tests(secret)
    }

    #[test]
    fn an_access_token_round_trips_and_names_its_session() {
        let k = keys(b"0123456789abcdef0123456789abcdef");
        let token = issue_access(&k, "user-1", "session-1", Duration::from_secs(60)).unwrap();
        let claims = decode_access(&k, &token).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.sid.as_str()),
            ("user-1", "session-1")
        );
    }

    #[test]
    fn a_token_signed_with_another_key_or_expired_is_refused() {
        let k = keys(b"0123456789abcdef0123456789abcdef");
        let other = keys(b"fedcba9876543210fedcba9876543210");
        let token = issue_access(&other, "u", "s", Duration::from_secs(60)).unwrap();
        assert!(decode_access(&k, &token).is_none());

        let past = AccessClaims {
            sub: "u".into(),
            sid: "s".into(),
            iss: ISSUER.into(),
            iat: 0,
            exp: Utc::now().timestamp() - 60,
        };
        let encoding = jsonwebtoken::EncodingKey::from_secret(b"0123456789abcdef0123456789abcdef");
        let expired = jsonwebtoken::encode(&Header::default(), &past, &encoding).unwrap();
        assert!(decode_access(&k, &expired).is_none());
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let k = keys(b"0123456789abcdef0123456789abcdef");
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let exp = Utc::now().timestamp() + 600;
        let body = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"sub":"u","sid":"s","iss":"otp-portal","iat":0,"exp":{exp}}}"#
        ));
        assert!(decode_access(&k, &format!("{header}.{body}.")).is_none());
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let (a, hash_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a), hash_a);
        assert!(!hash_a.contains(&a));
    }
}
