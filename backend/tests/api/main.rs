//! Black-box tests of the HTTP contract (`shared/API.md`): each test starts its own application with a
//! fresh database and an in-process SMTP sink. One module per user-visible behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod audit;
mod client;
mod csrf;
mod duplicate_registration;
mod login;
mod logout;
mod maintenance;
mod malformed_input;
mod openapi_and_health;
mod password_policy;
mod password_recovery;
mod refresh;
mod registration;
mod resend;
mod security_headers;
mod sessions;
mod smtp_outage;
mod verification;
