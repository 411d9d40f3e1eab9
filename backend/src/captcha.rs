//! A self-hosted proof-of-work CAPTCHA in the manner of ALTCHA: the server signs a hash of a random salt and
//! a secret number, the client finds the number by brute force, and the server checks the work, the
//! signature, the expiry, and that each solution is used only once. This is the server's half; the wire
//! format, the types and the solver are shared with the browser in [`shared::captcha`].

use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::Sha256;
use shared::captcha::proof_digest;
pub use shared::captcha::{Challenge, Malformed, Solution, ALGORITHM, HEADER_NAME};
use subtle::ConstantTimeEq;

type HmacSha256 = Hmac<Sha256>;

/// The largest secret number we draw (ALTCHA's `maxnumber`); the client tries on average half of it.
///
/// At 100 000 that is about 50 000 SHA-256 of a short string: a few hundred milliseconds in wasm on a
/// phone, about 20 ms natively. The work grows linearly: doubling it doubles both a bot's cost and a slow
/// phone's wait, so raise it only while a low-end phone still finishes in about a second.
pub const DEFAULT_DIFFICULTY: u64 = 100_000;

/// Default bound on solutions remembered for replay protection. Each entry is about 50 bytes, so this is
/// roughly 10 MB at worst; at a five-minute lifetime it allows about 650 solutions a second before the
/// store fills and new solutions get [`CaptchaError::Busy`].
pub const DEFAULT_MAX_SPENT: usize = 200_000;

/// Longer lifetimes only let a bot stockpile solutions ahead of a burst, so they are cut to this.
const MAX_TTL: Duration = Duration::from_secs(24 * 60 * 60);

const SALT_RANDOM_BYTES: usize = 16;

/// Why a solution was refused. Every variant but `Busy` means "fetch a new challenge and solve it".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CaptchaError {
    #[error("the CAPTCHA solution is malformed")]
    Malformed,
    #[error("the CAPTCHA uses an unsupported algorithm")]
    WrongAlgorithm,
    #[error("the CAPTCHA challenge was not issued by this server")]
    BadSignature,
    #[error("the CAPTCHA challenge has expired")]
    Expired,
    #[error("the CAPTCHA solution is wrong")]
    WrongNumber,
    #[error("the CAPTCHA solution has already been used")]
    Replayed,
    #[error("too many CAPTCHA solutions are in use; try again shortly")]
    Busy,
}

impl From<Malformed> for CaptchaError {
    fn from(_: Malformed) -> Self {
        Self::Malformed
    }
}

/// Issues and verifies challenges. Share one instance (e.g. in `web::Data`) across all workers: the
/// replay store lives inside it.
///
/// Replay protection here is per process; the routes also record each accepted solution in the database
/// ([`spent_key`], `store::captcha`), so several instances behind a load balancer accept it once in all.
pub struct Captcha {
    key: Vec<u8>,
    difficulty: u64,
    ttl: Duration,
    max_spent: usize,
    /// Spent solutions as `(expiry, challenge digest)`. The digest is the key; the expiry comes first so
    /// that expired entries sit at the front and pruning costs O(log n) per entry rather than a full scan
    /// under the lock on every insert. A challenge fixes its salt and so its expiry, so the pair is as
    /// unique as the challenge alone.
    spent: Mutex<BTreeSet<(DateTime<Utc>, [u8; 32])>>,
}

impl fmt::Debug for Captcha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Captcha")
            .field("key", &"[REDACTED]")
            .field("difficulty", &self.difficulty)
            .field("ttl", &self.ttl)
            .field("max_spent", &self.max_spent)
            .finish_non_exhaustive()
    }
}

impl Captcha {
    /// `key` should be a subkey used for nothing else. `difficulty` is the `maxnumber` of every challenge
    /// (see [`DEFAULT_DIFFICULTY`]). `ttl` is how long a challenge stays valid, in whole seconds, at most
    /// one day.
    pub fn new(key: &[u8], difficulty: u64, ttl: Duration) -> Self {
        Self {
            key: key.to_vec(),
            difficulty,
            ttl: ttl.min(MAX_TTL),
            max_spent: DEFAULT_MAX_SPENT,
            spent: Mutex::new(BTreeSet::new()),
        }
    }

    /// Changes the bound on remembered solutions (default [`DEFAULT_MAX_SPENT`]).
    pub fn with_max_spent(mut self, max_spent: usize) -> Self {
        self.max_spent = max_spent;
        self
    }

    pub fn challenge(&self, now: DateTime<Utc>) -> Challenge {
        let number = OsRng.gen_range(0..=self.difficulty);
        self.challenge_with_number(now, number)
    }

    fn challenge_with_number(&self, now: DateTime<Utc>, number: u64) -> Challenge {
        // The ttl is at most a day, so this only fails at the end of chrono's calendar; an already expired
        // challenge is then the harmless answer.
        let expires_at = now
            .timestamp()
            .checked_add_unsigned(self.ttl.as_secs())
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .unwrap_or(now);
        let mut random = [0u8; SALT_RANDOM_BYTES];
        OsRng.fill_bytes(&mut random);
        // The trailing `&` ends the salt before the number's digits begin, so digits cannot be moved
        // between the expiry and the number without changing the hashed text (ALTCHA's December 2025
        // "challenge splicing" advisory).
        let salt = format!(
            "{}?expires={}&",
            hex::encode(random),
            expires_at.timestamp()
        );
        let challenge = hex::encode(proof_digest(&salt, number));
        let signature = hex::encode(self.sign(&challenge));
        Challenge {
            algorithm: ALGORITHM.to_owned(),
            challenge,
            salt,
            maxnumber: self.difficulty,
            signature,
            expires_at,
        }
    }

    /// Accepts a solution once. The checks run in an order where each relies only on what the previous
    /// ones established: the expiry is read from the salt, but trusted only after the proof has tied the
    /// salt to the signed challenge.
    pub fn verify(&self, solution: &Solution, now: DateTime<Utc>) -> Result<(), CaptchaError> {
        if solution.algorithm != ALGORITHM {
            return Err(CaptchaError::WrongAlgorithm);
        }
        let challenge = decode_digest(&solution.challenge)?;
        let signature = decode_digest(&solution.signature)?;
        let expires_at = expiry_from_salt(&solution.salt)?;
        if !bool::from(self.sign(&solution.challenge).ct_eq(&signature)) {
            return Err(CaptchaError::BadSignature);
        }
        if !bool::from(proof_digest(&solution.salt, solution.number).ct_eq(&challenge)) {
            return Err(CaptchaError::WrongNumber);
        }
        if now >= expires_at {
            return Err(CaptchaError::Expired);
        }
        self.spend(challenge, expires_at, now)
    }

    fn spend(
        &self,
        challenge: [u8; 32],
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), CaptchaError> {
        // Nothing in the critical section can panic, so a poisoned lock still guards a consistent set.
        let mut spent = self.spent.lock().unwrap_or_else(PoisonError::into_inner);
        // An expired entry can go: its challenge now fails the expiry check before reaching this set.
        while spent.first().is_some_and(|(expiry, _)| *expiry <= now) {
            spent.pop_first();
        }
        if spent.contains(&(expires_at, challenge)) {
            return Err(CaptchaError::Replayed);
        }
        // Forgetting an unexpired entry would reopen it to replay, so a full store refuses instead.
        if spent.len() >= self.max_spent {
            return Err(CaptchaError::Busy);
        }
        spent.insert((expires_at, challenge));
        Ok(())
    }

    fn sign(&self, challenge_hex: &str) -> [u8; 32] {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("any key length"));
        mac.update(challenge_hex.as_bytes());
        mac.finalize().into_bytes().into()
    }

    #[cfg(test)]
    fn spent_len(&self) -> usize {
        self.spent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// What the shared record of used solutions keys a solution by: its challenge (hex) and its expiry.
/// Call it after [`Captcha::verify`] accepted the solution.
pub fn spent_key(solution: &Solution) -> Result<(String, DateTime<Utc>), CaptchaError> {
    let challenge = decode_digest(&solution.challenge)?;
    Ok((hex::encode(challenge), expiry_from_salt(&solution.salt)?))
}

/// A digest in the only spelling we issue (see [`shared::captcha::decode_digest`]).
fn decode_digest(text: &str) -> Result<[u8; 32], CaptchaError> {
    shared::captcha::decode_digest(text).ok_or(CaptchaError::Malformed)
}

/// Accepts exactly the salts we issue. The strictness matters for the trailing `&`: with it, the boundary
/// between salt and number in the hashed text is unambiguous (see `challenge_with_number`).
fn expiry_from_salt(salt: &str) -> Result<DateTime<Utc>, CaptchaError> {
    let (random, rest) = salt
        .split_once("?expires=")
        .ok_or(CaptchaError::Malformed)?;
    let seconds = rest.strip_suffix('&').ok_or(CaptchaError::Malformed)?;
    let random_ok = random.len() == SALT_RANDOM_BYTES * 2 && random.bytes().all(is_lower_hex);
    let seconds_ok = !seconds.is_empty() && seconds.bytes().all(|b| b.is_ascii_digit());
    if !random_ok || !seconds_ok {
        return Err(CaptchaError::Malformed);
    }
    let seconds: i64 = seconds.parse().map_err(|_| CaptchaError::Malformed)?;
    DateTime::from_timestamp(seconds, 0).ok_or(CaptchaError::Malformed)
}

fn is_lower_hex(byte: u8) -> bool {
    byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use base64::Engine as _;
    use rand::rngs::StdRng;
    use rand::SeedableRng;
    use shared::captcha::solve;

    use super::*;

    const KEY: &[u8] = b"captcha test key, 32 bytes long!";
    const TTL: Duration = Duration::from_secs(300);

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn captcha() -> Captcha {
        Captcha::new(KEY, 1000, TTL)
    }

    fn seconds(n: i64) -> chrono::TimeDelta {
        chrono::TimeDelta::seconds(n)
    }

    fn solved(captcha: &Captcha, now: DateTime<Utc>) -> Solution {
        solve(&captcha.challenge(now)).unwrap()
    }

    #[test]
    fn a_solved_challenge_is_accepted() {
        let captcha = captcha();
        let solution = solved(&captcha, t0());
        assert_eq!(captcha.verify(&solution, t0() + seconds(10)), Ok(()));
    }

    #[test]
    fn different_solutions_are_each_accepted() {
        let captcha = captcha();
        for _ in 0..20 {
            assert_eq!(captcha.verify(&solved(&captcha, t0()), t0()), Ok(()));
        }
        assert_eq!(captcha.spent_len(), 20);
    }

    #[test]
    fn a_challenge_carries_its_expiry_in_the_salt_and_serializes_as_altcha_does() {
        let challenge = captcha().challenge(t0());
        assert_eq!(challenge.expires_at, t0() + seconds(300));
        assert_eq!(expiry_from_salt(&challenge.salt), Ok(challenge.expires_at));
        assert!(challenge.salt.ends_with("?expires=1700000300&"));
        let json = serde_json::to_value(&challenge).unwrap();
        assert_eq!(json["algorithm"], "SHA-256");
        assert_eq!(json["maxnumber"], 1000);
        assert_eq!(json["expires_at"], "2023-11-14T22:18:20Z");
        for field in ["challenge", "salt", "signature"] {
            assert!(json[field].is_string(), "{field} missing");
        }
    }

    #[test]
    fn secret_numbers_stay_in_range_and_salts_never_repeat() {
        let captcha = Captcha::new(KEY, 10, TTL);
        let mut numbers = HashSet::new();
        let mut salts = HashSet::new();
        for _ in 0..200 {
            let challenge = captcha.challenge(t0());
            let solution = solve(&challenge).unwrap();
            assert!(solution.number <= 10);
            numbers.insert(solution.number);
            salts.insert(challenge.salt);
        }
        assert!(numbers.len() >= 8, "200 draws gave only {numbers:?}");
        assert_eq!(salts.len(), 200);
    }

    #[test]
    fn a_wrong_number_is_refused() {
        let captcha = captcha();
        let mut solution = solved(&captcha, t0());
        solution.number += 1;
        assert_eq!(
            captcha.verify(&solution, t0()),
            Err(CaptchaError::WrongNumber)
        );
        // A refused attempt does not spend the challenge.
        solution.number -= 1;
        assert_eq!(captcha.verify(&solution, t0()), Ok(()));
    }

    #[test]
    fn a_challenge_signed_with_another_key_is_refused() {
        let other = Captcha::new(b"another key", 1000, TTL);
        let solution = solved(&other, t0());
        assert_eq!(
            captcha().verify(&solution, t0()),
            Err(CaptchaError::BadSignature)
        );
    }

    #[test]
    fn an_extended_expiry_is_refused() {
        let captcha = captcha();
        let solution = solved(&captcha, t0());
        let later = t0() + seconds(3600);
        let salt = solution.salt.replace(
            &format!("?expires={}&", (t0() + seconds(300)).timestamp()),
            &format!("?expires={}&", (later + seconds(300)).timestamp()),
        );
        assert_ne!(salt, solution.salt);
        let mut tampered = Solution {
            salt,
            ..solution.clone()
        };
        // The signed challenge no longer matches the new salt…
        assert_eq!(
            captcha.verify(&tampered, later),
            Err(CaptchaError::WrongNumber)
        );
        // …and re-deriving the challenge from it breaks the signature.
        tampered.challenge = hex::encode(proof_digest(&tampered.salt, tampered.number));
        assert_eq!(
            captcha.verify(&tampered, later),
            Err(CaptchaError::BadSignature)
        );
        // A tampered signature is refused too.
        let mut forged = solution;
        forged.signature = hex::encode([0u8; 32]);
        assert_eq!(
            captcha.verify(&forged, t0()),
            Err(CaptchaError::BadSignature)
        );
    }

    #[test]
    fn digits_spliced_from_the_number_into_the_salt_are_refused() {
        // Without the trailing `&`, "…?expires=E" + "12345" and "…?expires=E1" + "2345" hash the same text,
        // so the signature and the proof would both hold for a far later expiry.
        let captcha = captcha();
        let challenge = captcha.challenge_with_number(t0(), 12345);
        let solution = solve(&Challenge {
            maxnumber: 20_000,
            ..challenge
        })
        .unwrap();
        assert_eq!(solution.number, 12345);
        let spliced = Solution {
            salt: format!("{}1", solution.salt),
            number: 2345,
            ..solution.clone()
        };
        assert_eq!(
            proof_digest(&spliced.salt, spliced.number),
            proof_digest(&solution.salt, solution.number)
        );
        assert_eq!(
            captcha.verify(&spliced, t0() + seconds(3600)),
            Err(CaptchaError::Malformed)
        );
    }

    #[test]
    fn another_algorithm_is_refused() {
        let captcha = captcha();
        let solution = Solution {
            algorithm: "SHA-1".into(),
            ..solved(&captcha, t0())
        };
        assert_eq!(
            captcha.verify(&solution, t0()),
            Err(CaptchaError::WrongAlgorithm)
        );
    }

    #[test]
    fn an_expired_challenge_is_refused() {
        let captcha = captcha();
        let solution = solved(&captcha, t0());
        assert_eq!(
            captcha.verify(&solution, t0() + seconds(300)),
            Err(CaptchaError::Expired)
        );
        assert_eq!(
            captcha.verify(&solution, t0() + seconds(86_400)),
            Err(CaptchaError::Expired)
        );
        assert_eq!(captcha.verify(&solution, t0() + seconds(299)), Ok(()));
    }

    #[test]
    fn a_lifetime_longer_than_a_day_is_cut_to_a_day() {
        let captcha = Captcha::new(KEY, 10, Duration::from_secs(30 * 86_400));
        assert_eq!(captcha.challenge(t0()).expires_at, t0() + seconds(86_400));
    }

    #[test]
    fn a_replayed_solution_is_refused() {
        let captcha = captcha();
        let solution = solved(&captcha, t0());
        assert_eq!(captcha.verify(&solution, t0()), Ok(()));
        assert_eq!(
            captcha.verify(&solution, t0() + seconds(1)),
            Err(CaptchaError::Replayed)
        );
        assert_eq!(
            captcha.verify(&solution, t0() + seconds(299)),
            Err(CaptchaError::Replayed)
        );
    }

    #[test]
    fn concurrent_submissions_of_one_solution_are_accepted_once() {
        let captcha = captcha();
        let solution = solved(&captcha, t0());
        let results: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| captcha.verify(&solution, t0())))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        assert_eq!(
            results
                .iter()
                .filter(|r| **r == Err(CaptchaError::Replayed))
                .count(),
            7
        );
    }

    #[test]
    fn spent_entries_are_dropped_once_their_challenge_expires() {
        let captcha = captcha();
        let first = solved(&captcha, t0());
        assert_eq!(captcha.verify(&first, t0()), Ok(()));
        assert_eq!(captcha.spent_len(), 1);

        let later = t0() + seconds(301);
        // Past its expiry the old solution is refused as expired, not by the replay store.
        assert_eq!(captcha.verify(&first, later), Err(CaptchaError::Expired));
        assert_eq!(captcha.verify(&solved(&captcha, later), later), Ok(()));
        assert_eq!(captcha.spent_len(), 1, "the expired entry was not pruned");
    }

    #[test]
    fn a_full_store_refuses_new_solutions_without_forgetting_spent_ones() {
        let captcha = captcha().with_max_spent(2);
        let a = solved(&captcha, t0());
        let b = solved(&captcha, t0());
        let c = solved(&captcha, t0() + seconds(60));
        assert_eq!(captcha.verify(&a, t0()), Ok(()));
        assert_eq!(captcha.verify(&b, t0()), Ok(()));
        assert_eq!(
            captcha.verify(&c, t0() + seconds(60)),
            Err(CaptchaError::Busy)
        );
        assert_eq!(
            captcha.verify(&a, t0() + seconds(60)),
            Err(CaptchaError::Replayed)
        );
        // Once a and b expire there is room again, and c, refused while busy, was never spent.
        assert_eq!(captcha.verify(&c, t0() + seconds(300)), Ok(()));
        assert_eq!(captcha.spent_len(), 1);
    }

    #[test]
    fn only_a_solution_that_passed_every_other_check_reaches_the_replay_store() {
        // A store with no room answers `Busy` to whatever reaches it, so each refusal below proves the
        // check ran first, and the store stays empty whatever a client sends.
        let captcha = captcha().with_max_spent(0);
        let valid = solved(&captcha, t0());
        let forged = Solution {
            signature: hex::encode([7u8; 32]),
            ..valid.clone()
        };
        let wrong_number = Solution {
            number: valid.number + 1,
            ..valid.clone()
        };
        let malformed = Solution {
            salt: "nonsense".into(),
            ..valid.clone()
        };
        let foreign = solved(&Captcha::new(b"another key", 1000, TTL), t0());
        for _ in 0..100 {
            assert_eq!(
                captcha.verify(&forged, t0()),
                Err(CaptchaError::BadSignature)
            );
            assert_eq!(
                captcha.verify(&foreign, t0()),
                Err(CaptchaError::BadSignature)
            );
            assert_eq!(
                captcha.verify(&wrong_number, t0()),
                Err(CaptchaError::WrongNumber)
            );
            assert_eq!(
                captcha.verify(&malformed, t0()),
                Err(CaptchaError::Malformed)
            );
            assert_eq!(
                captcha.verify(&valid, t0() + seconds(300)),
                Err(CaptchaError::Expired)
            );
        }
        assert_eq!(captcha.spent_len(), 0);
        assert_eq!(captcha.verify(&valid, t0()), Err(CaptchaError::Busy));
    }

    #[test]
    fn a_malformed_header_is_a_malformed_solution() {
        // The header's parsing and its cases live in `shared::captcha`; the server reports it as its own.
        let error = Solution::from_header_value("not base64!").unwrap_err();
        assert_eq!(CaptchaError::from(error), CaptchaError::Malformed);
        assert_eq!(
            error.to_string(),
            CaptchaError::Malformed.to_string(),
            "the client is told the same either way"
        );
    }

    #[test]
    fn malformed_fields_are_refused() {
        let captcha = captcha();
        let valid = solved(&captcha, t0());
        let upper = Solution {
            challenge: valid.challenge.to_uppercase(),
            ..valid.clone()
        };
        let short_signature = Solution {
            signature: valid.signature[..62].to_owned(),
            ..valid.clone()
        };
        let not_hex = Solution {
            signature: "zz".repeat(32),
            ..valid.clone()
        };
        let mut cases = vec![upper, short_signature, not_hex];
        for salt in [
            "",
            "&",
            "?expires=1700000300&",
            "0123456789abcdef0123456789abcdef?expires=&",
            "0123456789abcdef0123456789abcdef?expires=1700000300",
            "0123456789abcdef0123456789abcdef?expires=+1700000300&",
            "0123456789abcdef0123456789abcdef?expires=-1&",
            "0123456789abcdef0123456789abcdef?expires=99999999999999999999999&",
            "0123456789abcdef0123456789abcdef?expires=9223372036854775807&",
            "0123456789ABCDEF0123456789abcdef?expires=1700000300&",
            "0123456789abcdef0123456789abcdef?expires=1700000300&x=1&",
            "0123456789abcdef0123456789abcdeé?expires=1700000300&",
        ] {
            cases.push(Solution {
                salt: salt.to_owned(),
                ..valid.clone()
            });
        }
        for case in cases {
            assert_eq!(
                captcha.verify(&case, t0()),
                Err(CaptchaError::Malformed),
                "{case:?}"
            );
        }
    }

    #[test]
    fn random_garbage_never_panics() {
        let captcha = captcha();
        let valid = solved(&captcha, t0());
        let valid_json = serde_json::to_vec(&valid).unwrap();
        let valid_header = valid.to_header_value();
        let mut rng = StdRng::seed_from_u64(0x5eed);
        fn random_bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
            let mut bytes = vec![0u8; rng.gen_range(0..=max)];
            rng.fill_bytes(&mut bytes);
            bytes
        }
        for _ in 0..3000 {
            let raw = random_bytes(&mut rng, 600);
            let mut mutated_json = valid_json.clone();
            let mut mutated_header = valid_header.clone().into_bytes();
            for _ in 0..rng.gen_range(1..=3) {
                let i = rng.gen_range(0..mutated_json.len());
                mutated_json[i] = rng.gen();
                let j = rng.gen_range(0..mutated_header.len());
                mutated_header[j] = rng.gen_range(0x20..0x7f);
            }
            let inputs = [
                String::from_utf8_lossy(&raw).into_owned(),
                base64::engine::general_purpose::STANDARD.encode(&raw),
                base64::engine::general_purpose::STANDARD.encode(&mutated_json),
                String::from_utf8_lossy(&mutated_header).into_owned(),
            ];
            for input in inputs {
                if let Ok(solution) = Solution::from_header_value(&input) {
                    // Whatever parses must also verify or fail without panicking.
                    let _ = captcha.verify(&solution, t0());
                    let _ = solution.to_header_value();
                }
            }
        }
    }

    #[test]
    fn debug_output_hides_the_key() {
        let printed = format!("{:?}", captcha());
        assert!(printed.contains("[REDACTED]"), "{printed}");
        assert!(!printed.contains("99, 97, 112"), "{printed}");
    }
}
