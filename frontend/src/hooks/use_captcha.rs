//! The CAPTCHA the server asks for under pressure (`428 captcha_required`): fetch a puzzle, solve it a
//! few thousand hashes at a time so the page stays responsive, and repeat the call once with the answer.
//! The puzzle and its solver are `shared::captcha`'s; what is decided here is how much work to accept and
//! how to share the browser's event loop.

use std::future::Future;
use std::time::Duration;

use shared::captcha::{Progress, Solver};
use shared::problem::{Problem, ProblemCode};
use yew::platform::time::sleep;
use yew::prelude::*;

use crate::api;

/// The server's default puzzle asks for at most 100 000 tries. A challenge asking for far more than
/// this is not worth a phone's battery: the person is better off waiting and trying again.
const MAX_NUMBER: u64 = 10_000_000;

/// Hashes between two turns of the browser's event loop: a few milliseconds of work even on a phone.
const HASHES_PER_TURN: u64 = 4096;

/// Runs calls that may need a solved CAPTCHA; `solving` is true while a puzzle is being worked on.
#[derive(Clone, PartialEq)]
pub struct CaptchaGuard {
    pub solving: bool,
    set_solving: UseStateSetter<bool>,
}

impl CaptchaGuard {
    /// `call(None)`, and when the server wants a CAPTCHA, `call(Some(header value))` once more. A puzzle
    /// that cannot be solved gives back the server's `captcha_required` problem.
    pub async fn call<T, F, Fut>(&self, call: F) -> Result<T, Problem>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<T, Problem>>,
    {
        match call(None).await {
            Err(required) if required.code == ProblemCode::CaptchaRequired => {
                self.set_solving.set(true);
                let solved = solve(required).await;
                self.set_solving.set(false);
                call(Some(solved?)).await
            }
            other => other,
        }
    }
}

async fn solve(required: Problem) -> Result<String, Problem> {
    let challenge = api::captcha().await?;
    let Some(mut solver) = Solver::new(&challenge, MAX_NUMBER) else {
        return Err(required);
    };
    loop {
        match solver.step(HASHES_PER_TURN) {
            Progress::Found(solution) => return Ok(solution.to_header_value()),
            Progress::Exhausted => return Err(required),
            // A timer, not a resolved promise: only a new task lets the browser paint and take input.
            Progress::Working => sleep(Duration::ZERO).await,
        }
    }
}

/// A guard for the calls of one page.
#[hook]
pub fn use_captcha() -> CaptchaGuard {
    let solving = use_state_eq(|| false);
    CaptchaGuard {
        solving: *solving,
        set_solving: solving.setter(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;
    use shared::captcha::{Challenge, ALGORITHM};

    use super::*;

    fn puzzle(maxnumber: u64) -> Challenge {
        Challenge {
            algorithm: ALGORITHM.to_owned(),
            challenge: "cd".repeat(32),
            salt: "3f2a9c0d5e7b41a8c6d2e0f1a4b7c9d3?expires=1700000300&".to_owned(),
            maxnumber,
            signature: "ab".repeat(32),
            expires_at: DateTime::from_timestamp(1_700_000_300, 0).unwrap(),
        }
    }

    #[test]
    fn the_servers_puzzles_are_taken_on_but_far_larger_ones_are_not() {
        assert!(Solver::new(&puzzle(100_000), MAX_NUMBER).is_some());
        assert!(Solver::new(&puzzle(MAX_NUMBER), MAX_NUMBER).is_some());
        assert!(Solver::new(&puzzle(MAX_NUMBER + 1), MAX_NUMBER).is_none());
    }
}
