//! The client under the server's strict Content-Security-Policy: it starts and works without a single
//! violation (every test also fails on any violation; this one looks at the policy itself).

use reqwest::header::CONTENT_SECURITY_POLICY;

use crate::browser::{run, Page};

#[tokio::test]
async fn the_client_runs_under_the_strict_content_security_policy() {
    run(
        |_| {},
        |page: Page| async move {
            let response = page.app.get("/register").await;
            let policy = response
                .headers()
                .get(CONTENT_SECURITY_POLICY)
                .expect("the page is served with a CSP")
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                policy.contains("script-src 'self' 'wasm-unsafe-eval'")
                    && !policy.contains("unsafe-inline"),
                "not the strict policy: {policy}"
            );

            page.goto("/register").await;
            let inline_scripts = page
                .eval(
                    "return document.querySelectorAll('script:not([src])').length",
                    vec![],
                )
                .await;
            assert_eq!(inline_scripts, 0, "the page carries inline scripts");
            // The WebAssembly client runs: it judges a field as it is left.
            page.fill("register-email", "not-an-address").await;
            page.click("register-username").await;
            page.wait_for_text("register-email-error", "reject the address", |t| {
                !t.trim().is_empty()
            })
            .await;
            let violations = page.eval("return window.__cspViolations", vec![]).await;
            assert_eq!(violations, serde_json::json!([]));
        },
    )
    .await;
}
