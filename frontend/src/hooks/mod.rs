//! Hooks shared by the pages: the signed-in session, the ticking countdown and the CAPTCHA guard.

mod use_captcha;
mod use_countdown;
mod use_session;

pub use use_captcha::use_captcha;
pub use use_countdown::use_countdown;
pub use use_session::{use_session, AuthState, Session, SessionProvider};
