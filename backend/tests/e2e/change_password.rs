//! The dashboard's change-password form: the server's verdict under the field it concerns, the local
//! check before sending, the notice on success, and only the new password signing in afterwards.

use crate::browser::{run, Page};
use crate::helpers::PASSWORD;

#[tokio::test]
async fn the_dashboard_changes_the_password_after_refusing_a_wrong_current_one_and_weak_new_ones() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "edsger@example.com";
            let new_password = "velvet lanterns hum at dusk";
            page.app
                .register_and_verify("edsger", email, PASSWORD)
                .await;
            page.log_in("edsger", PASSWORD).await;
            page.expect_dashboard("edsger", email).await;

            // A wrong current password: the server's message under that field, nothing changed.
            page.fill("change-current-password", "not the password at all")
                .await;
            page.fill("change-new-password", new_password).await;
            page.click("change-password-submit").await;
            let wrong = page
                .wait_for_text(
                    "change-current-password-error",
                    "refuse the current password",
                    |t| t.contains("not your current password"),
                )
                .await;
            assert!(!wrong.is_empty());
            assert_eq!(page.text("change-new-password-error").await.trim(), "");
            assert_eq!(page.text("change-password-notice").await.trim(), "");

            // Typing in the field drops the server's message.
            page.fill("change-current-password", PASSWORD).await;
            page.wait_for_text("change-current-password-error", "clear", |t| {
                t.trim().is_empty()
            })
            .await;

            // Too short: refused before sending, with the caret put back in the field.
            page.fill("change-new-password", "short").await;
            page.click("change-password-submit").await;
            page.wait_for_text("change-new-password-error", "ask for 8 characters", |t| {
                t.contains("at least 8 characters")
            })
            .await;
            page.wait_for_focus("change-new-password").await;

            // Long enough but easy to guess: the server's verdict under the new password.
            page.fill("change-new-password", "password1").await;
            page.click("change-password-submit").await;
            page.wait_for_text(
                "change-new-password-error",
                "call it too easy to guess",
                |t| t.contains("too easy to guess"),
            )
            .await;
            assert_eq!(page.text("change-current-password-error").await.trim(), "");

            page.fill("change-new-password", new_password).await;
            page.wait_for_text("change-new-password-error", "clear", |t| {
                t.trim().is_empty()
            })
            .await;
            page.click("change-password-submit").await;
            page.wait_for_text("change-password-notice", "say the password changed", |t| {
                t.contains("Password changed")
            })
            .await;
            assert_eq!(page.path().await, "/dashboard");

            // Typing again puts the notice away.
            page.fill("change-current-password", "x").await;
            page.wait_for_text("change-password-notice", "go away", |t| t.trim().is_empty())
                .await;

            page.click("logout-button").await;
            page.wait_for_path("/login").await;
            page.fill("login-login", email).await;
            page.fill("login-password", PASSWORD).await;
            page.click("login-submit").await;
            page.wait_for_text("login-password-error", "refuse the old password", |t| {
                !t.trim().is_empty()
            })
            .await;
            page.log_in("edsger", new_password).await;
            page.expect_dashboard("edsger", email).await;
        },
    )
    .await;
}
