//! The vocabulary the OTP Portal server and its browser client share: the HTTP contract's request and
//! response bodies, the domain values both sides validate identically, and RFC 9457 problem details.

pub mod api;
pub mod domain;
pub mod problem;
