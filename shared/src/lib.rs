//! The vocabulary the OTP Portal server and its browser client share: the HTTP contract's request and
//! response bodies, the domain values both sides validate identically, RFC 9457 problem details, and the
//! proof-of-work CAPTCHA the server issues and the browser solves.

pub mod admin;
pub mod api;
pub mod captcha;
pub mod domain;
pub mod i18n;
pub mod passkeys;
pub mod problem;
