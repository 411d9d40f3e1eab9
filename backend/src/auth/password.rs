//! argon2id password hashing with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane).

use anyhow::anyhow;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A PHC string with a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("hashing a password: {e}"))
}

/// Verifies against a stored PHC string; a malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2()
        .map(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// A hash of a random password, verified against when the login names nobody, so that an unknown login
/// costs the same time as a wrong password.
#[derive(Clone)]
pub struct DecoyHash(String);

impl DecoyHash {
    pub fn new() -> anyhow::Result<Self> {
        let random: [u8; 16] = rand::random();
        hash(&hex::encode(random)).map(Self)
    }

    pub fn burn(&self, password: &str) {
        let _ = verify(password, &self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password_and_is_salted() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert_ne!(a, b, "two hashes of one password share a salt");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(verify("correct horse", &a));
        assert!(!verify("correct horsE", &a));
        assert!(!verify("correct horse", "not a phc string"));
    }
}
