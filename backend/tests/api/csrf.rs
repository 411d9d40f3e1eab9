//! A refresh authenticated by the cookie alone needs a header that a cross-site form cannot send.

use crate::helpers::{expect_problem, spawn_app, PASSWORD};

#[tokio::test]
async fn a_cookie_refresh_without_the_csrf_header_is_refused_and_spends_nothing() {
    let app = spawn_app().await;
    let tokens = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let forged = app
        .refresh_with_cookie_only(&tokens.refresh_token)
        .send()
        .await
        .unwrap();
    expect_problem(forged, 403, "csrf_header_required").await;

    // The refused call did not spend the token: the real client can still use it.
    let genuine = app.refresh_with_cookie(&tokens.refresh_token).await;
    assert_eq!(genuine.status(), 200);
}

#[tokio::test]
async fn a_refresh_token_in_the_body_needs_no_csrf_header() {
    let app = spawn_app().await;
    let tokens = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let response = app
        .refresh(Some(
            &serde_json::json!({"refresh_token": tokens.refresh_token}),
        ))
        .await;
    assert_eq!(response.status(), 200);
}
