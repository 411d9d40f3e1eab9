//! Registration to dashboard and back: the code from the mail, logout, login, and a reload that keeps
//! the session through the refresh cookie.

use crate::browser::{run, Page};
use crate::helpers::PASSWORD;

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

            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.expect_dashboard("linus", email).await;
        },
    )
    .await;
}
