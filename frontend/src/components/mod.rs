//! Widgets driven by their props. None of them talks to the server.

mod banner;
mod captcha_status;
mod code_input;
mod countdown;
mod factor_code_input;
mod form_field;
mod layout;
mod recovery_codes;
mod resend_button;

pub use banner::{ErrorBanner, Notice};
pub use captcha_status::CaptchaStatus;
pub use code_input::CodeInput;
pub use countdown::Countdown;
pub use factor_code_input::FactorCodeInput;
pub use form_field::FormField;
pub use layout::Card;
pub use recovery_codes::RecoveryCodes;
pub use resend_button::ResendButton;
