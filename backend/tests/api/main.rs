//! Black-box tests of the HTTP contract (`shared/API.md`): each test starts its own application with a
//! fresh database and an in-process SMTP sink. One module per user-visible behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin_helpers;
mod helpers;

mod account_data;
mod administration;
mod audit;
mod captcha;
mod change_password;
mod client;
mod csrf;
mod data_files;
mod database_outage;
mod duplicate_registration;
mod forward_auth;
mod hashing_flood;
mod ipv6_clients;
mod logging;
mod login;
mod login_lockout;
mod logout;
mod mail_budget;
mod maintenance;
mod malformed_input;
mod openapi_and_health;
mod owner_lockout;
mod password_policy;
mod password_recovery;
mod pre_hijacking;
mod races;
mod rate_limits;
mod refresh;
mod registration;
mod request_timeout;
mod resend;
mod second_factor;
mod security_headers;
mod sessions;
mod sign_in_by_code;
mod smtp_outage;
mod solve_captcha_cli;
mod token_keys;
mod trusted_proxies;
mod verification;
mod webhooks;
