//! The account's own data: everything kept about it as one JSON document (never a code, hash or secret),
//! and deleting it, which takes the password (and a code while the second factor is on), frees the
//! username and address at once and says goodbye.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use shared::api::TokenResponse;

use crate::admin_helpers::{
    app_code, call, leaks, login_from_browser, not_an_app_code, turn_on_factor, BROWSER,
};
use crate::helpers::{
    expect_json, expect_problem, field_errors, spawn_app, tokens, wrong_code, TestApp, PASSWORD,
    PASSWORD_RESET, VERIFY_EMAIL,
};

const ACCOUNT_DELETED: &str = "account_deleted";
const EXPORT: &str = "/api/me/export";
const ME: &str = "/api/me";

async fn delete_me(app: &TestApp, token: Option<&str>, body: &Value) -> Response {
    call(app, Method::DELETE, ME, token, Some(body)).await
}

/// The account is still there and signed in.
async fn still_there(app: &TestApp, session: &TokenResponse) {
    let me = app.me(&session.access_token).await;
    assert_eq!(me.status(), 200, "the account went away: {:?}", me);
}

/// The account of `session` (alice) is gone: its tokens and password open nothing, a goodbye mail
/// arrives, and the username and address register and verify again as a new account.
async fn gone_and_free_again(app: &TestApp, session: &TokenResponse, password: &str) {
    expect_problem(app.me(&session.access_token).await, 401, "unauthorized").await;
    let refresh = app
        .refresh(Some(&json!({"refresh_token": session.refresh_token})))
        .await;
    expect_problem(refresh, 401, "invalid_token").await;
    let login = app
        .login(&json!({"login": "alice", "password": password}))
        .await;
    expect_problem(login, 401, "invalid_credentials").await;
    let goodbye = app
        .smtp
        .wait_for_mail("alice@example.com", ACCOUNT_DELETED)
        .await;
    assert!(goodbye.text.contains("alice"), "{goodbye:?}");

    app.register("alice", "alice@example.com", PASSWORD).await;
    let code = app
        .smtp
        .wait_for_nth_mail("alice@example.com", VERIFY_EMAIL, 2)
        .await
        .code();
    let new = app.verify("alice@example.com", &code).await;
    assert_ne!(new.user.id, session.user.id);
    assert_eq!(new.user.username, "alice");
    let export = expect_json(
        call(app, Method::GET, EXPORT, Some(&new.access_token), None).await,
        StatusCode::OK,
    )
    .await;
    let old_id = session.user.id.to_string();
    assert!(
        export["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["user_id"] != old_id.as_str()),
        "the new account's data holds the old one's events: {export}"
    );
}

#[tokio::test]
async fn the_export_holds_everything_kept_about_the_account_and_no_secret() {
    let app = spawn_app().await;
    let anonymous = call(&app, Method::GET, EXPORT, None, None).await;
    expect_problem(anonymous, 401, "unauthorized").await;

    let code = app
        .register_for_code("alice", "alice@example.com", PASSWORD)
        .await;
    let wrong = app
        .verify_email(&json!({"email": "alice@example.com", "code": wrong_code(&code)}))
        .await;
    expect_problem(wrong, 400, "invalid_code").await;
    let first = app.verify("alice@example.com", &code).await;
    let second = tokens(login_from_browser(&app, "alice", PASSWORD).await).await;
    assert_eq!(app.logout(&second.access_token).await.status(), 204);
    let forgot = app
        .forgot_password(&json!({"email": "alice@example.com"}))
        .await;
    assert_eq!(forgot.status(), 202);
    let reset_code = app
        .smtp
        .wait_for_mail("alice@example.com", PASSWORD_RESET)
        .await
        .code();
    let factor = turn_on_factor(&app, &first.access_token).await;
    app.register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;

    let response = call(&app, Method::GET, EXPORT, Some(&first.access_token), None).await;
    let disposition = response
        .headers()
        .get(reqwest::header::CONTENT_DISPOSITION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(disposition.starts_with("attachment"), "{disposition:?}");
    let export = expect_json(response, StatusCode::OK).await;

    assert_eq!(export["user"]["id"], first.user.id.to_string(), "{export}");
    assert_eq!(export["user"]["username"], "alice");
    assert_eq!(export["user"]["email"], "alice@example.com");
    assert_eq!(export["user"]["mfa_enabled"], true);
    assert_eq!(export["second_factor"]["enabled"], true, "{export}");
    assert_eq!(
        export["second_factor"]["recovery_codes_left"], 10,
        "{export}"
    );

    let sessions = export["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{export}");
    let ended = sessions
        .iter()
        .find(|s| s["revoked_at"].is_string())
        .unwrap_or_else(|| panic!("the signed-out session is missing: {export}"));
    assert_eq!(ended["user_agent"], BROWSER, "{ended}");
    assert_eq!(ended["ip"], "127.0.0.1", "{ended}");
    assert!(
        sessions.iter().any(|s| s["revoked_at"].is_null()),
        "the open session is missing: {export}"
    );

    let kinds: Vec<&str> = export["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for expected in [
        "registered",
        "code_sent",
        "email_verified",
        "login_succeeded",
        "logout",
        "mfa_enabled",
    ] {
        assert!(kinds.contains(&expected), "{expected} missing: {kinds:?}");
    }
    let mails: Vec<&str> = export["mails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    for expected in [VERIFY_EMAIL, PASSWORD_RESET] {
        assert!(mails.contains(&expected), "{expected} missing: {mails:?}");
    }
    let codes: Vec<(&str, &str)> = export["codes"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|c| (c["event"].as_str().unwrap(), c["purpose"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("issued", "verify_email"),
            ("failed", "verify_email"),
            ("verified", "verify_email"),
            ("issued", "password_reset"),
        ],
        "{export}"
    );

    // Only alice's data, and none of her secrets.
    let text = export.to_string();
    assert!(!text.contains("bob"), "another account's data: {export}");
    assert!(!text.contains("$argon2"), "a password hash: {export}");
    let mut secrets = factor.secrets();
    secrets.extend([
        code,
        reset_code,
        PASSWORD.to_owned(),
        first.refresh_token.clone(),
        second.refresh_token.clone(),
        first.access_token.clone(),
    ]);
    let found = leaks(&export, &secrets);
    assert!(
        found.is_empty(),
        "secrets in the export: {found:?}\n{export}"
    );
}

#[tokio::test]
async fn deleting_the_account_takes_its_password_and_frees_the_username_and_address() {
    let app = spawn_app().await;
    let alice = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let token = Some(alice.access_token.as_str());

    let anonymous = delete_me(&app, None, &json!({"password": PASSWORD})).await;
    expect_problem(anonymous, 401, "unauthorized").await;
    let wrong = delete_me(&app, token, &json!({"password": "not the password"})).await;
    let (problem, _) = expect_problem(wrong, 422, "validation_failed").await;
    field_errors(&problem, "password");
    still_there(&app, &alice).await;
    let empty = delete_me(&app, token, &json!({})).await;
    let (problem, _) = expect_problem(empty, 422, "validation_failed").await;
    assert!(
        problem.to_string().contains("password"),
        "the missing field is not named: {problem}"
    );
    let unknown = delete_me(
        &app,
        token,
        &json!({"password": PASSWORD, "reason": "moving on"}),
    )
    .await;
    let (problem, _) = expect_problem(unknown, 422, "validation_failed").await;
    assert!(
        problem.to_string().contains("reason"),
        "the unknown field is not named: {problem}"
    );
    still_there(&app, &alice).await;
    app.login_ok("alice", PASSWORD).await;

    let deleted = delete_me(&app, token, &json!({"password": PASSWORD})).await;
    assert_eq!(deleted.status(), 204, "{}", deleted.text().await.unwrap());

    gone_and_free_again(&app, &alice, PASSWORD).await;
}

#[tokio::test]
async fn with_the_second_factor_on_deleting_the_account_also_takes_a_code() {
    let app = spawn_app().await;
    let alice = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let factor = turn_on_factor(&app, &alice.access_token).await;
    let token = Some(alice.access_token.as_str());

    let missing = delete_me(&app, token, &json!({"password": PASSWORD})).await;
    let (problem, _) = expect_problem(missing, 422, "validation_failed").await;
    field_errors(&problem, "code");
    let wrong = not_an_app_code(&factor.secret);
    let wrong_code = delete_me(&app, token, &json!({"password": PASSWORD, "code": wrong})).await;
    expect_problem(wrong_code, 400, "invalid_code").await;
    let wrong_password = delete_me(
        &app,
        token,
        &json!({"password": "not the password", "code": wrong}),
    )
    .await;
    let (problem, _) = expect_problem(wrong_password, 422, "validation_failed").await;
    field_errors(&problem, "password");
    still_there(&app, &alice).await;

    let right = json!({"password": PASSWORD, "code": app_code(&factor.secret, 0)});
    let deleted = delete_me(&app, token, &right).await;
    assert_eq!(deleted.status(), 204, "{}", deleted.text().await.unwrap());

    gone_and_free_again(&app, &alice, PASSWORD).await;
}

#[tokio::test]
async fn two_deletions_at_once_delete_the_account_once_and_neither_fails() {
    let app = spawn_app().await;
    let alice = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let body = json!({"password": PASSWORD});

    let (first, second) = tokio::join!(
        delete_me(&app, Some(&alice.access_token), &body),
        delete_me(&app, Some(&alice.access_token), &body),
    );

    let mut answers = Vec::new();
    for response in [first, second] {
        let status = response.status();
        answers.push((status, response.text().await.unwrap()));
    }
    assert!(
        answers.iter().all(|(s, _)| !s.is_server_error()),
        "a deletion failed: {answers:?}"
    );
    assert_eq!(
        answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::NO_CONTENT)
            .count(),
        1,
        "not exactly one deletion: {answers:?}"
    );
    assert!(
        answers
            .iter()
            .all(|(s, _)| *s == StatusCode::NO_CONTENT || s.is_client_error()),
        "{answers:?}"
    );
    gone_and_free_again(&app, &alice, PASSWORD).await;
}
