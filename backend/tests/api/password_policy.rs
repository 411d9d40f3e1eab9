//! New passwords that are common, guessable or made of the account's own name are refused in words.

use serde_json::json;

use crate::helpers::{
    expect_problem, field_errors, spawn_app, wrong_code, PASSWORD, PASSWORD_RESET,
};

#[tokio::test]
async fn a_common_password_is_refused_with_a_reason_and_nothing_is_created() {
    let app = spawn_app().await;
    for weak in ["password1", "12345678", "qwertyuiop"] {
        let response = app
            .post_register(
                &json!({"username": "alice", "email": "alice@example.com", "password": weak}),
            )
            .await;
        let (problem, _) = expect_problem(response, 422, "validation_failed").await;
        let messages = field_errors(&problem, "password");
        assert!(
            messages[0].starts_with("is too easy to guess"),
            "{weak}: {messages:?}"
        );
    }
    assert_eq!(app.smtp.mail_count("alice@example.com"), 0);
    // The username was not taken by the refused attempts.
    let ok = app
        .post_register(
            &json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(ok.status(), 202);
}

#[tokio::test]
async fn a_password_holding_the_username_or_address_is_refused() {
    let app = spawn_app().await;
    let response = app
        .post_register(&json!({"username": "zebrafish", "email": "z@example.com", "password": "I am zebrafish 2026!"}))
        .await;
    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    assert_eq!(
        field_errors(&problem, "password"),
        ["must not contain your username"]
    );

    let response = app
        .post_register(&json!({"username": "someone", "email": "marmalade@example.com", "password": "marmalade on toast daily"}))
        .await;
    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    assert_eq!(
        field_errors(&problem, "password"),
        ["must not contain your e-mail address"]
    );
}

#[tokio::test]
async fn a_reset_to_a_password_naming_the_user_is_refused_without_spending_the_code() {
    let app = spawn_app().await;
    app.register_and_verify("quokka", "q@example.com", PASSWORD)
        .await;
    app.forgot_password(&json!({"email": "q@example.com"}))
        .await;
    let code = app
        .smtp
        .wait_for_mail("q@example.com", PASSWORD_RESET)
        .await
        .code();

    let response = app
        .reset_password(&json!({"email": "q@example.com", "code": code, "new_password": "quokka quokka quokka"}))
        .await;
    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    assert_eq!(
        field_errors(&problem, "new_password"),
        ["must not contain your username"]
    );

    // Without the code the username check is not even reached, so it cannot reveal the username.
    let probing = app
        .reset_password(&json!({"email": "q@example.com", "code": wrong_code(&code), "new_password": "quokka quokka quokka"}))
        .await;
    expect_problem(probing, 400, "invalid_code").await;

    let response = app
        .reset_password(&json!({"email": "q@example.com", "code": code, "new_password": "a brand new passphrase"}))
        .await;
    assert_eq!(response.status(), 204);
}
