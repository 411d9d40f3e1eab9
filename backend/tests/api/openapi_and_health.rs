//! The health check and the OpenAPI description of the contract.

use reqwest::StatusCode;

use crate::helpers::{expect_json, spawn_app};

#[tokio::test]
async fn health_reports_the_server_and_the_database_ok() {
    let app = spawn_app().await;

    let response = app.health().await;

    let body = expect_json(response, StatusCode::OK).await;
    assert_eq!(body["status"], "ok", "{body}");
    assert_eq!(body["database"], "ok", "{body}");
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_describes_every_endpoint() {
    let app = spawn_app().await;

    let response = app.openapi().await;

    let body = expect_json(response, StatusCode::OK).await;
    let version = body["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1"), "openapi is {version:?}");
    let paths = body["paths"]
        .as_object()
        .unwrap_or_else(|| panic!("no paths in the OpenAPI document"));
    let missing: Vec<&str> = [
        "/api/auth/register",
        "/api/auth/verify-email",
        "/api/auth/resend-code",
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/me",
        "/api/auth/password/forgot",
        "/api/auth/password/reset",
        "/api/health",
    ]
    .into_iter()
    .filter(|path| !paths.contains_key(*path))
    .collect();
    assert!(
        missing.is_empty(),
        "the OpenAPI document lacks {missing:?}; it has {:?}",
        paths.keys().collect::<Vec<_>>()
    );
    // The CAPTCHA's wire types come from the shared crate and still document themselves.
    let schemas = &body["components"]["schemas"];
    assert_eq!(
        schemas["Challenge"]["properties"]["salt"]["example"],
        "3f2a9c0d5e7b41a8c6d2e0f1a4b7c9d3?expires=1700000300&",
        "{schemas}"
    );
    assert_eq!(
        schemas["Solution"]["properties"]["algorithm"]["example"], "SHA-256",
        "{schemas}"
    );
}
