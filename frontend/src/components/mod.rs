//! Widgets driven by their props. None of them talks to the server.

mod banner;
mod bar_chart;
mod captcha_status;
mod code_input;
mod countdown;
mod factor_code_input;
mod form_field;
mod language_switch;
mod layout;
mod list_filter;
mod recovery_codes;
mod resend_button;

pub use banner::{ErrorBanner, Notice};
pub use bar_chart::{BarChart, Tone};
pub use captcha_status::CaptchaStatus;
pub use code_input::CodeInput;
pub use countdown::Countdown;
pub use factor_code_input::FactorCodeInput;
pub use form_field::FormField;
pub use language_switch::LanguageSwitch;
pub use layout::{focus_heading_after_navigation, Card};
pub use list_filter::{Choice, ListFilter};
pub use recovery_codes::RecoveryCodes;
pub use resend_button::ResendButton;
