//! Hooks shared by the pages: the signed-in session and the ticking countdown.

mod use_countdown;
mod use_session;

pub use use_countdown::use_countdown;
pub use use_session::{use_session, AuthState, Session, SessionProvider};
