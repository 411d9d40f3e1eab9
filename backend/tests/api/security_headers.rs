//! Security headers on every response: API answers, errors, and the client.

use crate::helpers::{spawn_app, spawn_app_with};

const EXPECTED: [(&str, &str); 5] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
];

fn assert_secure(response: &reqwest::Response, what: &str) {
    let headers = response.headers();
    for (name, value) in EXPECTED {
        assert_eq!(
            headers.get(name).map(|v| v.to_str().unwrap()),
            Some(value),
            "{what}: {name}"
        );
    }
    let csp = headers["content-security-policy"].to_str().unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{what}: CSP {csp:?} lacks {directive:?}"
        );
    }
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert!(headers.contains_key("permissions-policy"), "{what}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    assert_secure(&app.health().await, "health");
    assert_secure(&app.get("/api/nope").await, "API 404");
    assert_secure(&app.get("/").await, "client route");
    let refused = app
        .client
        .post(app.url("/api/auth/login"))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_secure(&refused, "malformed JSON");
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_public_url_is_https() {
    let plain = spawn_app().await;
    assert!(!plain
        .health()
        .await
        .headers()
        .contains_key("strict-transport-security"));

    let tls = spawn_app_with(|vars| {
        vars.insert("PUBLIC_URL".into(), "https://id.example.com".into());
    })
    .await;
    let response = tls.health().await;
    let hsts = response.headers()["strict-transport-security"]
        .to_str()
        .unwrap();
    assert!(
        hsts.starts_with("max-age=") && hsts.contains("includeSubDomains"),
        "{hsts}"
    );
}
