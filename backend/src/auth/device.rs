//! Device cookies (OWASP's defence against online guessing that locks owners out): a client that signed
//! in to an account gets a token the server signed for that account. A login that presents it is paused
//! only by the failures of that device, never by the account-wide pause that strangers' failures cause,
//! so someone who only knows the username cannot keep the owner out of the devices they use.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The cookie's name; it lives on `/api/auth`, beside the refresh cookie.
pub const COOKIE: &str = "device";

/// The longest value looked at; a real one is 22 + 1 + 43 characters.
const MAX_LEN: usize = 128;

fn mac(key: &[u8], user_id: &str, nonce: &str) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    for part in [user_id, nonce] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    mac.finalize().into_bytes().to_vec()
}

/// A new device token for `user_id`: `NONCE.MAC`, both base64url.
pub fn issue(key: &[u8], user_id: &str) -> String {
    let nonce = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    let signature = URL_SAFE_NO_PAD.encode(mac(key, user_id, &nonce));
    format!("{nonce}.{signature}")
}

/// The device's nonce, if `value` is a device token this server made for `user_id`.
pub fn verify(key: &[u8], user_id: &str, value: &str) -> Option<String> {
    if value.len() > MAX_LEN {
        return None;
    }
    let (nonce, signature) = value.split_once('.')?;
    let presented = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let expected = mac(key, user_id, nonce);
    bool::from(expected.ct_eq(&presented)).then(|| nonce.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_device_token_is_good_for_its_account_and_key_only() {
        let token = issue(KEY, "user-1");
        let nonce = verify(KEY, "user-1", &token).unwrap();
        assert!(token.starts_with(&nonce));
        assert_eq!(verify(KEY, "user-2", &token), None);
        assert_eq!(
            verify(b"another key, thirty-two bytes!!!", "user-1", &token),
            None
        );
        assert_eq!(verify(KEY, "user-1", &format!("{token}x")), None);
        assert_eq!(verify(KEY, "user-1", "no-dot"), None);
        assert_eq!(verify(KEY, "user-1", &"a.".repeat(100)), None);
        assert_ne!(
            issue(KEY, "user-1"),
            token,
            "each device gets its own nonce"
        );
    }
}
