//! The link in the verification mail fills in the page but never verifies by itself: mail scanners
//! follow links, so the person still confirms with a click.

use serde_json::json;

use crate::browser::{run, Page};
use crate::helpers::{PASSWORD, VERIFY_EMAIL};

#[tokio::test]
async fn the_mailed_link_prefills_the_code_and_waits_for_a_click() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "linus@example.com";
            let registered = page
                .app
                .post_register(&json!({"username": "linus", "email": email, "password": PASSWORD}))
                .await;
            assert_eq!(registered.status(), 202);
            let mail = page.app.smtp.wait_for_mail(email, VERIFY_EMAIL).await;
            let code = mail.code();
            let link = mail
                .links()
                .into_iter()
                .find(|l| l.contains("/verify?"))
                .expect("the mail links to the verify page");
            // The test server's public URL names port 0; keep the path and query of the link.
            let path = &link[link.find("/verify?").unwrap()..];
            assert!(path.contains(&code), "{path}");

            page.goto(path).await;
            page.wait_for_code_boxes(&code).await;
            page.settle().await;
            page.settle().await;
            assert_eq!(page.path().await, "/verify");
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
