//! A forgotten password: the mailed code sets a new one, and only the new one signs in.

use crate::browser::{run, Page};
use crate::helpers::{PASSWORD, PASSWORD_RESET};

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_mailed_code() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "alan@example.com";
            let new_password = "quiet otters paddle upstream";
            page.app.register_and_verify("alan", email, PASSWORD).await;

            page.goto("/login").await;
            page.click("forgot-password-link").await;
            page.wait_for_path("/forgot-password").await;
            page.fill("forgot-email", email).await;
            page.click("forgot-submit").await;
            page.wait_for_path("/reset-password").await;

            let code = page
                .app
                .smtp
                .wait_for_mail(email, PASSWORD_RESET)
                .await
                .code();
            page.type_code(&code).await;
            page.fill("reset-password", new_password).await;
            page.click("reset-submit").await;
            page.wait_for_path("/login").await;
            page.wait_for_text("notice-banner", "say the password was changed", |t| {
                t.contains("password was changed")
            })
            .await;

            // The old password no longer works; the new one does.
            page.fill("login-login", email).await;
            page.fill("login-password", PASSWORD).await;
            page.click("login-submit").await;
            page.wait_for_text("login-password-error", "refuse the old password", |t| {
                !t.trim().is_empty()
            })
            .await;
            assert_eq!(page.path().await, "/login");

            page.log_in(email, new_password).await;
            page.expect_dashboard("alan", email).await;
        },
    )
    .await;
}
