//! `/api/docs`: the interactive reference is served from the client's bundle, under a CSP that lets
//! scripts come only from this origin.

use crate::helpers::{expect_problem, spawn_app_with};

#[tokio::test]
async fn the_reference_page_loads_its_bundled_files_under_a_strict_script_policy() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    if !dist.join("api-docs/swagger-ui-bundle.js").is_file() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI bundles the reference (scripts/build-frontend.sh)"
        );
        eprintln!("skipping: the reference is not bundled (scripts/build-frontend.sh)");
        return;
    }
    let app = spawn_app_with(|vars| {
        vars.remove("CLIENT_DIR");
    })
    .await;
    let page = app.get("/api/docs").await;
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self';"), "{csp}");
    assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src 'self' 'unsafe-inline'"));
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script>"), "an inline script: {html}");
    for asset in [
        "/api-docs/swagger-ui-bundle.js",
        "/api-docs/swagger-ui.css",
        "/api/docs/init.js",
    ] {
        assert!(html.contains(asset), "{asset} is not on the page");
        let response = app.get(asset).await;
        assert_eq!(response.status(), 200, "{asset}");
    }
    let init = app.get("/api/docs/init.js").await.text().await.unwrap();
    assert!(init.contains("/api/openapi.json"), "{init}");
}

#[tokio::test]
async fn without_the_bundle_the_reference_is_a_clear_404() {
    let app = spawn_app_with(|vars| {
        vars.insert("CLIENT_DIR".into(), "/nonexistent/client".into());
    })
    .await;
    expect_problem(app.get("/api/docs").await, 404, "not_found").await;
}
