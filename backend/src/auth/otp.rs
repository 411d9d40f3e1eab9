//! One-time e-mailed codes: drawn from the OS CSPRNG, stored only as an HMAC-SHA-256 under a server key,
//! compared in constant time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use shared::domain::OtpCode;
use subtle::ConstantTimeEq;

use crate::store::codes::Purpose;

type HmacSha256 = Hmac<Sha256>;

pub fn generate() -> OtpCode {
    let n: u32 = rand::rngs::OsRng.gen_range(0..1_000_000);
    // Six digits with leading zeros always parse as a code.
    OtpCode::parse(&format!("{n:06}")).unwrap_or_else(|_| unreachable!("six digits"))
}

/// The purpose and the binding (the address, and the registration a code is for) are hashed with the code,
/// so a code stolen from one row verifies nowhere else.
pub fn hash(key: &[u8], purpose: Purpose, binding: &str, code: &OtpCode) -> String {
    hex::encode(mac(key, purpose, binding, code).finalize().into_bytes())
}

pub fn matches(
    key: &[u8],
    purpose: Purpose,
    binding: &str,
    code: &OtpCode,
    stored_hex: &str,
) -> bool {
    let Ok(stored) = hex::decode(stored_hex) else {
        return false;
    };
    let computed = mac(key, purpose, binding, code).finalize().into_bytes();
    computed.as_slice().ct_eq(&stored).into()
}

/// The token the mailed link carries beside the code: 128 bits of a MAC over the code and its binding
/// under the server key. Only the mail has it, so it proves the mailbox where a 6-digit code alone could
/// have been guessed; nothing needs storing, as it is recomputed from the code presented.
pub fn link_token(key: &[u8], purpose: Purpose, binding: &str, code: &OtpCode) -> String {
    let mut mac = mac(key, purpose, binding, code);
    mac.update(b"mailed link");
    let digest = mac.finalize().into_bytes();
    URL_SAFE_NO_PAD.encode(&digest[..16])
}

/// Whether `presented` is the link token of `code`, compared in constant time.
pub fn link_token_matches(
    key: &[u8],
    purpose: Purpose,
    binding: &str,
    code: &OtpCode,
    presented: &str,
) -> bool {
    let expected = link_token(key, purpose, binding, code);
    expected.as_bytes().ct_eq(presented.as_bytes()).into()
}

fn mac(key: &[u8], purpose: Purpose, binding: &str, code: &OtpCode) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("any key length"));
    for part in [purpose.as_str(), binding, code.expose()] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_link_token_belongs_to_one_code_binding_and_key() {
        let code = OtpCode::parse("042917").unwrap();
        let other = OtpCode::parse("042918").unwrap();
        let token = link_token(KEY, Purpose::VerifyEmail, "a@example.com\nr1", &code);
        assert_eq!(token.len(), 22, "128 bits in base64url");
        let check = |key: &[u8], purpose, binding: &str, code: &OtpCode| {
            link_token_matches(key, purpose, binding, code, &token)
        };
        assert!(check(KEY, Purpose::VerifyEmail, "a@example.com\nr1", &code));
        assert!(!check(
            KEY,
            Purpose::VerifyEmail,
            "a@example.com\nr1",
            &other
        ));
        assert!(!check(
            KEY,
            Purpose::VerifyEmail,
            "a@example.com\nr2",
            &code
        ));
        assert!(!check(
            KEY,
            Purpose::PasswordReset,
            "a@example.com\nr1",
            &code
        ));
        assert!(!check(
            b"another key of thirty-two bytes!",
            Purpose::VerifyEmail,
            "a@example.com\nr1",
            &code
        ));
        assert_ne!(
            token,
            hash(KEY, Purpose::VerifyEmail, "a@example.com\nr1", &code)
        );
    }

    #[test]
    fn generated_codes_are_six_digits_and_vary() {
        let codes: std::collections::HashSet<String> =
            (0..50).map(|_| generate().expose().to_owned()).collect();
        assert!(codes
            .iter()
            .all(|c| c.len() == 6 && c.chars().all(|d| d.is_ascii_digit())));
        assert!(
            codes.len() > 40,
            "50 draws gave only {} distinct codes",
            codes.len()
        );
    }

    #[test]
    fn a_hash_matches_only_the_same_code_address_purpose_and_key() {
        let code = OtpCode::parse("123456").unwrap();
        let other = OtpCode::parse("123457").unwrap();
        let stored = hash(KEY, Purpose::VerifyEmail, "a@example.com", &code);
        assert!(!stored.contains("123456"));
        assert!(matches(
            KEY,
            Purpose::VerifyEmail,
            "a@example.com",
            &code,
            &stored
        ));
        assert!(!matches(
            KEY,
            Purpose::VerifyEmail,
            "a@example.com",
            &other,
            &stored
        ));
        assert!(!matches(
            KEY,
            Purpose::VerifyEmail,
            "b@example.com",
            &code,
            &stored
        ));
        assert!(!matches(
            KEY,
            Purpose::PasswordReset,
            "a@example.com",
            &code,
            &stored
        ));
        assert!(!matches(
            b"another key",
            Purpose::VerifyEmail,
            "a@example.com",
            &code,
            &stored
        ));
        assert!(!matches(
            KEY,
            Purpose::VerifyEmail,
            "a@example.com",
            &code,
            "zz"
        ));
    }
}
