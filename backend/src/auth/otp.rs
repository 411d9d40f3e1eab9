//! One-time e-mailed codes: drawn from the OS CSPRNG, stored only as an HMAC-SHA-256 under a server key,
//! compared in constant time.

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
