//! Under pressure the server asks for a proof-of-work CAPTCHA; the browser solves it by itself and the
//! person only sees the registration go through.

use serde_json::json;

use crate::browser::{run, Page};
use crate::helpers::PASSWORD;

#[tokio::test]
async fn a_registration_asked_for_a_captcha_is_solved_by_the_browser_and_goes_through() {
    run(
        |vars| {
            // The second mail request from this IP in an hour needs a solved puzzle.
            vars.insert("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR".into(), "1".into());
            vars.insert("CAPTCHA_DIFFICULTY".into(), "20000".into());
        },
        |page: Page| async move {
            let first = page
                .app
                .post_register(&json!({"username": "first", "email": "first@example.com", "password": PASSWORD}))
                .await;
            assert_eq!(first.status(), 202);
            // Without a solution the server now refuses: the browser has real work to do.
            let refused = page
                .app
                .post_register(&json!({"username": "probe", "email": "probe@example.com", "password": PASSWORD}))
                .await;
            assert_eq!(refused.status(), 428);

            page.register("grace", "grace@example.com", PASSWORD).await;
            let code = page.verification_code("grace@example.com").await;
            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.expect_dashboard("grace", "grace@example.com").await;
        },
    )
    .await;
}
