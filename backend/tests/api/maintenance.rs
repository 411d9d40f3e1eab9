//! Pending accounts that are never verified are purged, which frees their username.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_problem, poll_until, spawn_app_with, PASSWORD, VERIFY_EMAIL};

#[tokio::test]
async fn an_unverified_account_is_purged_and_its_username_freed() {
    let app = spawn_app_with(|vars| {
        vars.insert("PENDING_ACCOUNT_TTL_SECONDS".into(), "1".into());
        vars.insert("MAINTENANCE_INTERVAL_SECONDS".into(), "1".into());
    })
    .await;
    let first_code = app
        .register_for_code("alice", "first@example.com", PASSWORD)
        .await;

    let freed = poll_until(Duration::from_secs(20), || async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let response = app
            .post_register(
                &json!({"username": "alice", "email": "second@example.com", "password": PASSWORD}),
            )
            .await;
        match response.status() {
            StatusCode::ACCEPTED => Some(()),
            StatusCode::CONFLICT => None,
            other => panic!(
                "registering a taken username answered {other}: {}",
                response.text().await.unwrap()
            ),
        }
    })
    .await;

    assert!(freed.is_some(), "the pending account was never purged");
    let code = app
        .smtp
        .wait_for_mail("second@example.com", VERIFY_EMAIL)
        .await
        .code();
    let tokens = app.verify("second@example.com", &code).await;
    assert_eq!(tokens.user.username, "alice");
    let purged = app
        .verify_email(&json!({"email": "first@example.com", "code": first_code}))
        .await;
    expect_problem(purged, 410, "code_expired").await;
}
