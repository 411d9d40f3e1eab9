//! The last "code sent" answer per flow, kept in sessionStorage so the countdowns survive a reload of the
//! verify, reset or sign-in-by-code page. It holds an address, the server's times and when the answer
//! arrived by this device's clock: nothing secret (tokens never go here).

use chrono::{DateTime, Utc};
use gloo_storage::{SessionStorage, Storage};
use serde::{Deserialize, Serialize};
use shared::api::CodeSentResponse;

use crate::countdown::{arrival_on_this_page, deadlines, Deadlines};
use crate::hooks::page_clock;

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

/// A code on its way: to which address, and its deadlines on this page's monotonic clock.
#[derive(Clone, PartialEq, Debug)]
pub struct Ticket {
    pub email: String,
    pub deadlines: Deadlines,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    sent: CodeSentResponse,
    /// The device's wall clock when the answer arrived: only its progress since is used.
    received_at: DateTime<Utc>,
}

/// Keeps the answer that just arrived and returns its ticket, its deadlines counted from now.
pub fn save(flow: Flow, sent: &CodeSentResponse) -> Ticket {
    let stored = Stored {
        sent: sent.clone(),
        received_at: Utc::now(),
    };
    // Storage can be full or disabled (private windows): the countdown is a convenience, so carry on.
    let _ = SessionStorage::set(flow.key(), &stored);
    Ticket {
        email: sent.email.clone(),
        deadlines: deadlines(sent, page_clock()),
    }
}

/// The ticket of `flow` if it was issued for `email` (compared ignoring case).
pub fn load(flow: Flow, email: &str) -> Option<Ticket> {
    let stored = SessionStorage::get::<Stored>(flow.key())
        .ok()
        .filter(|stored| stored.sent.email.trim().eq_ignore_ascii_case(email.trim()))?;
    let arrived = arrival_on_this_page(stored.received_at, Utc::now(), page_clock());
    Some(Ticket {
        email: stored.sent.email.clone(),
        deadlines: deadlines(&stored.sent, arrived),
    })
}

pub fn clear(flow: Flow) {
    SessionStorage::delete(flow.key());
}
