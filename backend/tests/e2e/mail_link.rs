//! The link in the verification mail fills in the page but never verifies by itself: mail scanners
//! follow links, so the person still confirms with a click. The address and code travel in the link's
//! fragment, which the browser never sends to the server.

use crate::browser::{run, Page};
use crate::helpers::PASSWORD;

#[tokio::test]
async fn the_mailed_link_prefills_the_code_and_waits_for_a_click() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "linus@example.com";
            page.register("linus", email, PASSWORD).await;
            let (link, code) = page.mailed_verify_link(email).await;

            // Opened in the tab that registered: its registration token proves who registered, so no
            // password is asked for.
            page.goto(&link).await;
            page.wait_for_code_boxes(&code).await;
            page.settle().await;
            page.settle().await;
            assert_eq!(page.path().await, "/verify");
            assert!(
                !page.exists("verify-password").await,
                "the tab that registered is asked for the password"
            );
            let events = page.app.audit_events();
            assert!(
                !events.iter().any(|e| e.event == "code_verified"),
                "opening the link verified the address"
            );

            page.click("verify-submit").await;
            page.expect_dashboard("linus", email).await;
        },
    )
    .await;
}

#[tokio::test]
async fn a_link_mailed_before_the_fragment_still_prefills_the_page() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "ken@example.com";
            page.register("ken", email, PASSWORD).await;
            let code = page.verification_code(email).await;

            page.goto(&format!("/verify?email=ken%40example.com&code={code}"))
                .await;
            page.wait_for_code_boxes(&code).await;
            assert_eq!(page.text("verify-email-address").await, email);
            page.click("verify-submit").await;
            page.expect_dashboard("ken", email).await;
        },
    )
    .await;
}
