//! Registration to dashboard and back: the code from the mail, logout, login, and a reload that keeps
//! the session through the refresh cookie; and a registration whose username or address was confirmed
//! first by another one.

use crate::browser::{run, Page, DESKTOP, PHONE};
use crate::helpers::{PASSWORD, VERIFY_EMAIL};

#[tokio::test]
async fn a_newcomer_registers_verifies_logs_out_logs_in_and_a_reload_keeps_the_session() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "ada@example.com";
            page.register("ada", email, PASSWORD).await;
            let remaining: u64 = page
                .attr("code-countdown", "data-remaining")
                .await
                .expect("the countdown holds the seconds left")
                .parse()
                .unwrap();
            assert!(remaining > 0, "a fresh code shows {remaining} s left");

            let code = page.verification_code(email).await;
            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.expect_dashboard("ada", email).await;
            page.find("dashboard-verified").await;
            assert_eq!(page.count("session-row").await, 1);
            assert_eq!(
                page.attr("session-row", "data-current").await.as_deref(),
                Some("true")
            );

            page.click("logout-button").await;
            page.wait_for_path("/login").await;
            page.wait_for_text("notice-banner", "say the person is signed out", |t| {
                t.contains("signed out")
            })
            .await;
            // Logged out means logged out: the refresh cookie no longer restores anything.
            page.goto("/dashboard").await;
            page.wait_for_path("/login").await;

            page.log_in("ada", PASSWORD).await;
            page.expect_dashboard("ada", email).await;

            page.reload().await;
            page.expect_dashboard("ada", email).await;
            assert_eq!(page.path().await, "/dashboard");
        },
    )
    .await;
}

#[tokio::test]
async fn a_code_pasted_into_the_first_box_fills_all_six_and_verifies() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "grace@example.com";
            page.register("grace", email, PASSWORD).await;
            let code = page.verification_code(email).await;

            page.paste_code(&code).await;
            page.wait_for_code_boxes(&code).await;
            page.click("verify-submit").await;
            page.expect_dashboard("grace", email).await;
        },
    )
    .await;
}

#[tokio::test]
async fn signing_in_to_an_unverified_account_leads_to_the_verify_page() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "linus@example.com";
            page.app.register("linus", email, PASSWORD).await;
            let code = page.verification_code(email).await;

            page.goto("/login").await;
            page.fill("login-login", email).await;
            page.fill("login-password", PASSWORD).await;
            page.click("login-submit").await;
            page.wait_for_path("/verify").await;
            page.wait_for_text("notice-banner", "say the address is not confirmed", |t| {
                t.contains("not confirmed")
            })
            .await;
            assert_eq!(page.text("verify-email-address").await, email);

            // This tab did not register (no registration token), so the page asks for the password
            // once more: the sign-in never hands it over.
            page.type_code(&code).await;
            page.fill("verify-password", PASSWORD).await;
            page.click("verify-submit").await;
            page.expect_dashboard("linus", email).await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_username_confirmed_first_by_someone_else_sends_the_person_back_to_registration() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "ada@example.com";
            page.register("ada", email, PASSWORD).await;
            let code = page.verification_code(email).await;
            // Meanwhile another registration of the same username is confirmed first.
            page.app
                .register_and_verify("ada", "other.ada@example.com", PASSWORD)
                .await;

            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.wait_for_text("username-taken", "say the username went first", |t| {
                t.contains("register again with another username")
            })
            .await;
            assert!(
                !page.exists("verify-submit").await,
                "the page still offers to verify a registration that is gone"
            );
            page.set_viewport(PHONE).await;
            page.assert_no_horizontal_scroll("the verify page of a lost username")
                .await;
            page.screenshot("verify-username-taken-phone").await;
            page.click("register-again").await;
            page.wait_for_path("/register").await;
            page.find("register-username").await;
        },
    )
    .await;
}

#[tokio::test]
async fn an_address_that_got_an_account_meanwhile_leads_to_sign_in() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "grace@example.com";
            page.register("grace", email, PASSWORD).await;
            let code = page.verification_code(email).await;
            // The owner of the address registers again elsewhere and confirms that registration first.
            page.app.register("hopper", email, PASSWORD).await;
            let second = page
                .app
                .smtp
                .wait_for_nth_mail(email, VERIFY_EMAIL, 2)
                .await
                .code();
            page.app.verify(email, &second).await;

            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.wait_for_text(
                "already-registered",
                "say the address has an account",
                |t| t.contains("already has an account"),
            )
            .await;
            page.find("reset-password-link").await;
            page.set_viewport(PHONE).await;
            page.assert_no_horizontal_scroll("the verify page of an address with an account")
                .await;
            page.screenshot("verify-already-registered-phone").await;
            page.set_viewport(DESKTOP).await;
            page.click("sign-in-link").await;
            page.wait_for_path("/login").await;
            page.log_in("hopper", PASSWORD).await;
            page.expect_dashboard("hopper", email).await;
        },
    )
    .await;
}
