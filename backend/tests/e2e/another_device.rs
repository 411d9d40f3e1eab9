//! The mailed link opened on another device: that browser holds no registration token, so the verify page
//! asks for the password chosen at registration, and only the right one activates the account.

use fantoccini::key::Key;
use serde_json::json;

use crate::browser::{run, Page, PHONE};
use crate::helpers::{expect_problem, PASSWORD};

#[tokio::test]
async fn the_link_on_another_device_asks_for_the_password_and_a_wrong_one_verifies_nothing() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "hedy@example.com";
            page.register("hedy", email, PASSWORD).await;
            assert!(
                !page.exists("verify-password").await,
                "the tab that registered is asked for the password"
            );
            let (link, code) = page.mailed_verify_link(email).await;

            page.in_another_browser("another-device", move |phone: Page| async move {
                phone.goto(&link).await;
                phone.set_viewport(PHONE).await;
                phone.wait_for_code_boxes(&code).await;
                assert_eq!(phone.text("verify-email-address").await, email);
                let hint = phone
                    .eval(
                        "return document.getElementById('verify-password-hint')?.innerText ?? ''",
                        vec![],
                    )
                    .await;
                assert!(
                    hint.as_str().unwrap_or_default().contains("another device"),
                    "the password field's hint reads {hint}"
                );
                // The code is there already: the caret waits in the password field.
                phone.wait_for_focus("verify-password").await;
                phone
                    .assert_no_horizontal_scroll("the verify page asking for the password")
                    .await;
                phone.screenshot("verify-another-device-phone").await;

                // A wrong password, typed and sent with Enter: refused like a wrong code.
                phone.keys("not the password at all").await;
                phone.press(Key::Enter).await;
                phone
                    .wait_for_text("verify-password-error", "refuse the password", |t| {
                        t.contains("code or the password is not right")
                    })
                    .await;
                assert_eq!(phone.path().await, "/verify");
                assert_eq!(
                    phone.code_boxes().await,
                    code,
                    "the code from the link was thrown away"
                );
                // Nothing was activated: the registration is still only pending.
                let login = phone
                    .app
                    .login(&json!({"login": email, "password": PASSWORD}))
                    .await;
                expect_problem(login, 403, "email_not_verified").await;

                phone.fill("verify-password", PASSWORD).await;
                phone.click("verify-submit").await;
                phone.expect_dashboard("hedy", email).await;
            })
            .await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_link_on_another_device_counts_the_codes_time_down_too() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "grace@example.com";
            page.register("grace", email, PASSWORD).await;
            let (link, code) = page.mailed_verify_link(email).await;
            page.in_another_browser("another-device", move |phone: Page| async move {
                phone.goto(&link).await;
                phone.wait_for_code_boxes(&code).await;
                // No answer of the registration reached this browser: the server told it the deadline.
                let shown = phone
                    .wait_for_text("code-countdown", "the code's countdown", |t| {
                        t.contains(':') || t.contains("minute") || t.contains("second")
                    })
                    .await;
                assert!(!shown.is_empty());
                phone.assert_no_page_errors().await;
            })
            .await;
        },
    )
    .await;
}
