//! Hooks shared by the pages: the signed-in session, the ticking countdown, the CAPTCHA guard, the
//! state of a form's fields and an authenticated read a page shows.

mod use_captcha;
mod use_countdown;
mod use_form_state;
mod use_load;
mod use_session;

pub use use_captcha::use_captcha;
pub use use_countdown::{page_clock, use_countdown};
pub use use_form_state::use_form_state;
pub use use_load::use_load;
pub use use_session::{use_session, AuthState, Session, SessionProvider};
