//! Credentials and proofs: password hashing, e-mailed code hashing, access and refresh tokens, the server
//! keys behind them, and the extractor that authenticates a request.

pub mod cache;
pub mod device;
pub mod extractor;
pub mod keyring;
pub mod keys;
pub mod otp;
pub mod password;
pub mod policy;
pub mod tokens;
pub mod totp;
