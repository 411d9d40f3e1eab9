//! The authenticator-app second factor: RFC 6238 TOTP (SHA-1, 6 digits, 30-second steps, one step of
//! drift either way) with `totp-rs`, secrets sealed at rest with XChaCha20-Poly1305 under a key derived
//! from the server key (a stolen database alone gives no secret), the `otpauth://` URI and its QR code
//! made on the server, and recovery codes kept only as keyed hashes.

use anyhow::anyhow;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

pub const DIGITS: usize = 6;
pub const STEP_SECONDS: u64 = 30;
/// Steps of drift accepted either way.
const SKEW: u64 = 1;
/// 160 bits, as RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
pub const RECOVERY_CODES: usize = 10;
/// What must not appear as itself in either half of the label `ISSUER:ACCOUNT`.
const LABEL_RESERVED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b':')
    .add(b'/')
    .add(b'?')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'"')
    .add(b'<')
    .add(b'>');

/// Lower-case letters and digits without the ones that are easy to misread (0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

pub fn new_secret() -> Vec<u8> {
    rand::random::<[u8; SECRET_BYTES]>().to_vec()
}

fn totp(secret: &[u8]) -> anyhow::Result<TOTP> {
    TOTP::new(Algorithm::SHA1, DIGITS, 0, STEP_SECONDS, secret.to_vec())
        .map_err(|e| anyhow!("a TOTP secret the library refuses: {e}"))
}

/// The secret as the apps take it typed in: base32 without padding.
pub fn base32(secret: &[u8]) -> anyhow::Result<String> {
    Ok(totp(secret)?.get_secret_base32())
}

/// The secret a person typed or scanned back into bytes (base32, any case, spaces ignored).
pub fn decode_base32(typed: &str) -> Option<Vec<u8>> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    totp_rs::Secret::Encoded(compact).to_bytes().ok()
}

/// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…`, the format every authenticator app reads.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> anyhow::Result<String> {
    // Issuer and account are encoded apart so that the colon between them stays the separator.
    let part = |s: &str| percent_encoding::utf8_percent_encode(s, LABEL_RESERVED).to_string();
    let mut uri = url::Url::parse("otpauth://totp/")?;
    uri.set_path(&format!("{}:{}", part(issuer), part(account)));
    uri.query_pairs_mut()
        .append_pair("secret", &base32(secret)?)
        .append_pair("issuer", issuer)
        .append_pair("algorithm", "SHA1")
        .append_pair("digits", &DIGITS.to_string())
        .append_pair("period", &STEP_SECONDS.to_string());
    Ok(uri.to_string())
}

/// The URI as an SVG QR code.
pub fn qr_svg(uri: &str) -> anyhow::Result<String> {
    let code =
        qrcode::QrCode::new(uri.as_bytes()).map_err(|e| anyhow!("making the QR code: {e}"))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build())
}

/// The time step `code` belongs to, if it is the code of the step of `unix_time` or of one step either
/// side; compared in constant time.
pub fn matching_step(secret: &[u8], code: &str, unix_time: u64) -> anyhow::Result<Option<u64>> {
    let totp = totp(secret)?;
    let current = unix_time / STEP_SECONDS;
    let mut found = None;
    for step in current.saturating_sub(SKEW)..=current + SKEW {
        let expected = totp.generate(step * STEP_SECONDS);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
            found = Some(step);
        }
    }
    Ok(found)
}

/// The code of the step of `unix_time` (tests and the command line compute codes with it).
pub fn code_at(secret: &[u8], unix_time: u64) -> anyhow::Result<String> {
    Ok(totp(secret)?.generate(unix_time))
}

/// Seals `secret` for `user_id` (the id is authenticated, so a sealed secret moved to another account
/// does not open): base64 of nonce ‖ ciphertext.
pub fn seal(key: &[u8], user_id: &str, secret: &[u8]) -> anyhow::Result<String> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| anyhow!("TOTP key length"))?;
    let nonce_bytes: [u8; 24] = rand::random();
    let nonce = XNonce::from_slice(&nonce_bytes);
    let sealed = cipher
        .encrypt(
            nonce,
            Payload {
                msg: secret,
                aad: user_id.as_bytes(),
            },
        )
        .map_err(|_| anyhow!("sealing a TOTP secret"))?;
    let mut out = nonce_bytes.to_vec();
    out.extend(sealed);
    Ok(STANDARD_NO_PAD.encode(out))
}

pub fn open(key: &[u8], user_id: &str, stored: &str) -> anyhow::Result<Vec<u8>> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| anyhow!("TOTP key length"))?;
    let bytes = STANDARD_NO_PAD.decode(stored)?;
    anyhow::ensure!(bytes.len() > 24, "a sealed TOTP secret too short");
    let (nonce, sealed) = bytes.split_at(24);
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: user_id.as_bytes(),
            },
        )
        .map_err(|_| anyhow!("a TOTP secret that does not open with this server's key"))
}

/// Ten new recovery codes as shown to the person (`xxxxx-xxxxx`).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: String = (0..10)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// The keyed hash a recovery code is kept as, of its compact lower-case form (no dash). About 49 random
/// bits under a server key: nothing to brute-force from the database alone.
pub fn recovery_hash(key: &[u8], user_id: &str, compact: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    for part in [user_id, compact] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 seed and the expected 8-digit values, and their last six digits.
    const RFC_SEED: &[u8] = b"12345678901234567890";
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn the_rfc_6238_test_vectors_hold() {
        let eight = TOTP::new(Algorithm::SHA1, 8, 0, 30, RFC_SEED.to_vec()).unwrap();
        for (time, expected) in RFC_VECTORS {
            assert_eq!(eight.generate(time), expected, "T = {time}");
            assert_eq!(
                code_at(RFC_SEED, time).unwrap(),
                expected[2..],
                "T = {time}"
            );
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_no_further() {
        let t = 1_234_567_890;
        let code = code_at(RFC_SEED, t).unwrap();
        let step = t / STEP_SECONDS;
        assert_eq!(matching_step(RFC_SEED, &code, t).unwrap(), Some(step));
        assert_eq!(matching_step(RFC_SEED, &code, t + 30).unwrap(), Some(step));
        assert_eq!(matching_step(RFC_SEED, &code, t - 30).unwrap(), Some(step));
        assert_eq!(matching_step(RFC_SEED, &code, t + 90).unwrap(), None);
        assert_eq!(matching_step(RFC_SEED, "000000", t).unwrap(), None);
    }

    #[test]
    fn a_sealed_secret_opens_only_for_its_account_and_key() {
        let key = [7u8; 32];
        let sealed = seal(&key, "user-1", RFC_SEED).unwrap();
        assert!(!sealed.contains("12345678901234567890"));
        assert_eq!(open(&key, "user-1", &sealed).unwrap(), RFC_SEED);
        assert!(open(&key, "user-2", &sealed).is_err());
        assert!(open(&[8u8; 32], "user-1", &sealed).is_err());
        assert_ne!(
            seal(&key, "user-1", RFC_SEED).unwrap(),
            sealed,
            "fresh nonce each time"
        );
    }

    #[test]
    fn the_uri_names_issuer_and_account_and_the_qr_is_svg() {
        let uri = otpauth_uri("OTP Portal", "alice@example.com", RFC_SEED).unwrap();
        assert!(
            uri.starts_with("otpauth://totp/OTP%20Portal:alice@example.com?"),
            "{uri}"
        );
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{uri}"
        );
        assert!(uri.contains("issuer=OTP+Portal"), "{uri}");
        assert_eq!(
            decode_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap(),
            RFC_SEED
        );
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_readable_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 11);
            assert_eq!(&code[5..6], "-");
            assert!(code
                .chars()
                .all(|c| c == '-' || RECOVERY_ALPHABET.contains(&(c as u8))));
        }
        assert_ne!(
            recovery_hash(b"k", "u1", "abc"),
            recovery_hash(b"k", "u2", "abc")
        );
    }
}
