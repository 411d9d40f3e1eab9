//! Anyone can spend an address's twenty wrong codes a day by guessing; past them the server refuses a
//! 6-digit code typed alone, yet its owner still gets in: the link in the newest mail carries a token
//! beside its code that no guesser has, and the page sends it with that code.

use reqwest::StatusCode;
use serde_json::json;

use crate::browser::{run, Page};
use crate::helpers::{expect_json, expect_problem, wrong_code, TestApp, PASSWORD, VERIFY_EMAIL};

/// What a stranger does over plain HTTP, knowing nothing but the address: four codes, five wrong
/// guesses at each (with a guessed password, as on another device), twenty in all. The last resend
/// mails the owner a fifth code, which is returned.
async fn guess_until_the_address_is_locked(app: &TestApp, email: &str) -> String {
    for round in 1..=4 {
        let code = app
            .smtp
            .wait_for_nth_mail(email, VERIFY_EMAIL, round)
            .await
            .code();
        let guess = wrong_code(&code);
        for _ in 0..5 {
            let response = app
                .verify_email_as_sent(
                    &json!({"email": email, "code": guess, "password": "a guessed password"}),
                )
                .await;
            let status = response.status();
            assert!(
                status == StatusCode::BAD_REQUEST || status == StatusCode::TOO_MANY_REQUESTS,
                "a wrong guess answered {status}: {}",
                response.text().await.unwrap()
            );
        }
        let resend = app.resend_code(&json!({"email": email})).await;
        expect_json(resend, StatusCode::ACCEPTED).await;
    }
    let newest = app.smtp.wait_for_nth_mail(email, VERIFY_EMAIL, 5).await;
    // The lock holds: the newest code, sent alone, is refused.
    let alone = app
        .verify_email_as_sent(&json!({"email": email, "code": newest.code(), "password": PASSWORD}))
        .await;
    expect_problem(alone, 429, "too_many_attempts").await;
    newest.code()
}

#[tokio::test]
async fn past_twenty_wrong_codes_the_newest_mailed_link_verifies_but_the_code_typed_alone_does_not()
{
    run(
        |vars| {
            // Four codes in quick succession for one address, all from this one machine.
            vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
            vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR".into(), "0".into());
        },
        |page: Page| async move {
            let email = "grace@example.com";
            page.register("grace", email, PASSWORD).await;
            let newest = guess_until_the_address_is_locked(&page.app, email).await;
            let (link, code) = page.nth_mailed_verify_link(email, 5).await;
            assert_eq!(code, newest);

            // The newest code typed by hand on a fresh verify page (no link) is refused, and the page
            // says where to go instead.
            page.goto("/verify").await;
            page.fill("verify-email", email).await;
            page.type_code(&code).await;
            assert!(
                !page.exists("verify-password").await,
                "the tab that registered is asked for the password"
            );
            page.click("verify-submit").await;
            let message = page
                .wait_for_text("code-error", "send the person to the mailed link", |t| {
                    t.contains("Open the link in the newest e-mail")
                })
                .await;
            assert!(
                message.starts_with("Too many wrong codes for this address."),
                "{message}"
            );
            page.screenshot("verify-address-locked").await;
            assert_eq!(page.path().await, "/verify");

            // The link in that newest mail, opened in the tab that registered, right where the refusal
            // shows (only the fragment changes, so no new document loads: the page starts afresh from
            // the link all the same). The same code, with its token, goes through.
            page.goto(&link).await;
            page.wait_for_code_boxes(&code).await;
            assert_eq!(page.text("code-error").await, "");
            page.click("verify-submit").await;
            page.expect_dashboard("grace", email).await;
        },
    )
    .await;
}
