//! Registering with an address that already has an account: the same answer as a fresh registration, a
//! notice to the owner instead of a code, and the existing account untouched.

use serde_json::json;

use crate::helpers::{
    expect_json, expect_problem, keys, spawn_app, ACCOUNT_EXISTS, PASSWORD, VERIFY_EMAIL,
};
use reqwest::StatusCode;

#[tokio::test]
async fn registering_a_verified_address_again_mails_the_owner_a_notice_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let fresh = app
        .register("someone", "someone@example.com", PASSWORD)
        .await;

    let response = app
        .post_register(&json!({"username": "mallory", "email": "Alice@Example.com", "password": "an intruder's passphrase"}))
        .await;

    let body = expect_json(response, StatusCode::ACCEPTED).await;
    assert_eq!(keys(&body), keys(&fresh));
    let notice = app
        .smtp
        .wait_for_mail("alice@example.com", ACCOUNT_EXISTS)
        .await;
    assert!(!notice.subject.trim().is_empty());
    assert_eq!(
        app.smtp.mails("alice@example.com", VERIFY_EMAIL).len(),
        1,
        "the owner got a new code instead of a notice"
    );

    let login = app.login_ok("alice", PASSWORD).await;
    assert_eq!(login.user.id, owner.user.id);
    assert_eq!(login.user.username, "alice");
    // To its registrant, the registration of a taken address looks exactly like any pending one.
    for login in ["mallory", "alice@example.com"] {
        let response = app
            .login(&json!({"login": login, "password": "an intruder's passphrase"}))
            .await;
        expect_problem(response, 403, "email_not_verified").await;
    }
}

#[tokio::test]
async fn the_username_of_a_refused_duplicate_stays_free() {
    let app = spawn_app().await;
    app.register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let response = app
        .post_register(
            &json!({"username": "bobs_twin", "email": "bob@example.com", "password": PASSWORD}),
        )
        .await;
    expect_json(response, StatusCode::ACCEPTED).await;
    app.smtp
        .wait_for_mail("bob@example.com", ACCOUNT_EXISTS)
        .await;

    let tokens = app
        .register_and_verify("bobs_twin", "twin@example.com", PASSWORD)
        .await;

    assert_eq!(tokens.user.username, "bobs_twin");
}
