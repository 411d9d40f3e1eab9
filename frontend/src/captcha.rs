//! The server's proof-of-work CAPTCHA, solved in the browser: find `number` in `0..=maxnumber` with
//! `hex(SHA-256(salt ‖ decimal(number))) == challenge`, and send the answer as an `X-Captcha` header.
//! Plain Rust with no browser calls, so that it is tested natively; the page yields between steps.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The only algorithm the server issues, spelled as it spells it.
pub const ALGORITHM: &str = "SHA-256";

/// The request header that carries [`Solution::header_value`].
pub const HEADER_NAME: &str = "X-Captcha";

/// The server's default puzzle asks for at most 100 000 tries. A challenge asking for far more than
/// this is not worth a phone's battery: the person is better off waiting and trying again.
pub const MAX_NUMBER: u64 = 10_000_000;

/// A puzzle from `GET /api/captcha` (fields the client does not need are ignored).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Challenge {
    pub algorithm: String,
    /// Lowercase hex SHA-256 of the salt followed by the secret number in decimal.
    pub challenge: String,
    /// Hashed byte for byte, never parsed.
    pub salt: String,
    pub maxnumber: u64,
    /// The server's signature of `challenge`, sent back untouched.
    pub signature: String,
}

/// A solved puzzle; the server refuses any other field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Solution {
    pub algorithm: String,
    pub challenge: String,
    pub salt: String,
    pub number: u64,
    pub signature: String,
}

impl Solution {
    /// Standard padded base64 of the JSON, the `X-Captcha` header's value.
    pub fn header_value(&self) -> String {
        let json = serde_json::to_vec(self)
            .unwrap_or_else(|_| unreachable!("four strings and an integer always serialize"));
        base64::engine::general_purpose::STANDARD.encode(json)
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
    /// `None` for a puzzle this client cannot or will not solve: another algorithm, a malformed
    /// challenge, or more work than [`MAX_NUMBER`].
    pub fn new(challenge: &Challenge) -> Option<Self> {
        if challenge.algorithm != ALGORITHM || challenge.maxnumber > MAX_NUMBER {
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

/// Solves the puzzle in one go. The page steps through it with a [`Solver`] instead, to stay responsive.
#[cfg(test)]
pub fn solve(challenge: &Challenge) -> Option<Solution> {
    let mut solver = Solver::new(challenge)?;
    match solver.step(u64::MAX) {
        Progress::Found(solution) => Some(solution),
        Progress::Exhausted | Progress::Working => None,
    }
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

/// The 32 bytes of a lowercase hex digest, the only spelling the server issues.
fn decode_digest(text: &str) -> Option<[u8; 32]> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: &str = "3f2a9c0d5e7b41a8c6d2e0f1a4b7c9d3?expires=1700000300&";

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A puzzle made the way the server makes one.
    fn puzzle(number: u64, maxnumber: u64) -> Challenge {
        let digest = Sha256::digest(format!("{SALT}{number}").as_bytes());
        Challenge {
            algorithm: ALGORITHM.to_owned(),
            challenge: hex(&digest),
            salt: SALT.to_owned(),
            maxnumber,
            signature: "ab".repeat(32),
        }
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
        let mut solver = Solver::new(&challenge).unwrap();
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
        let mut solver = Solver::new(&challenge).unwrap();
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
            assert!(Solver::new(&case).is_none(), "{case:?}");
        }
        assert!(Solver::new(&valid).is_some());
    }

    #[test]
    fn numbers_are_hashed_in_plain_decimal() {
        let mut buffer = [0u8; 20];
        for n in [0, 9, 10, 99, 100, 123_456_789, u64::MAX] {
            assert_eq!(decimal(n, &mut buffer), n.to_string().as_bytes());
        }
    }

    #[test]
    fn the_header_is_padded_base64_of_exactly_the_five_fields() {
        let solution = solve(&puzzle(42, 100)).unwrap();
        let header = solution.header_value();
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
    }
}
