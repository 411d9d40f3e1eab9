//! Verifying the address with the e-mailed code: the right code signs in, wrong codes are counted, codes
//! expire and are single use.

use std::collections::HashMap;

use chrono::Duration as ChronoDuration;
use serde_json::json;

use crate::helpers::{
    expect_problem, field_errors, retry_after, spawn_app, spawn_app_with, timestamp, tokens,
    wait_until_past, wrong_code, PASSWORD, VERIFY_EMAIL,
};

#[tokio::test]
async fn the_right_code_activates_the_account_and_signs_in() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("alice", "alice@example.com", PASSWORD)
        .await;

    let response = app
        .verify_email(&json!({"email": "alice@example.com", "code": code}))
        .await;

    let tokens = tokens(response).await;
    assert_eq!(tokens.token_type, "Bearer");
    assert!(tokens.expires_in > 0);
    assert!(!tokens.access_token.is_empty() && !tokens.refresh_token.is_empty());
    assert!(tokens.user.email_verified);
    assert_eq!(tokens.user.username, "alice");
    let me = app.me(&tokens.access_token).await;
    assert_eq!(me.status(), 200, "{}", me.text().await.unwrap());
    let me: shared::api::User = me.json().await.unwrap();
    assert_eq!(me.id, tokens.user.id);
    assert!(me.email.eq_ignore_ascii_case("alice@example.com"));
    assert!(me.email_verified);
}

#[tokio::test]
async fn a_wrong_code_reports_the_attempts_left() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("bob", "bob@example.com", PASSWORD)
        .await;
    let wrong = wrong_code(&code);

    for remaining in [4, 3, 2, 1] {
        let response = app
            .verify_email(&json!({"email": "bob@example.com", "code": wrong}))
            .await;
        let (problem, _) = expect_problem(response, 400, "invalid_code").await;
        assert_eq!(problem["attempts_remaining"], remaining, "{problem}");
    }
}

#[tokio::test]
async fn five_wrong_codes_void_the_code_even_for_the_right_one() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("carol", "carol@example.com", PASSWORD)
        .await;
    let wrong = wrong_code(&code);
    for _ in 0..4 {
        let response = app
            .verify_email(&json!({"email": "carol@example.com", "code": wrong}))
            .await;
        expect_problem(response, 400, "invalid_code").await;
    }
    // The fifth wrong try voids the code at once.
    let fifth = app
        .verify_email(&json!({"email": "carol@example.com", "code": wrong}))
        .await;
    let (problem, headers) = expect_problem(fifth, 429, "too_many_attempts").await;
    assert_eq!(problem["attempts_remaining"], 0, "{problem}");
    assert!(retry_after(&headers) > 0);

    let response = app
        .verify_email(&json!({"email": "carol@example.com", "code": code}))
        .await;

    let (_, headers) = expect_problem(response, 429, "too_many_attempts").await;
    assert!(retry_after(&headers) > 0);
}

#[tokio::test]
async fn a_code_works_only_once() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("dave", "dave@example.com", PASSWORD)
        .await;
    app.verify("dave@example.com", &code).await;

    let again = app
        .verify_email(&json!({"email": "dave@example.com", "code": code}))
        .await;

    let status = again.status().as_u16();
    let (problem, _) = crate::helpers::problem(again).await;
    assert!(
        status == 410 || status == 400,
        "a spent code answered {status}: {problem}"
    );
}

#[tokio::test]
async fn an_expired_code_is_refused_as_expired() {
    let app = spawn_app_with(|vars: &mut HashMap<String, String>| {
        vars.insert("OTP_TTL_SECONDS".into(), "1".into());
    })
    .await;
    let body = app.register("erin", "erin@example.com", PASSWORD).await;
    let expires_at = timestamp(&body["expires_at"]);
    let code = app
        .smtp
        .wait_for_mail("erin@example.com", VERIFY_EMAIL)
        .await
        .code();
    // `expires_at` may be rounded to the second.
    wait_until_past(expires_at + ChronoDuration::seconds(1)).await;

    let response = app
        .verify_email(&json!({"email": "erin@example.com", "code": code}))
        .await;

    expect_problem(response, 410, "code_expired").await;
}

#[tokio::test]
async fn verifying_an_address_that_never_registered_reports_an_expired_code() {
    let app = spawn_app().await;

    let by_token = app
        .verify_email(&json!({"email": "nobody@example.com", "code": "123456", "registration_token": "made-up"}))
        .await;
    expect_problem(by_token, 410, "code_expired").await;
    let by_password = app
        .verify_email(
            &json!({"email": "nobody@example.com", "code": "123456", "password": PASSWORD}),
        )
        .await;
    expect_problem(by_password, 410, "code_expired").await;
}

#[tokio::test]
async fn a_code_without_the_registration_token_or_the_password_is_refused() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("zoe", "zoe@example.com", PASSWORD)
        .await;

    let response = app
        .verify_email_as_sent(&json!({"email": "zoe@example.com", "code": code}))
        .await;

    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    assert!(!field_errors(&problem, "registration_token").is_empty());
    // Nothing was spent: the code still works with the token.
    app.verify("zoe@example.com", &code).await;
}

#[tokio::test]
async fn a_malformed_code_is_a_validation_error() {
    let app = spawn_app().await;

    let response = app
        .verify_email(&json!({"email": "frank@example.com", "code": "12ab"}))
        .await;

    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    field_errors(&problem, "code");
}
