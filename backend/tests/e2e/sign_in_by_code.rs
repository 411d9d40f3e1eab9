//! Signing in without the password: "E-mail me a code instead", the code from the mail typed into the
//! boxes; the mailed link, which fills in the page and waits for the click; and, with the authenticator
//! app on, the second step after the code.

use std::collections::HashMap;

use fantoccini::key::Key;
use serde_json::json;

use crate::authenticator::{sign_out, start_setup, turn_on, type_at_caret};
use crate::browser::{run, Page};
use crate::helpers::{wrong_code, PASSWORD};

/// The `X-OTP-Portal-Kind` of the sign-in mail.
const LOGIN_CODE: &str = "login_code";

/// How many sign-ins the server has recorded.
fn sign_ins(page: &Page) -> usize {
    page.app
        .audit_events()
        .iter()
        .filter(|e| e.event == "login_succeeded")
        .count()
}

/// What the field holds.
async fn value_of(page: &Page, testid: &str) -> String {
    page.find(testid)
        .await
        .prop("value")
        .await
        .unwrap_or_else(|e| panic!("reading the value of {testid}: {e}"))
        .unwrap_or_default()
}

/// The link of the first sign-in mail to `email`, as a path of the test server (whose public URL names
/// port 0), and the mail's code. The address, code and link token travel in the fragment.
async fn mailed_sign_in_link(page: &Page, email: &str) -> (String, String) {
    let mail = page.app.smtp.wait_for_mail(email, LOGIN_CODE).await;
    let code = mail.code();
    let link = mail
        .links()
        .into_iter()
        .find(|l| l.contains("/login/code"))
        .unwrap_or_else(|| panic!("no link to the sign-in page in:\n{}", mail.text));
    let url = url::Url::parse(&link).unwrap_or_else(|e| panic!("{link}: {e}"));
    assert_eq!(
        url.query(),
        None,
        "the link {link} puts something in its query"
    );
    let fragment = url
        .fragment()
        .unwrap_or_else(|| panic!("the link {link} has no fragment"));
    let values: HashMap<String, String> = url::form_urlencoded::parse(fragment.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(
        values.get("email").map(String::as_str),
        Some(email),
        "{link}"
    );
    assert_eq!(values.get("code"), Some(&code), "{link}");
    assert!(
        values.get("link").is_some_and(|token| token.len() == 22),
        "the link {link} carries no 128-bit link token"
    );
    (format!("{}#{fragment}", url.path()), code)
}

/// On the sign-in page: "E-mail me a code instead", the address typed where the caret is and sent with
/// Enter; waits for the boxes.
async fn ask_for_a_code(page: &Page, email: &str) {
    page.click("login-code-link").await;
    page.wait_for_path("/login/code").await;
    page.wait_for_focus("login-code-email").await;
    page.keys(email).await;
    page.press(Key::Enter).await;
    page.wait_for_text("login-code-address", &format!("show {email}"), |t| {
        t == email
    })
    .await;
    page.find("code-countdown").await;
}

#[tokio::test]
async fn a_code_e_mailed_from_the_sign_in_page_signs_in() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "grace@example.com";
            page.app.register_and_verify("grace", email, PASSWORD).await;

            // The address typed as the login goes along to the page that e-mails a code.
            page.goto("/login").await;
            page.wait_for_focus("login-login").await;
            page.keys(email).await;
            page.click("login-code-link").await;
            page.wait_for_path("/login/code").await;
            assert_eq!(value_of(&page, "login-code-email").await, email);
            page.wait_for_focus("login-code-email").await;
            page.press(Key::Enter).await;

            page.wait_for_text("login-code-address", &format!("show {email}"), |t| {
                t == email
            })
            .await;
            page.wait_for_text("notice-banner", "say a code is on its way", |t| {
                t.contains("a code is on its way")
            })
            .await;
            page.find("code-countdown").await;
            let code = page.app.smtp.wait_for_mail(email, LOGIN_CODE).await.code();

            // A reload comes back to the boxes for this address.
            page.reload().await;
            page.wait_for_text("login-code-address", &format!("show {email}"), |t| {
                t == email
            })
            .await;
            page.find("code-countdown").await;
            assert_eq!(page.path().await, "/login/code");

            page.type_code(&wrong_code(&code)).await;
            page.press(Key::Enter).await;
            page.wait_for_text("code-error", "refuse the wrong code", |t| {
                t.contains("not right") && t.contains("4 attempts left")
            })
            .await;
            page.wait_for_code_boxes("").await;
            page.wait_for_focus("code-digit-0").await;
            type_at_caret(&page, &code).await;
            page.press(Key::Enter).await;
            page.expect_dashboard("grace", email).await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_mailed_sign_in_link_fills_in_the_page_and_a_click_signs_in() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "hedy@example.com";
            page.app.register_and_verify("hedy", email, PASSWORD).await;
            // Asked for elsewhere (another device, say): this browser has nothing but the link.
            let asked = page
                .app
                .client
                .post(page.app.url("/api/auth/login/code"))
                .json(&json!({ "email": email }))
                .send()
                .await
                .unwrap();
            assert_eq!(asked.status(), 202, "{}", asked.text().await.unwrap());
            let (link, code) = mailed_sign_in_link(&page, email).await;
            let before = sign_ins(&page);

            page.goto(&link).await;
            page.wait_for_code_boxes(&code).await;
            assert_eq!(page.text("login-code-address").await, email);
            // Mail scanners open links too: nothing happens until the click.
            page.settle().await;
            page.settle().await;
            assert_eq!(page.path().await, "/login/code");
            assert_eq!(sign_ins(&page), before, "opening the link signed in");

            page.click("login-code-submit").await;
            page.expect_dashboard("hedy", email).await;
            assert_eq!(sign_ins(&page), before + 1);
        },
    )
    .await;
}

#[tokio::test]
async fn with_the_app_on_a_mailed_code_leads_on_to_the_second_step() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "katherine@example.com";
            page.register_and_verify("katherine", email, PASSWORD).await;
            page.click("security-link").await;
            page.wait_for_path("/security").await;
            let mut app = start_setup(&page).await;
            turn_on(&page, &mut app).await;
            page.click("recovery-codes-done").await;
            page.click("security-back").await;
            page.wait_for_path("/dashboard").await;
            sign_out(&page).await;

            ask_for_a_code(&page, email).await;
            let code = page.app.smtp.wait_for_mail(email, LOGIN_CODE).await.code();
            let before = sign_ins(&page);
            page.type_code(&code).await;
            page.press(Key::Enter).await;

            // The mailed code is not enough: the app's code is asked for, on the same page.
            page.find("mfa-form").await;
            page.wait_for_focus("code-digit-0").await;
            assert_eq!(page.path().await, "/login/code");
            assert_eq!(sign_ins(&page), before, "the mailed code alone signed in");
            let app_code = app.next_code().await;
            type_at_caret(&page, &app_code).await;
            page.press(Key::Enter).await;
            page.expect_dashboard("katherine", email).await;
            assert_eq!(sign_ins(&page), before + 1);
        },
    )
    .await;
}

#[tokio::test]
async fn once_a_code_is_sent_the_caret_waits_in_the_first_box() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "barbara@example.com";
            page.app
                .register_and_verify("barbara", email, PASSWORD)
                .await;
            page.goto("/login").await;
            ask_for_a_code(&page, email).await;
            page.wait_for_focus("code-digit-0").await;
        },
    )
    .await;
}
