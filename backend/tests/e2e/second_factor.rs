//! The authenticator app: set up from the key the security page shows (as a person types it into an app),
//! then asked for after the password, by keyboard; and a recovery code in its place, which works once.

use fantoccini::key::Key;

use crate::authenticator::{
    recovery_codes_shown, sign_in_to_second_step, sign_out, start_setup, type_at_caret,
    wait_for_the_qr_code,
};
use crate::browser::{run, Page};
use crate::helpers::{wrong_code, PASSWORD};

/// From the second step's first box, by keyboard: past the six boxes to "Use a recovery code instead",
/// and Enter; the recovery code's field takes the caret.
async fn switch_to_a_recovery_code(page: &Page) {
    for i in 1..6 {
        page.press(Key::Tab).await;
        page.wait_for_focus(&format!("code-digit-{i}")).await;
    }
    page.press(Key::Tab).await;
    page.wait_for_focus("mfa-code-switch").await;
    page.press(Key::Enter).await;
    page.wait_for_focus("mfa-code-recovery").await;
    assert_eq!(
        page.attr("mfa-code", "data-kind").await.as_deref(),
        Some("recovery")
    );
}

#[tokio::test]
async fn the_app_set_up_from_the_shown_key_is_asked_for_after_the_password_and_a_recovery_code_works_once(
) {
    run(
        |_| {},
        |page: Page| async move {
            let email = "ada@example.com";
            page.register_and_verify("ada", email, PASSWORD).await;
            assert_eq!(page.text("dashboard-mfa").await, "Off");
            assert_eq!(
                page.attr("dashboard-mfa", "data-enabled").await.as_deref(),
                Some("false")
            );

            page.click("security-link").await;
            page.wait_for_path("/security").await;
            assert_eq!(
                page.attr("security-status", "data-enabled")
                    .await
                    .as_deref(),
                Some("false")
            );
            let mut app = start_setup(&page).await;
            wait_for_the_qr_code(&page).await;

            // By keyboard: the reading position is on the QR code's heading; past the app link to the
            // boxes, the code the app computed from the typed key, and Enter.
            page.press(Key::Tab).await;
            page.wait_for_focus("totp-open-app").await;
            page.press(Key::Tab).await;
            page.wait_for_focus("code-digit-0").await;
            let code = app.next_code().await;
            type_at_caret(&page, &code).await;
            page.press(Key::Enter).await;

            page.find("recovery-codes-panel").await;
            let codes = recovery_codes_shown(&page).await;
            page.wait_for_text("notice-banner", "say the app is on", |t| {
                t.contains("The authenticator app is on")
            })
            .await;
            assert_eq!(
                page.attr("security-status", "data-enabled")
                    .await
                    .as_deref(),
                Some("true")
            );
            page.click("recovery-codes-done").await;
            page.wait_for_absence("recovery-codes-panel").await;
            assert_eq!(
                page.count("recovery-code").await,
                0,
                "the codes stay on show"
            );
            page.find("totp-disable").await;
            page.click("security-back").await;
            page.wait_for_path("/dashboard").await;
            page.wait_for_text("dashboard-mfa", "show the app on", |t| t == "On")
                .await;
            assert_eq!(
                page.attr("dashboard-mfa", "data-enabled").await.as_deref(),
                Some("true")
            );

            // The password alone no longer signs in: the second step asks for the app's code. A wrong
            // one is refused with the tries left, and the boxes are ready for the next.
            sign_out(&page).await;
            sign_in_to_second_step(&page, "ada", PASSWORD).await;
            assert!(!page.exists("dashboard-username").await);
            let code = app.next_code().await;
            type_at_caret(&page, &wrong_code(&code)).await;
            page.press(Key::Enter).await;
            page.wait_for_text("mfa-code-error", "refuse the wrong code", |t| {
                t.contains("That code is not right") && t.contains("4 attempts left")
            })
            .await;
            page.wait_for_code_boxes("").await;
            page.wait_for_focus("code-digit-0").await;
            assert_eq!(page.path().await, "/login");
            type_at_caret(&page, &code).await;
            page.press(Key::Enter).await;
            page.expect_dashboard("ada", email).await;

            // A recovery code in the app's place, typed as people do (the case does not matter).
            sign_out(&page).await;
            sign_in_to_second_step(&page, "ada", PASSWORD).await;
            switch_to_a_recovery_code(&page).await;
            page.keys(&codes[0].to_uppercase()).await;
            page.press(Key::Enter).await;
            page.expect_dashboard("ada", email).await;

            // The same recovery code a second time: refused, and the step goes on.
            sign_out(&page).await;
            sign_in_to_second_step(&page, "ada", PASSWORD).await;
            switch_to_a_recovery_code(&page).await;
            page.keys(&codes[0]).await;
            page.press(Key::Enter).await;
            page.wait_for_text("mfa-code-error", "refuse the spent recovery code", |t| {
                t.contains("used before") && t.contains("4 attempts left")
            })
            .await;
            assert_eq!(page.path().await, "/login");
            assert!(!page.exists("dashboard-username").await);
            // Another of the ten still works.
            page.fill("mfa-code-recovery", &codes[1]).await;
            page.press(Key::Enter).await;
            page.expect_dashboard("ada", email).await;
        },
    )
    .await;
}
