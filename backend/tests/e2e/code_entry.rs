//! The verify page's code: a wrong one, an expired one, and a new one after the resend cooldown.

use crate::browser::{run, Page};
use crate::helpers::{wrong_code, PASSWORD, VERIFY_EMAIL};

#[tokio::test]
async fn a_wrong_code_shows_the_attempts_left_next_to_the_boxes() {
    run(|_| {}, |page: Page| async move {
        let email = "barbara@example.com";
        page.register("barbara", email, PASSWORD).await;
        let code = page.verification_code(email).await;

        page.type_code(&wrong_code(&code)).await;
        page.click("verify-submit").await;
        page.wait_for_text("code-error", "tell how many attempts are left", |t| {
            t.contains("4 attempts left")
        })
        .await;
        // Next to the boxes: just below them, not in a banner at the top of the page.
        let gap = page
            .eval(
                r#"const boxes = document.querySelector('[data-testid="code-input"]').getBoundingClientRect();
                   const error = document.querySelector('[data-testid="code-error"]').getBoundingClientRect();
                   return error.top - boxes.bottom;"#,
                vec![],
            )
            .await
            .as_f64()
            .unwrap();
        assert!(
            (0.0..=48.0).contains(&gap),
            "the message is {gap} px away from the code boxes"
        );
        page.wait_for_code_boxes("").await;

        page.type_code(&wrong_code(&code)).await;
        page.click("verify-submit").await;
        page.wait_for_text("code-error", "count the attempts down", |t| {
            t.contains("3 attempts left")
        })
        .await;

        page.type_code(&code).await;
        page.click("verify-submit").await;
        page.expect_dashboard("barbara", email).await;
    })
    .await;
}

#[tokio::test]
async fn an_expired_code_says_so_and_leads_back_to_registration() {
    run(
        |vars| {
            vars.insert("OTP_TTL_SECONDS".to_owned(), "2".to_owned());
        },
        |page: Page| async move {
            page.register("edsger", "edsger@example.com", PASSWORD)
                .await;
            page.find("code-expired").await;
            assert!(
                !page.exists("code-countdown").await,
                "the countdown stays next to the expired notice"
            );
            assert!(
                !page.is_enabled("code-digit-0").await,
                "an expired code can still be typed"
            );
            assert!(
                !page.is_enabled("verify-submit").await,
                "an expired code can still be sent"
            );

            page.click("back-to-register").await;
            page.wait_for_path("/register").await;
            page.find("register-username").await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_resend_button_waits_out_its_cooldown_and_the_new_code_verifies() {
    const COOLDOWN: u64 = 5;
    run(
        |vars| {
            vars.insert(
                "OTP_RESEND_COOLDOWN_SECONDS".to_owned(),
                COOLDOWN.to_string(),
            );
        },
        |page: Page| async move {
            let email = "margaret@example.com";
            page.register("margaret", email, PASSWORD).await;
            page.app.smtp.wait_for_mail(email, VERIFY_EMAIL).await;

            // Waiting (marked `aria-disabled`, so it stays in the tab order), with its own countdown next to
            // the code's.
            assert_eq!(
                page.attr("resend-button", "aria-disabled").await.as_deref(),
                Some("true"),
                "resend is usable at once"
            );
            let wait: u64 = page
                .attr("resend-countdown", "data-remaining")
                .await
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                (1..=COOLDOWN).contains(&wait),
                "the resend countdown shows {wait} s for a {COOLDOWN} s cooldown"
            );
            let shown = page.text("resend-countdown").await;
            assert!(
                shown.contains("00:0"),
                "the resend countdown reads {shown:?}"
            );
            let code_left: u64 = page
                .attr("code-countdown", "data-remaining")
                .await
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                code_left > COOLDOWN,
                "the code countdown shows {code_left} s"
            );

            // Usable once the cooldown is over.
            page.wait_for_absence("resend-countdown").await;
            assert_eq!(page.attr("resend-button", "aria-disabled").await, None);

            page.click("resend-button").await;
            let second = page
                .app
                .smtp
                .wait_for_nth_mail(email, VERIFY_EMAIL, 2)
                .await;
            page.wait_for_text("notice-banner", "confirm a new code was sent", |t| {
                t.contains("new code")
            })
            .await;
            page.find("resend-countdown").await;
            assert_eq!(
                page.attr("resend-button", "aria-disabled").await.as_deref(),
                Some("true")
            );

            page.type_code(&second.code()).await;
            page.click("verify-submit").await;
            page.expect_dashboard("margaret", email).await;
        },
    )
    .await;
}
