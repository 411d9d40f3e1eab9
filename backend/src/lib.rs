//! OTP Portal's server: registration with e-mailed one-time codes, login, sessions and recovery.

pub mod auth;
pub mod blocking;
pub mod captcha;
pub mod clock;
pub mod error;
pub mod mail;
pub mod metrics;
pub mod private_files;
pub mod routes;
pub mod services;
pub mod settings;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod webhooks;
