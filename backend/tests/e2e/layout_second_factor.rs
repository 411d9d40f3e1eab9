//! The pages of the authenticator app and of signing in by code at desktop and phone width: no sideways
//! scrolling at 360 px, no policy violation, and a screenshot of each step a person sees.

use crate::authenticator::{
    sign_in_to_second_step, sign_out, start_setup, turn_on, wait_for_the_qr_code,
};
use crate::browser::{run, Page, DESKTOP, PHONE};
use crate::helpers::PASSWORD;

/// The sign-in mail's kind.
const LOGIN_CODE: &str = "login_code";

/// Checks a state of a page at 360 px that has no screenshot of its own.
async fn check_on_a_phone(page: &Page, what: &str) {
    page.set_viewport(PHONE).await;
    page.assert_no_horizontal_scroll(what).await;
    page.assert_no_page_errors().await;
    page.set_viewport(DESKTOP).await;
}

#[tokio::test]
async fn the_second_factor_and_code_sign_in_pages_do_not_scroll_sideways_on_a_phone() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "margaret.hamilton@example.com";
            page.register_and_verify("margaret", email, PASSWORD).await;
            page.click("security-link").await;
            page.wait_for_path("/security").await;
            page.find("totp-setup-start").await;
            check_on_a_phone(&page, "the security page with the app off").await;

            let mut app = start_setup(&page).await;
            wait_for_the_qr_code(&page).await;
            page.check_and_photograph("security-setup").await;

            turn_on(&page, &mut app).await;
            page.find("recovery-codes-copy").await;
            page.check_and_photograph("security-recovery-codes").await;

            page.click("recovery-codes-done").await;
            page.click("recovery-codes-regenerate").await;
            page.find("security-confirm").await;
            check_on_a_phone(
                &page,
                "the security page asking for the password and a code",
            )
            .await;
            page.click("security-confirm-cancel").await;
            page.wait_for_absence("security-confirm").await;

            page.click("security-back").await;
            page.wait_for_path("/dashboard").await;
            page.wait_for_text("dashboard-mfa", "show the app on", |t| t == "On")
                .await;
            check_on_a_phone(&page, "the dashboard with the app on").await;
            sign_out(&page).await;

            sign_in_to_second_step(&page, "margaret", PASSWORD).await;
            page.check_and_photograph("second-step").await;
            page.click("mfa-code-switch").await;
            page.find("mfa-code-recovery").await;
            check_on_a_phone(&page, "the second step with a recovery code").await;

            page.click("mfa-cancel").await;
            page.find("login-submit").await;
            page.click("login-code-link").await;
            page.wait_for_path("/login/code").await;
            page.find("login-code-send").await;
            page.check_and_photograph("login-code").await;

            page.fill("login-code-email", email).await;
            page.click("login-code-send").await;
            page.find("code-countdown").await;
            page.app.smtp.wait_for_mail(email, LOGIN_CODE).await;
            page.wait_for_text("notice-banner", "say a code is on its way", |t| {
                t.contains("a code is on its way")
            })
            .await;
            page.check_and_photograph("login-code-sent").await;
        },
    )
    .await;
}
