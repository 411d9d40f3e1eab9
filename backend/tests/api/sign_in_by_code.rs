//! Signing in with an e-mailed code instead of the password: the same answers for unknown addresses,
//! codes bound to their purpose, and the second factor still asked for.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    expect_json, expect_problem, keys, spawn_app, tokens, wrong_code, TestApp, PASSWORD,
    PASSWORD_RESET, VERIFY_EMAIL,
};

const LOGIN_CODE: &str = "login_code";

async fn ask(app: &TestApp, email: &str) -> Response {
    app.client
        .post(app.url("/api/auth/login/code"))
        .json(&json!({"email": email}))
        .send()
        .await
        .unwrap()
}

async fn answer(app: &TestApp, body: &Value) -> Response {
    app.client
        .post(app.url("/api/auth/login/code/verify"))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_mailed_code_signs_in_and_works_once() {
    let app = spawn_app().await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let sent = expect_json(ask(&app, "Alice@Example.com").await, StatusCode::ACCEPTED).await;
    assert_eq!(
        keys(&sent),
        ["email", "expires_at", "expires_in", "resend_after"]
    );
    let mail = app
        .smtp
        .wait_for_mail("alice@example.com", LOGIN_CODE)
        .await;
    assert!(
        mail.links().iter().any(|l| l.contains("/login/code#")),
        "{}",
        mail.text
    );

    let wrong = answer(
        &app,
        &json!({"email": "alice@example.com", "code": wrong_code(&mail.code())}),
    )
    .await;
    expect_problem(wrong, 400, "invalid_code").await;
    let signed_in = tokens(
        answer(
            &app,
            &json!({"email": "alice@example.com", "code": mail.code()}),
        )
        .await,
    )
    .await;
    assert_eq!(signed_in.user.username, "alice");
    let again = answer(
        &app,
        &json!({"email": "alice@example.com", "code": mail.code()}),
    )
    .await;
    expect_problem(again, 410, "code_expired").await;
}

#[tokio::test]
async fn unknown_and_pending_addresses_get_the_same_answer_and_no_mail() {
    let app = spawn_app().await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    app.register("pending", "pending@example.com", PASSWORD)
        .await;

    let known = expect_json(ask(&app, "alice@example.com").await, StatusCode::ACCEPTED).await;
    for address in ["nobody@example.com", "pending@example.com"] {
        let body = expect_json(ask(&app, address).await, StatusCode::ACCEPTED).await;
        assert_eq!(keys(&body), keys(&known));
        let guess = answer(&app, &json!({"email": address, "code": "123456"})).await;
        expect_problem(guess, 400, "invalid_code").await;
    }
    // Mail goes out in order: once the known address's code has arrived, the others' would have too.
    app.smtp
        .wait_for_mail("alice@example.com", LOGIN_CODE)
        .await;
    assert!(app.smtp.mails("nobody@example.com", LOGIN_CODE).is_empty());
    assert!(app.smtp.mails("pending@example.com", LOGIN_CODE).is_empty());
}

#[tokio::test]
async fn a_code_is_bound_to_its_purpose() {
    let app = spawn_app().await;
    let verify_code = app
        .register_for_code("alice", "alice@example.com", PASSWORD)
        .await;
    app.verify("alice@example.com", &verify_code).await;
    app.forgot_password(&json!({"email": "alice@example.com"}))
        .await;
    let reset_code = app
        .smtp
        .wait_for_mail("alice@example.com", PASSWORD_RESET)
        .await
        .code();
    expect_json(ask(&app, "alice@example.com").await, StatusCode::ACCEPTED).await;
    let login_code = app
        .smtp
        .wait_for_mail("alice@example.com", LOGIN_CODE)
        .await
        .code();

    // A reset code never signs in (unless it happens to equal the sign-in code).
    if reset_code != login_code {
        let crossed = answer(
            &app,
            &json!({"email": "alice@example.com", "code": reset_code}),
        )
        .await;
        expect_problem(crossed, 400, "invalid_code").await;
    }
    // And a sign-in code never resets a password.
    if login_code != reset_code {
        let crossed = app
            .reset_password(&json!({"email": "alice@example.com", "code": login_code, "new_password": "another fine passphrase 9"}))
            .await;
        expect_problem(crossed, 400, "invalid_code").await;
    }
    assert!(app.smtp.mails("alice@example.com", VERIFY_EMAIL).len() == 1);
}

#[tokio::test]
async fn with_a_second_factor_a_mailed_code_leads_to_the_second_step() {
    let app = spawn_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let setup: Value = app
        .client
        .post(app.url("/api/me/mfa/totp/setup"))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = otp_portal::auth::totp::decode_base32(setup["secret"].as_str().unwrap()).unwrap();
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    let enable = app
        .client
        .post(app.url("/api/me/mfa/totp/enable"))
        .bearer_auth(&session.access_token)
        .json(&json!({"code": otp_portal::auth::totp::code_at(&secret, now - 30).unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(enable.status(), StatusCode::OK);

    expect_json(ask(&app, "alice@example.com").await, StatusCode::ACCEPTED).await;
    let code = app
        .smtp
        .wait_for_mail("alice@example.com", LOGIN_CODE)
        .await
        .code();
    let step = expect_json(
        answer(&app, &json!({"email": "alice@example.com", "code": code})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(step["mfa_required"], true, "{step}");
    assert!(step.get("access_token").is_none());
    let done = app
        .client
        .post(app.url("/api/auth/login/mfa"))
        .json(&json!({"mfa_token": step["mfa_token"], "code": otp_portal::auth::totp::code_at(&secret, now).unwrap()}))
        .send()
        .await
        .unwrap();
    tokens(done).await;
}

#[tokio::test]
async fn one_mailed_code_presented_ten_times_at_once_opens_one_session() {
    let app = spawn_app().await;
    app.register_and_verify("gina", "gina@example.com", PASSWORD)
        .await;
    expect_json(ask(&app, "gina@example.com").await, StatusCode::ACCEPTED).await;
    let code = app
        .smtp
        .wait_for_mail("gina@example.com", LOGIN_CODE)
        .await
        .code();
    let body = json!({"email": "gina@example.com", "code": code});
    let (app, body) = (&app, &body);
    let answers = futures::future::join_all((0..10).map(|_| answer(app, body))).await;
    let mut opened = 0;
    for response in answers {
        if response.status() == StatusCode::OK {
            let session = tokens(response).await;
            expect_json(app.me(&session.access_token).await, StatusCode::OK).await;
            opened += 1;
        } else {
            // Spent by the first: the others find no code.
            expect_problem(response, 410, "code_expired").await;
        }
    }
    assert_eq!(opened, 1);
}
