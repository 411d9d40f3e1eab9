//! Keyboard only: the registration form in tab order, sent with Enter.

use fantoccini::key::Key;

use crate::browser::{run, Page};
use crate::helpers::PASSWORD;

#[tokio::test]
async fn registration_works_with_the_keyboard_alone() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "barbara.liskov@example.com";
            page.goto("/register").await;
            // The first field has the focus from the start.
            page.wait_for_focus("register-username").await;
            page.keys("liskov").await;

            let mut order = vec![page.focused().await];
            for (expected, typed) in [
                ("register-email", Some(email)),
                ("register-password", Some(PASSWORD)),
                ("register-password-reveal", None),
                ("register-submit", None),
            ] {
                page.press(Key::Tab).await;
                page.wait_for_focus(expected).await;
                order.push(page.focused().await);
                if let Some(text) = typed {
                    page.keys(text).await;
                }
            }
            assert_eq!(
                order,
                [
                    "register-username",
                    "register-email",
                    "register-password",
                    "register-password-reveal",
                    "register-submit"
                ]
            );

            // Back into the password field, and Enter sends the form.
            page.keys(&format!(
                "{}{}{}",
                char::from(Key::Shift),
                char::from(Key::Tab),
                char::from(Key::Tab)
            ))
            .await;
            page.wait_for_focus("register-password").await;
            page.press(Key::Enter).await;
            page.wait_for_path("/verify").await;

            // The code, typed where the focus lands, and Enter again.
            let code = page.verification_code(email).await;
            page.wait_for_focus("code-digit-0").await;
            for (i, digit) in code.chars().enumerate() {
                page.wait_for_focus(&format!("code-digit-{i}")).await;
                page.keys(&digit.to_string()).await;
            }
            page.wait_for_code_boxes(&code).await;
            page.press(Key::Enter).await;
            page.expect_dashboard("liskov", email).await;
        },
    )
    .await;
}
