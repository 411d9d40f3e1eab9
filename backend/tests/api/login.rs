//! Signing in with a username or an address, and the answers that must not tell accounts apart.

use serde_json::json;

use crate::helpers::{expect_problem, field_errors, spawn_app, PASSWORD};

#[tokio::test]
async fn login_works_with_the_username_or_the_address_ignoring_case() {
    let app = spawn_app().await;
    let registered = app
        .register_and_verify("Alice_1", "Alice.Login@Example.com", PASSWORD)
        .await;

    for login in [
        "Alice_1",
        "alice_1",
        "ALICE_1",
        "Alice.Login@Example.com",
        "alice.login@example.com",
        "ALICE.LOGIN@EXAMPLE.COM",
    ] {
        let tokens = app.login_ok(login, PASSWORD).await;
        assert_eq!(tokens.token_type, "Bearer");
        assert!(tokens.expires_in > 0);
        assert_eq!(tokens.user.id, registered.user.id, "login {login}");
        let me = app.me(&tokens.access_token).await;
        assert_eq!(me.status(), 200, "login {login}");
    }
}

#[tokio::test]
async fn a_wrong_password_is_refused() {
    let app = spawn_app().await;
    app.register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;

    let response = app
        .login(&json!({"login": "bob", "password": "not the password"}))
        .await;

    expect_problem(response, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn an_unknown_login_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    app.register_and_verify("carol", "carol@example.com", PASSWORD)
        .await;

    let wrong_password = app
        .login(&json!({"login": "carol", "password": "not the password"}))
        .await;
    let unknown = app
        .login(&json!({"login": "nobody", "password": "not the password"}))
        .await;
    let unknown_address = app
        .login(&json!({"login": "nobody@example.com", "password": PASSWORD}))
        .await;

    let (wrong_password, _) = expect_problem(wrong_password, 401, "invalid_credentials").await;
    for response in [unknown, unknown_address] {
        let (unknown, _) = expect_problem(response, 401, "invalid_credentials").await;
        for member in ["type", "title", "status", "code", "detail"] {
            assert_eq!(
                unknown.get(member),
                wrong_password.get(member),
                "{member} tells an unknown login from a wrong password"
            );
        }
        assert_eq!(unknown, wrong_password);
    }
}

#[tokio::test]
async fn an_unverified_account_with_the_right_password_is_told_to_verify() {
    let app = spawn_app().await;
    app.register("dave", "dave@example.com", PASSWORD).await;

    let by_name = app
        .login(&json!({"login": "dave", "password": PASSWORD}))
        .await;
    let by_address = app
        .login(&json!({"login": "dave@example.com", "password": PASSWORD}))
        .await;

    expect_problem(by_name, 403, "email_not_verified").await;
    expect_problem(by_address, 403, "email_not_verified").await;
}

#[tokio::test]
async fn an_unverified_account_with_a_wrong_password_gets_invalid_credentials() {
    let app = spawn_app().await;
    app.register("erin", "erin@example.com", PASSWORD).await;

    let response = app
        .login(&json!({"login": "erin", "password": "not the password"}))
        .await;

    expect_problem(response, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn an_empty_login_is_a_validation_error() {
    let app = spawn_app().await;

    let response = app.login(&json!({"login": "", "password": PASSWORD})).await;

    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    field_errors(&problem, "login");
}
