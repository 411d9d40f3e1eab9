//! End-to-end tests: the real server (fresh SQLite, in-process SMTP sink, the built client at `/`) driven
//! through headless Chromium and chromedriver, the way a person uses the portal. One module per journey.
//!
//! They need Debian's `chromium` and `chromium-driver` (or `$CHROMIUM` / `$CHROMEDRIVER`) and the built
//! client (`scripts/build-frontend.sh`); without them each test prints `skipping: …` and passes, unless
//! `CI=true`. Screenshots of every page go to `$SCREENSHOTS_DIR` (relative to the workspace root), else
//! to the target folder's `tmp/screenshots`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

#[allow(dead_code)]
#[path = "../api/admin_helpers.rs"]
mod admin_helpers;

mod accessibility;
mod account_data;
mod administration;
mod another_device;
mod api_docs;
mod authenticator;
mod browser;
mod captcha;
mod change_password;

mod code_entry;
mod guessed_address;
mod keyboard;
mod language;
mod layout;
mod layout_second_factor;
mod mail_link;
mod passkeys;
mod password_reset;
mod second_factor;
mod security;
mod sign_in_by_code;
mod sign_up;
mod tabs;
