//! Changing the password from a signed-in session.

use serde_json::json;

use crate::helpers::{
    expect_problem, field_errors, spawn_app, TestApp, PASSWORD, PASSWORD_CHANGED,
};

const NEW_PASSWORD: &str = "an entirely different passphrase";

async fn change(app: &TestApp, token: Option<&str>, body: serde_json::Value) -> reqwest::Response {
    let mut request = app.client.post(app.url("/api/me/password")).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_change_keeps_this_session_signs_out_the_others_and_tells_the_owner() {
    let app = spawn_app().await;
    let here = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let elsewhere = app.login_ok("alice", PASSWORD).await;

    let response = change(
        &app,
        Some(&here.access_token),
        json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    )
    .await;
    assert_eq!(response.status(), 204);

    assert_eq!(app.me(&here.access_token).await.status(), 200);
    assert_eq!(app.me(&elsewhere.access_token).await.status(), 401);
    let old = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    expect_problem(old, 401, "invalid_credentials").await;
    app.login_ok("alice", NEW_PASSWORD).await;
    app.smtp
        .wait_for_mail("alice@example.com", PASSWORD_CHANGED)
        .await;
    assert!(app
        .audit_events()
        .iter()
        .any(|e| e.event == "password_changed"));
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_changes_nothing() {
    let app = spawn_app().await;
    let tokens = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;

    let wrong = change(
        &app,
        Some(&tokens.access_token),
        json!({"current_password": "not the password", "new_password": NEW_PASSWORD}),
    )
    .await;
    let (problem, _) = expect_problem(wrong, 422, "validation_failed").await;
    assert_eq!(
        field_errors(&problem, "current_password"),
        ["is not your current password"]
    );

    let weak = change(
        &app,
        Some(&tokens.access_token),
        json!({"current_password": PASSWORD, "new_password": "password1"}),
    )
    .await;
    let (problem, _) = expect_problem(weak, 422, "validation_failed").await;
    assert!(field_errors(&problem, "new_password")[0].starts_with("is too easy to guess"));

    app.login_ok("bob", PASSWORD).await;
    assert_eq!(
        app.smtp.mail_count("bob@example.com"),
        1,
        "only the verification mail"
    );
}

#[tokio::test]
async fn changing_the_password_needs_a_session() {
    let app = spawn_app().await;
    let response = change(
        &app,
        None,
        json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    )
    .await;
    expect_problem(response, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_stolen_session_cannot_guess_the_password_faster_than_a_login() {
    let app = spawn_app().await;
    let stolen = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    // The login pause's threshold (LOGIN_LOCKOUT_THRESHOLD, 5 by default) holds for guesses made
    // through a signed-in session too: the sixth wrong one is paused, not checked.
    for guess in 1..=5 {
        let response = change(
            &app,
            Some(&stolen.access_token),
            json!({"current_password": format!("guess number {guess}"), "new_password": NEW_PASSWORD}),
        )
        .await;
        expect_problem(response, 422, "validation_failed").await;
    }
    let paused = change(
        &app,
        Some(&stolen.access_token),
        json!({"current_password": "guess number 6", "new_password": NEW_PASSWORD}),
    )
    .await;
    let (_, headers) = expect_problem(paused, 429, "rate_limited").await;
    assert!(crate::helpers::retry_after(&headers) > 0);
    // The same pause covers the other changes that ask for the password...
    let delete = app
        .client
        .delete(app.url("/api/me"))
        .bearer_auth(&stolen.access_token)
        .json(&json!({"password": "guess number 7"}))
        .send()
        .await
        .unwrap();
    expect_problem(delete, 429, "rate_limited").await;
    // ...and the owner is told that their password is being guessed.
    app.smtp
        .wait_for_mail("alice@example.com", crate::helpers::LOGIN_THROTTLED)
        .await;
    // The right password, from this source, waits for the pause like a login would.
    let right = change(
        &app,
        Some(&stolen.access_token),
        json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
    )
    .await;
    expect_problem(right, 429, "rate_limited").await;
}
