//! Forgotten passwords: a code by mail, a reset that signs every session out, and answers that do not tell
//! known addresses from unknown ones.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    expect_json, expect_problem, field_errors, keys, problem, spawn_app, wrong_code, PASSWORD,
    PASSWORD_CHANGED, PASSWORD_RESET,
};

const NEW_PASSWORD: &str = "a brand new passphrase";

#[tokio::test]
async fn forgot_answers_the_same_for_known_and_unknown_addresses_and_mails_only_the_known() {
    let app = spawn_app().await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let unknown = app
        .forgot_password(&json!({"email": "stranger@example.com"}))
        .await;
    let known = app
        .forgot_password(&json!({"email": "alice@example.com"}))
        .await;

    let unknown = expect_json(unknown, StatusCode::ACCEPTED).await;
    let known = expect_json(known, StatusCode::ACCEPTED).await;
    assert_eq!(keys(&unknown), keys(&known));
    let mail = app
        .smtp
        .wait_for_mail("alice@example.com", PASSWORD_RESET)
        .await;
    assert_eq!(mail.code().len(), 6);
    // Mail goes out in order: the stranger's request came first, so its mail would be here by now.
    assert_eq!(app.smtp.mail_count("stranger@example.com"), 0);
}

#[tokio::test]
async fn a_reset_changes_the_password_and_signs_every_session_out() {
    let app = spawn_app().await;
    let first = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let second = app.login_ok("bob", PASSWORD).await;
    let forgot = app
        .forgot_password(&json!({"email": "bob@example.com"}))
        .await;
    expect_json(forgot, StatusCode::ACCEPTED).await;
    let code = app
        .smtp
        .wait_for_mail("bob@example.com", PASSWORD_RESET)
        .await
        .code();

    let response = app
        .reset_password(
            &json!({"email": "bob@example.com", "code": code, "new_password": NEW_PASSWORD}),
        )
        .await;

    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
    let old = app
        .login(&json!({"login": "bob", "password": PASSWORD}))
        .await;
    expect_problem(old, 401, "invalid_credentials").await;
    app.login_ok("bob", NEW_PASSWORD).await;
    for session in [&first, &second] {
        let me = app.me(&session.access_token).await;
        assert_eq!(me.status(), 401, "{}", me.text().await.unwrap());
        let refresh = app
            .refresh(Some(&json!({"refresh_token": session.refresh_token})))
            .await;
        expect_problem(refresh, 401, "invalid_token").await;
    }
    let notice = app
        .smtp
        .wait_for_mail("bob@example.com", PASSWORD_CHANGED)
        .await;
    assert!(!notice.subject.trim().is_empty());
}

#[tokio::test]
async fn a_wrong_reset_code_reports_the_attempts_left() {
    let app = spawn_app().await;
    app.register_and_verify("carol", "carol@example.com", PASSWORD)
        .await;
    app.forgot_password(&json!({"email": "carol@example.com"}))
        .await;
    let code = app
        .smtp
        .wait_for_mail("carol@example.com", PASSWORD_RESET)
        .await
        .code();

    let response = app
        .reset_password(&json!({"email": "carol@example.com", "code": wrong_code(&code), "new_password": NEW_PASSWORD}))
        .await;

    let (problem, _) = expect_problem(response, 400, "invalid_code").await;
    assert_eq!(problem["attempts_remaining"], 4, "{problem}");
    app.login_ok("carol", PASSWORD).await;
}

#[tokio::test]
async fn a_weak_new_password_is_a_validation_error() {
    let app = spawn_app().await;
    app.register_and_verify("dave", "dave@example.com", PASSWORD)
        .await;
    app.forgot_password(&json!({"email": "dave@example.com"}))
        .await;
    let code = app
        .smtp
        .wait_for_mail("dave@example.com", PASSWORD_RESET)
        .await
        .code();

    let response = app
        .reset_password(
            &json!({"email": "dave@example.com", "code": code, "new_password": "1234567"}),
        )
        .await;

    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    field_errors(&problem, "new_password");
    app.login_ok("dave", PASSWORD).await;
}

#[tokio::test]
async fn a_reset_for_an_unknown_address_does_nothing() {
    let app = spawn_app().await;

    let response = app
        .reset_password(&json!({"email": "stranger@example.com", "code": "123456", "new_password": NEW_PASSWORD}))
        .await;

    let status = response.status().as_u16();
    let (body, _) = problem(response).await;
    assert!(
        status == 410 || status == 400,
        "a reset for an unknown address answered {status}: {body}"
    );
}
