//! Every page at desktop and phone width: no sideways scrolling at 360 px, and a screenshot of each.

use crate::browser::{run, Page, DESKTOP, PHONE};
use crate::helpers::{PASSWORD, PASSWORD_RESET};

/// Checks the page at both widths and photographs it as `<name>-desktop.png` and `<name>-phone.png`.
async fn check_and_photograph(page: &Page, name: &str) {
    for viewport in [DESKTOP, PHONE] {
        page.set_viewport(viewport).await;
        page.assert_no_horizontal_scroll(&format!("the {name} page ({})", viewport.name))
            .await;
        page.screenshot(&format!("{name}-{}", viewport.name)).await;
    }
    page.set_viewport(DESKTOP).await;
}

#[tokio::test]
async fn no_page_scrolls_sideways_on_a_phone() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "katherine@example.com";
            page.goto("/register").await;
            page.find("register-submit").await;
            check_and_photograph(&page, "register").await;

            page.register("katherine", email, PASSWORD).await;
            page.find("code-countdown").await;
            check_and_photograph(&page, "verify").await;

            let code = page.verification_code(email).await;
            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.expect_dashboard("katherine", email).await;
            page.find("session-row").await;
            check_and_photograph(&page, "dashboard").await;

            page.click("logout-button").await;
            page.wait_for_path("/login").await;
            page.find("notice-banner").await;
            check_and_photograph(&page, "login").await;

            page.click("forgot-password-link").await;
            page.wait_for_path("/forgot-password").await;
            page.find("forgot-submit").await;
            check_and_photograph(&page, "forgot-password").await;

            page.fill("forgot-email", email).await;
            page.click("forgot-submit").await;
            page.wait_for_path("/reset-password").await;
            page.app.smtp.wait_for_mail(email, PASSWORD_RESET).await;
            page.find("code-countdown").await;
            check_and_photograph(&page, "reset-password").await;

            page.goto("/no/such/page").await;
            page.find("not-found").await;
            check_and_photograph(&page, "not-found").await;
        },
    )
    .await;
}
