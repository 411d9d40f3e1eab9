//! No source can lock the owner out: failures are counted where they come from, a device the owner signed
//! in with is paused only by its own failures, a reset ends the pauses strangers caused, and an address
//! locked against code guessing still gets codes whose mailed link works.

use std::collections::HashMap;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    cookie_value, expect_problem, set_cookie, spawn_app_with, tokens, wrong_code, TestApp,
    PASSWORD, PASSWORD_RESET,
};

const OWNER_IP: &str = "198.51.100.10";
const WRONG: &str = "not the password at all";

fn behind_a_proxy(vars: &mut HashMap<String, String>) {
    vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    vars.insert("LOGIN_LOCKOUT_THRESHOLD".into(), "3".into());
    vars.insert("LOGIN_LOCKOUT_ACCOUNT_THRESHOLD".into(), "6".into());
    vars.insert("LOGIN_LOCKOUT_BASE_SECONDS".into(), "600".into());
    vars.insert("LOGIN_LOCKOUT_MAX_SECONDS".into(), "900".into());
    vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "0".into());
    vars.insert("LIMIT_CODE_CHECKS_PER_IP_PER_HOUR".into(), "0".into());
}

/// A login from `ip`, with the device cookie `device` when given.
async fn login_from(app: &TestApp, ip: &str, password: &str, device: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", ip)
        .json(&json!({"login": "alice", "password": password}));
    if let Some(device) = device {
        request = request.header(reqwest::header::COOKIE, format!("device={device}"));
    }
    request.send().await.unwrap()
}

/// `n` wrong passwords from `ip`, returning their statuses.
async fn wrong_from(app: &TestApp, ip: &str, n: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..n {
        statuses.push(login_from(app, ip, WRONG, None).await.status().as_u16());
    }
    statuses
}

async fn owner(app: &TestApp) {
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
}

#[tokio::test]
async fn wrong_passwords_from_one_source_pause_that_source_not_the_owner() {
    let app = spawn_app_with(behind_a_proxy).await;
    owner(&app).await;

    assert_eq!(
        wrong_from(&app, "203.0.113.66", 4).await,
        [401, 401, 401, 429]
    );

    let from_home = login_from(&app, OWNER_IP, PASSWORD, None).await;
    assert_eq!(from_home.status(), StatusCode::OK);
    let attacker = login_from(&app, "203.0.113.66", PASSWORD, None).await;
    assert_eq!(attacker.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn many_sources_pause_the_account_but_never_the_owners_signed_in_device() {
    let app = spawn_app_with(behind_a_proxy).await;
    owner(&app).await;
    let signed_in = login_from(&app, OWNER_IP, PASSWORD, None).await;
    let device = cookie_value(&set_cookie(signed_in.headers(), "device").expect("a device cookie"));
    assert!(!device.is_empty());

    // Three sources, two wrong passwords each: no source pauses, but the account does.
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        assert_eq!(wrong_from(&app, ip, 2).await, [401, 401]);
    }
    let new_device = login_from(&app, "192.0.2.200", PASSWORD, None).await;
    expect_problem(new_device, 429, "rate_limited").await;

    let known_device = login_from(&app, "192.0.2.200", PASSWORD, Some(&device)).await;
    assert_eq!(known_device.status(), StatusCode::OK);
    // A device cookie is good for its own account only: forged or foreign ones count for nothing.
    let forged = login_from(&app, "192.0.2.201", PASSWORD, Some("bm9uY2U.c2lnbmF0dXJl")).await;
    expect_problem(forged, 429, "rate_limited").await;
}

#[tokio::test]
async fn a_reset_by_mailed_code_ends_the_pause_that_strangers_caused() {
    let app = spawn_app_with(behind_a_proxy).await;
    owner(&app).await;
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        wrong_from(&app, ip, 2).await;
    }
    expect_problem(
        login_from(&app, OWNER_IP, PASSWORD, None).await,
        429,
        "rate_limited",
    )
    .await;

    app.forgot_password(&json!({"email": "alice@example.com"}))
        .await;
    let code = app
        .smtp
        .wait_for_mail("alice@example.com", PASSWORD_RESET)
        .await
        .code();
    let reset = app
        .reset_password(&json!({"email": "alice@example.com", "code": code, "new_password": "a brand new start 7 for the owner"}))
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);

    let after = login_from(&app, OWNER_IP, "a brand new start 7 for the owner", None).await;
    tokens(after).await;
}

/// A reset with `body` from `ip`.
async fn reset_from(app: &TestApp, ip: &str, body: &Value) -> Response {
    app.client
        .post(app.url("/api/auth/password/reset"))
        .header("X-Forwarded-For", ip)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn twenty_wrong_reset_codes_from_a_stranger_do_not_keep_the_owner_from_resetting() {
    let app = spawn_app_with(|vars| {
        behind_a_proxy(vars);
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
        // The address's hourly mail allowance is another feature; here every round mails a code.
        vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_HOUR".into(), "0".into());
        vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR".into(), "0".into());
        vars.insert("CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR".into(), "0".into());
    })
    .await;
    owner(&app).await;
    let email = "alice@example.com";

    // The stranger asks for codes and guesses: four codes, five wrong tries each.
    for round in 1..=4 {
        app.forgot_password(&json!({"email": email})).await;
        let code = app
            .smtp
            .wait_for_nth_mail(email, PASSWORD_RESET, round)
            .await
            .code();
        for _ in 0..5 {
            let guess = json!({"email": email, "code": wrong_code(&code), "new_password": "the stranger's pick 123"});
            let status = reset_from(&app, "203.0.113.9", &guess).await.status();
            assert!(
                status == 400 || status == 429,
                "a wrong code answered {status}"
            );
        }
    }

    // The owner still gets a code, and the mailed link (code and link token) resets the password.
    let forgot = app.forgot_password(&json!({"email": email})).await;
    assert_eq!(forgot.status(), StatusCode::ACCEPTED);
    let mail = app.smtp.wait_for_nth_mail(email, PASSWORD_RESET, 5).await;
    let alone =
        json!({"email": email, "code": mail.code(), "new_password": "the owner's new one 42"});
    expect_problem(
        reset_from(&app, OWNER_IP, &alone).await,
        429,
        "too_many_attempts",
    )
    .await;
    let by_link = json!({"email": email, "code": mail.code(), "new_password": "the owner's new one 42", "link_token": mail.link_token()});
    assert_eq!(
        reset_from(&app, OWNER_IP, &by_link).await.status(),
        StatusCode::NO_CONTENT
    );
    tokens(login_from(&app, OWNER_IP, "the owner's new one 42", None).await).await;
}
