//! The last "code sent" answer per flow, kept in sessionStorage so the countdowns survive a reload of the
//! verify, reset or sign-in-by-code page. It holds an address and two times: nothing secret (tokens never
//! go here).

use gloo_storage::{SessionStorage, Storage};
use shared::api::CodeSentResponse;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Flow {
    Verify,
    Reset,
    /// Sign-in by e-mailed code.
    Login,
}

impl Flow {
    fn key(self) -> &'static str {
        match self {
            Flow::Verify => "otp-portal.code-sent.verify",
            Flow::Reset => "otp-portal.code-sent.reset",
            Flow::Login => "otp-portal.code-sent.login",
        }
    }
}

pub fn save(flow: Flow, sent: &CodeSentResponse) {
    // Storage can be full or disabled (private windows): the countdown is a convenience, so carry on.
    let _ = SessionStorage::set(flow.key(), sent);
}

/// The ticket of `flow` if it was issued for `email` (compared ignoring case).
pub fn load(flow: Flow, email: &str) -> Option<CodeSentResponse> {
    SessionStorage::get::<CodeSentResponse>(flow.key())
        .ok()
        .filter(|sent| sent.email.trim().eq_ignore_ascii_case(email.trim()))
}

pub fn clear(flow: Flow) {
    SessionStorage::delete(flow.key());
}
