//! `POST /api/auth/code-status`: how long the code of a mailed link has left, for the page that link
//! opens in another browser; told only to whoever has the link (code and token), the same `410` to all
//! others, and nothing counted or spent.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_json, expect_problem, spawn_app, timestamp, PASSWORD, VERIFY_EMAIL};

#[tokio::test]
async fn the_mailed_link_tells_how_long_its_code_has_left_and_nothing_else_does() {
    let app = spawn_app().await;
    let registered = app.register("alice", "alice@example.com", PASSWORD).await;
    let mail = app
        .smtp
        .wait_for_mail("alice@example.com", VERIFY_EMAIL)
        .await;
    let (code, link) = (mail.code(), mail.link_token());
    let status = |body: serde_json::Value| {
        let app = &app;
        async move {
            app.client
                .post(app.url("/api/auth/code-status"))
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };

    let answer = status(json!({"email": "Alice@Example.com", "code": code, "link_token": link, "purpose": "verify_email"})).await;
    let body = expect_json(answer, StatusCode::OK).await;
    assert_eq!(
        timestamp(&body["expires_at"]),
        timestamp(&registered["expires_at"])
    );
    let left = body["expires_in"].as_i64().unwrap();
    assert!((1..=300).contains(&left), "{body}");

    // Without the link's own token, with another address, or for another purpose: one answer.
    for body in [
        json!({"email": "alice@example.com", "code": code, "link_token": "x".repeat(22), "purpose": "verify_email"}),
        json!({"email": "bob@example.com", "code": code, "link_token": link, "purpose": "verify_email"}),
        json!({"email": "alice@example.com", "code": code, "link_token": link, "purpose": "password_reset"}),
    ] {
        expect_problem(status(body).await, 410, "code_expired").await;
    }
    let missing =
        status(json!({"email": "alice@example.com", "code": code, "purpose": "verify_email"}))
            .await;
    assert!(missing.status().is_client_error());

    // Asking counted no wrong try and spent nothing: the code still verifies, and then it is gone.
    let verified = app
        .verify_email(&json!({"email": "alice@example.com", "code": code}))
        .await;
    assert_eq!(verified.status(), 200);
    expect_problem(
        status(json!({"email": "alice@example.com", "code": code, "link_token": link, "purpose": "verify_email"})).await,
        410,
        "code_expired",
    )
    .await;
}
