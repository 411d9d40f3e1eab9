//! The proof-of-work CAPTCHA's wire format and its solver, one definition for the server that issues and
//! checks puzzles, the browser that solves them, and the `solve-captcha` command. Plain Rust with no clock
//! and no random source, so it builds for wasm32 and is tested natively.
//!
//! Wire format (compatible with ALTCHA's SHA-256 challenges):
//! - `challenge = hex(SHA-256(salt ‖ decimal(number)))`, `signature = hex(HMAC-SHA-256(key, challenge))`
//!   where the HMAC input is the challenge's lowercase hex text;
//! - `salt = "<32 lowercase hex>?expires=<unix seconds>&"`: the expiry lives in the salt, so it is covered by
//!   the hash, and the hash by the signature; changing it breaks the proof.
//! - the solution travels in the `X-Captcha` header as standard padded base64 of its JSON.

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The only algorithm issued and accepted, spelled as ALTCHA spells it.
pub const ALGORITHM: &str = "SHA-256";

/// The request header that carries [`Solution::to_header_value`].
pub const HEADER_NAME: &str = "X-Captcha";

/// A real header is about 350 characters; anything much longer is not ours and is not worth decoding.
const MAX_HEADER_LEN: usize = 1024;

/// A puzzle issued by the server: find `number` in `0..=maxnumber` with
/// `hex(SHA-256(salt + number)) == challenge`. Unknown fields are ignored, so the server may add some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Challenge {
    /// Always `SHA-256`.
    #[cfg_attr(feature = "openapi", schema(example = "SHA-256"))]
    pub algorithm: String,
    /// Lowercase hex SHA-256 of the salt followed by the secret number in decimal.
    pub challenge: String,
    /// Random hex, then the expiry: `<hex>?expires=<unix seconds>&`. Hash it byte for byte, unparsed.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "3f2a9c0d5e7b41a8c6d2e0f1a4b7c9d3?expires=1700000300&")
    )]
    pub salt: String,
    /// The secret number lies in `0..=maxnumber`.
    #[cfg_attr(feature = "openapi", schema(example = 100000))]
    pub maxnumber: u64,
    /// Lowercase hex HMAC-SHA-256 of `challenge` under a server key.
    pub signature: String,
    /// When the challenge stops being accepted; the same instant as `expires` in the salt.
    pub expires_at: DateTime<Utc>,
}

/// A solved challenge, sent back in the `X-Captcha` header (see [`Solution::to_header_value`]). The server
/// refuses any other field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Solution {
    #[cfg_attr(feature = "openapi", schema(example = "SHA-256"))]
    pub algorithm: String,
    pub challenge: String,
    pub salt: String,
    /// The number found.
    pub number: u64,
    pub signature: String,
}

/// An `X-Captcha` header value that is not a solution: too long, not base64, or not the JSON of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the CAPTCHA solution is malformed")]
pub struct Malformed;

impl Solution {
    /// Standard padded base64 of the JSON, as ALTCHA's payload.
    pub fn to_header_value(&self) -> String {
        let json = serde_json::to_string(self)
            .unwrap_or_else(|_| unreachable!("four strings and an integer always serialize"));
        base64::engine::general_purpose::STANDARD.encode(json)
    }

    pub fn from_header_value(value: &str) -> Result<Self, Malformed> {
        let value = value.trim();
        if value.len() > MAX_HEADER_LEN {
            return Err(Malformed);
        }
        let json = base64::engine::general_purpose::STANDARD
            .decode(value)
            .map_err(|_| Malformed)?;
        serde_json::from_slice(&json).map_err(|_| Malformed)
    }
}

/// Where a [`Solver`] stands after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Found(Solution),
    /// Every number in range was tried: the puzzle has no answer.
    Exhausted,
    /// Not found yet; step again.
    Working,
}

/// Tries the numbers in order, a bounded number per [`Solver::step`], so that a page can hand control
/// back to the browser between steps.
pub struct Solver {
    challenge: Challenge,
    target: [u8; 32],
    /// SHA-256 state after the salt: each try only hashes the digits.
    salted: Sha256,
    next: u64,
}

impl Solver {
    /// `None` for a puzzle this solver cannot or will not solve: another algorithm, a malformed
    /// challenge, or a `maxnumber` above `max_number`. The caller picks the bound, as a hostile challenge
    /// could ask for 2^64 tries: how much work is acceptable is its policy, not the wire format's.
    pub fn new(challenge: &Challenge, max_number: u64) -> Option<Self> {
        if challenge.algorithm != ALGORITHM || challenge.maxnumber > max_number {
            return None;
        }
        Some(Self {
            target: decode_digest(&challenge.challenge)?,
            salted: Sha256::new_with_prefix(challenge.salt.as_bytes()),
            challenge: challenge.clone(),
            next: 0,
        })
    }

    /// Tries at most `budget` more numbers.
    pub fn step(&mut self, budget: u64) -> Progress {
        let mut digits = [0u8; 20];
        let mut left = budget;
        while left > 0 {
            if self.next > self.challenge.maxnumber {
                return Progress::Exhausted;
            }
            let number = self.next;
            let mut hasher = self.salted.clone();
            hasher.update(decimal(number, &mut digits));
            if hasher.finalize().as_slice() == self.target.as_slice() {
                return Progress::Found(self.solution(number));
            }
            self.next += 1;
            left -= 1;
        }
        if self.next > self.challenge.maxnumber {
            Progress::Exhausted
        } else {
            Progress::Working
        }
    }

    fn solution(&self, number: u64) -> Solution {
        Solution {
            algorithm: self.challenge.algorithm.clone(),
            challenge: self.challenge.challenge.clone(),
            salt: self.challenge.salt.clone(),
            number,
            signature: self.challenge.signature.clone(),
        }
    }
}

/// Solves the puzzle in one go, whatever its `maxnumber`: the caller bounds the work first. `None` if the
/// challenge is not a SHA-256 one, is malformed, or has no solution in range. A page steps through it with
/// a [`Solver`] instead, to stay responsive.
pub fn solve(challenge: &Challenge) -> Option<Solution> {
    let mut solver = Solver::new(challenge, u64::MAX)?;
    match solver.step(u64::MAX) {
        Progress::Found(solution) => Some(solution),
        Progress::Exhausted | Progress::Working => None,
    }
}

/// `SHA-256(salt ‖ decimal(number))`, the digest a challenge commits to.
pub fn proof_digest(salt: &str, number: u64) -> [u8; 32] {
    let mut digits = [0u8; 20];
    let mut hasher = Sha256::new_with_prefix(salt.as_bytes());
    hasher.update(decimal(number, &mut digits));
    hasher.finalize().into()
}

/// The 32 bytes of a lowercase hex digest. Only the lowercase form is issued and accepted: the server's
/// replay store keys on the digest, and one spelling per digest keeps the signed text, the digest and the
/// store entry in one-to-one correspondence.
pub fn decode_digest(text: &str) -> Option<[u8; 32]> {
    fn nibble(byte: u8) -> Option<u8> {
        match byte {
            b'0'..=b'9' => Some(byte - b'0'),
            b'a'..=b'f' => Some(byte - b'a' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut digest = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        digest[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(digest)
}

/// `number` in decimal, written into `buffer` without allocating (this runs up to `maxnumber` times).
fn decimal(mut number: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            return &buffer[start..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: &str = "3f2a9c0d5e7b41a8c6d2e0f1a4b7c9d3?expires=1700000300&";

    /// The browser's bound on `maxnumber`, as the client sets it.
    const CLIENT_MAX_NUMBER: u64 = 10_000_000;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A puzzle made the way the server makes one, hashed independently of [`proof_digest`].
    fn puzzle(number: u64, maxnumber: u64) -> Challenge {
        let digest = Sha256::digest(format!("{SALT}{number}").as_bytes());
        Challenge {
            algorithm: ALGORITHM.to_owned(),
            challenge: hex(&digest),
            salt: SALT.to_owned(),
            maxnumber,
            signature: "ab".repeat(32),
            expires_at: DateTime::from_timestamp(1_700_000_300, 0).unwrap(),
        }
    }

    fn solved() -> Solution {
        solve(&puzzle(42, 100)).unwrap()
    }

    #[test]
    fn finds_the_secret_number() {
        for number in [0, 7, 10, 4_321, 100_000] {
            let solution = solve(&puzzle(number, 100_000)).unwrap();
            assert_eq!(solution.number, number);
            assert_eq!(solution.salt, SALT);
            assert_eq!(solution.signature, "ab".repeat(32));
        }
    }

    #[test]
    fn stepping_finds_the_same_number_as_solving_at_once() {
        let challenge = puzzle(12_345, 100_000);
        let mut solver = Solver::new(&challenge, CLIENT_MAX_NUMBER).unwrap();
        let mut steps = 0;
        let found = loop {
            steps += 1;
            match solver.step(4096) {
                Progress::Working => continue,
                Progress::Found(solution) => break solution,
                Progress::Exhausted => panic!("not found"),
            }
        };
        assert_eq!(found.number, 12_345);
        assert_eq!(steps, 12_345 / 4096 + 1);
        assert_eq!(Some(found), solve(&challenge));
    }

    #[test]
    fn a_puzzle_without_an_answer_in_range_is_exhausted() {
        let challenge = puzzle(501, 500);
        assert_eq!(solve(&challenge), None);
        let mut solver = Solver::new(&challenge, CLIENT_MAX_NUMBER).unwrap();
        assert_eq!(solver.step(500), Progress::Working);
        assert_eq!(solver.step(500), Progress::Exhausted);
        assert_eq!(solver.step(500), Progress::Exhausted);
    }

    #[test]
    fn foreign_malformed_or_oversized_puzzles_are_refused() {
        let valid = puzzle(5, 100);
        let cases = [
            Challenge {
                algorithm: "SHA-512".into(),
                ..valid.clone()
            },
            Challenge {
                challenge: valid.challenge.to_uppercase(),
                ..valid.clone()
            },
            Challenge {
                challenge: valid.challenge[..62].to_owned(),
                ..valid.clone()
            },
            Challenge {
                challenge: "zz".repeat(32),
                ..valid.clone()
            },
            Challenge {
                maxnumber: u64::MAX,
                ..valid.clone()
            },
        ];
        for case in cases {
            assert!(Solver::new(&case, CLIENT_MAX_NUMBER).is_none(), "{case:?}");
        }
        assert!(Solver::new(&valid, CLIENT_MAX_NUMBER).is_some());
        // The bound is the caller's: exactly `max_number` is still accepted.
        assert!(Solver::new(&valid, 100).is_some());
        assert!(Solver::new(&valid, 99).is_none());
    }

    #[test]
    fn solve_gives_up_on_foreign_or_unsolvable_challenges() {
        let challenge = puzzle(500, 500);
        assert!(solve(&Challenge {
            maxnumber: 499,
            ..challenge.clone()
        })
        .is_none());
        assert!(solve(&Challenge {
            algorithm: "SHA-512".into(),
            ..challenge.clone()
        })
        .is_none());
        assert!(solve(&Challenge {
            challenge: "xyz".into(),
            ..challenge.clone()
        })
        .is_none());
        assert_eq!(solve(&challenge).map(|s| s.number), Some(500));
    }

    #[test]
    fn numbers_are_hashed_in_plain_decimal() {
        let mut buffer = [0u8; 20];
        for n in [0, 9, 10, 99, 100, 123_456_789, u64::MAX] {
            assert_eq!(decimal(n, &mut buffer), n.to_string().as_bytes());
            assert_eq!(
                proof_digest(SALT, n).as_slice(),
                Sha256::digest(format!("{SALT}{n}").as_bytes()).as_slice()
            );
        }
    }

    #[test]
    fn digests_decode_only_from_lowercase_hex() {
        let digest = proof_digest(SALT, 42);
        assert_eq!(decode_digest(&hex(&digest)), Some(digest));
        for text in [
            hex(&digest).to_uppercase(),
            hex(&digest)[..62].to_owned(),
            format!("{}00", hex(&digest)),
            "zz".repeat(32),
            "xyz".to_owned(),
            String::new(),
        ] {
            assert_eq!(decode_digest(&text), None, "{text:?}");
        }
    }

    #[test]
    fn the_header_is_padded_base64_of_exactly_the_five_fields() {
        let header = solved().to_header_value();
        assert_eq!(header.len() % 4, 0);
        let json = base64::engine::general_purpose::STANDARD
            .decode(&header)
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let object = value.as_object().unwrap();
        let mut keys: Vec<_> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["algorithm", "challenge", "number", "salt", "signature"]
        );
        assert_eq!(object["number"], 42);
        assert_eq!(object["algorithm"], "SHA-256");
    }

    #[test]
    fn the_server_answer_parses() {
        let body = r#"{"algorithm":"SHA-256","challenge":"00","salt":"s","maxnumber":100000,
                       "signature":"11","expires_at":"2023-11-14T22:18:20Z"}"#;
        let challenge: Challenge = serde_json::from_str(body).unwrap();
        assert_eq!(challenge.maxnumber, 100_000);
        assert_eq!(
            challenge.expires_at,
            DateTime::from_timestamp(1_700_000_300, 0).unwrap()
        );
    }

    #[test]
    fn a_solution_survives_the_header_round_trip() {
        let solution = solved();
        let header = solution.to_header_value();
        assert!(header
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
        assert_eq!(Solution::from_header_value(&header), Ok(solution.clone()));
        assert_eq!(
            Solution::from_header_value(&format!(" {header}\t")),
            Ok(solution)
        );
    }

    #[test]
    fn malformed_header_values_are_refused() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let valid = solved();
        let valid_json = serde_json::to_value(&valid).unwrap();
        let with = |field: &str, value: serde_json::Value| {
            let mut json = valid_json.clone();
            json[field] = value;
            b64(&json.to_string())
        };
        // Trailing blanks are valid JSON; they make the length need padding, which is then left off.
        let mut padded_json = valid_json.to_string();
        while padded_json.len() % 3 != 1 {
            padded_json.push(' ');
        }
        let unpadded = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&padded_json);
        let cases = [
            String::new(),
            "not base64!".into(),
            b64("not json"),
            b64("{}"),
            b64("[]"),
            b64("null"),
            with("number", serde_json::json!(-1)),
            with("number", serde_json::json!(1.5)),
            with("number", serde_json::json!("7")),
            b64(&valid_json.to_string().replace(
                &format!("\"number\":{}", valid.number),
                "\"number\":18446744073709551616",
            )),
            with("salt", serde_json::json!(null)),
            with("took", serde_json::json!(12)),
            "A".repeat(MAX_HEADER_LEN + 4),
            unpadded,
        ];
        for case in cases {
            assert_eq!(
                Solution::from_header_value(&case),
                Err(Malformed),
                "{case:?}"
            );
        }
    }
}
