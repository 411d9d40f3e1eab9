//! The interactive API reference at `/api/docs` renders every operation in Chromium, from the bundled
//! files alone and without a Content-Security-Policy violation.

use serde_json::Value;

use crate::browser::{run, Page};

#[tokio::test]
async fn the_api_reference_lists_every_operation_without_breaking_the_csp() {
    run(
        |_| {},
        |page: Page| async move {
            let document: Value = page
                .app
                .client
                .get(page.app.url("/api/openapi.json"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            // One block per method and path.
            let documented: u64 = document["paths"]
                .as_object()
                .unwrap()
                .values()
                .map(|item| item.as_object().map_or(0, |ops| ops.len() as u64))
                .sum();
            assert!(documented > 30, "{documented} operations documented");

            page.client
                .goto(&page.app.url("/api/docs"))
                .await
                .expect("opening /api/docs");
            page.wait_for("Swagger UI to list every operation", || async {
                let shown = page
                    .eval(
                        "return document.querySelectorAll('.opblock').length",
                        vec![],
                    )
                    .await;
                (shown.as_u64() == Some(documented)).then_some(())
            })
            .await;
            let title = page
                .eval(
                    "return document.querySelector('.info .title').textContent",
                    vec![],
                )
                .await;
            assert!(
                title.as_str().unwrap_or_default().contains("OTP Portal"),
                "{title}"
            );
            page.assert_no_page_errors().await;
        },
    )
    .await;
}
