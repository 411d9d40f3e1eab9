//! The authenticator app of the end-to-end tests: the key is read off the security page, as a person types
//! it into an app, and codes come from the server's own RFC 6238 function. The server takes a code of the
//! step before, of the current one and of the next, each step once and only after the ones already
//! taken, so the app hands out the oldest step still safe to use, and waits for the clock only when every
//! acceptable step is spent.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{TimeZone, Utc};
use fantoccini::key::Key;
use otp_portal::auth::totp::{code_at, decode_base32, STEP_SECONDS};

use crate::browser::Page;
use crate::helpers::wait_until_past;

/// How long a code handed out must stay acceptable: typing it and sending it takes a few seconds.
const MARGIN_SECONDS: u64 = 8;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is past 1970")
        .as_secs()
}

pub struct Authenticator {
    secret: Vec<u8>,
    /// The newest time step whose code was handed out.
    last_step: Option<u64>,
}

impl Authenticator {
    /// An app holding the key as the security page shows it (groups of four letters).
    pub fn from_shown_key(shown: &str) -> Self {
        let secret = decode_base32(shown)
            .unwrap_or_else(|| panic!("the key on the page is not base32: {shown:?}"));
        assert_eq!(
            secret.len(),
            20,
            "the key {shown:?} is not a 160-bit secret"
        );
        Self {
            secret,
            last_step: None,
        }
    }

    /// A code the server takes now and for the next few seconds, of a step newer than any handed out.
    pub async fn next_code(&mut self) -> String {
        loop {
            let now = unix_now();
            let current = now / STEP_SECONDS;
            // A step's code is taken while the server's step is at most one past it.
            let step = (current.saturating_sub(1)..=current + 1).find(|&step| {
                !matches!(self.last_step, Some(last) if step <= last)
                    && (step + 2) * STEP_SECONDS >= now + MARGIN_SECONDS
            });
            if let Some(step) = step {
                self.last_step = Some(step);
                return code_at(&self.secret, step * STEP_SECONDS).expect("a code of the secret");
            }
            // Every step the server takes now is spent: the next one opens at the next boundary.
            let next_boundary = i64::try_from((current + 1) * STEP_SECONDS).unwrap();
            wait_until_past(Utc.timestamp_opt(next_boundary, 0).unwrap()).await;
        }
    }
}

/// On the security page with the app off: starts the set-up and reads the key it shows, checking that
/// it is shown in groups of four and is the key of the `otpauth:` link beside it.
pub async fn start_setup(page: &Page) -> Authenticator {
    page.click("totp-setup-start").await;
    page.find("totp-setup").await;
    let shown = page
        .wait_for_text("totp-secret", "show the key", |t| !t.trim().is_empty())
        .await;
    let groups: Vec<&str> = shown.split(' ').collect();
    assert!(
        groups.len() > 1
            && groups.iter().all(|g| g.len() == 4
                && g.chars()
                    .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))),
        "the key is not shown in groups of four base32 letters: {shown:?}"
    );
    let uri = page
        .attr("totp-open-app", "href")
        .await
        .expect("the app link has an address");
    let uri = url::Url::parse(&uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
    assert_eq!(uri.scheme(), "otpauth");
    let in_link = uri
        .query_pairs()
        .find(|(name, _)| name == "secret")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_else(|| panic!("the link {uri} carries no secret"));
    assert_eq!(
        in_link,
        shown.replace(' ', ""),
        "the key shown is not the one in the link"
    );
    Authenticator::from_shown_key(&shown)
}

/// Waits until the set-up's QR code has loaded: the server's SVG as a `data:` image, which the page's
/// policy lets load (and in which nothing runs).
pub async fn wait_for_the_qr_code(page: &Page) {
    let source = page
        .wait_for("the QR code to load", || async {
            let source = page
                .eval(
                    r#"const img = document.querySelector('[data-testid="totp-qr"]');
                       return img && img.complete && img.naturalWidth > 0
                           ? img.getAttribute('src') : null"#,
                    vec![],
                )
                .await;
            source.as_str().map(str::to_owned)
        })
        .await;
    assert!(
        source.starts_with("data:image/svg+xml;base64,"),
        "the QR code is not an SVG data URL: {}",
        &source[..source.len().min(60)]
    );
}

/// Types the app's code into the set-up's boxes and turns the app on; returns the recovery codes shown.
pub async fn turn_on(page: &Page, app: &mut Authenticator) -> Vec<String> {
    let code = app.next_code().await;
    page.type_code(&code).await;
    page.click("totp-enable-submit").await;
    page.find("recovery-codes-panel").await;
    recovery_codes_shown(page).await
}

/// The recovery codes on the page, checked: ten of them, all different, each `xxxxx-xxxxx`.
pub async fn recovery_codes_shown(page: &Page) -> Vec<String> {
    let codes = page
        .eval(
            r#"return Array.from(document.querySelectorAll('[data-testid="recovery-code"]'), e => e.textContent)"#,
            vec![],
        )
        .await;
    let codes: Vec<String> = serde_json::from_value(codes).expect("a list of strings");
    assert_eq!(codes.len(), 10, "not ten recovery codes: {codes:?}");
    for code in &codes {
        let halves: Vec<&str> = code.split('-').collect();
        assert!(
            halves.len() == 2
                && halves.iter().all(|h| h.len() == 5
                    && h.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
            "a recovery code reads {code:?}"
        );
    }
    let mut distinct = codes.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 10, "recovery codes repeat: {codes:?}");
    codes
}

/// Signs in with the password, by keyboard alone, to an account with the app on: the second step takes
/// the form's place on the sign-in page, the caret already in its first box.
pub async fn sign_in_to_second_step(page: &Page, login: &str, password: &str) {
    if page.path().await != "/login" {
        page.goto("/login").await;
    }
    page.wait_for_focus("login-login").await;
    page.keys(login).await;
    page.press(Key::Tab).await;
    page.wait_for_focus("login-password").await;
    page.keys(password).await;
    page.press(Key::Enter).await;
    page.find("mfa-form").await;
    page.wait_for_focus("code-digit-0").await;
    assert_eq!(
        page.path().await,
        "/login",
        "the password alone led somewhere"
    );
    assert_eq!(
        page.attr("mfa-code", "data-kind").await.as_deref(),
        Some("app")
    );
}

/// Types `code` where the caret is, one digit at a time, each moving it to the next box.
pub async fn type_at_caret(page: &Page, code: &str) {
    for (i, digit) in code.chars().enumerate() {
        page.wait_for_focus(&format!("code-digit-{i}")).await;
        page.keys(&digit.to_string()).await;
    }
    page.wait_for_code_boxes(code).await;
}

/// Signs out from the dashboard.
pub async fn sign_out(page: &Page) {
    page.click("logout-button").await;
    page.wait_for_path("/login").await;
    page.find("login-submit").await;
}
