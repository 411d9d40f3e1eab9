//! The authenticator-app second factor through the real server: setup confirmed by a code, login in two
//! steps, codes that work once, recovery codes, the second step's lifetime and tries, turning it off.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use shared::api::TokenResponse;

use crate::helpers::{expect_json, expect_problem, spawn_app, tokens, TestApp, PASSWORD};

const SECURITY_NOTICE: &str = "security_notice";

/// An account with its authenticator secret (bytes) and a signed-in session.
struct Protected {
    secret: Vec<u8>,
    /// The time step whose code confirmed the setup: replays name it, not "a step ago", which
    /// turns into an unused step when a 30-second boundary passes during the test.
    confirmed_step: i64,
    session: TokenResponse,
    recovery_codes: Vec<String>,
}

/// The app's code for the step `offset` steps from now (-1, 0 and 1 are accepted; each step once).
fn code(secret: &[u8], offset: i64) -> String {
    step_code(secret, chrono::Utc::now().timestamp() / 30 + offset)
}

/// The app's code for the absolute time step `step` (Unix time / 30).
fn step_code(secret: &[u8], step: i64) -> String {
    otp_portal::auth::totp::code_at(secret, u64::try_from(step * 30).unwrap()).unwrap()
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> Response {
    let mut request = app.client.post(app.url(path)).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn setup(app: &TestApp, access: &str) -> Value {
    let response = post(app, "/api/me/mfa/totp/setup", Some(access), &json!(null)).await;
    expect_json(response, StatusCode::OK).await
}

/// Registers alice and turns the factor on with the code of the previous step, leaving the current and
/// the next step for the test.
async fn protected(app: &TestApp) -> Protected {
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let started = setup(app, &session.access_token).await;
    let secret =
        otp_portal::auth::totp::decode_base32(started["secret"].as_str().unwrap()).unwrap();
    let confirmed_step = chrono::Utc::now().timestamp() / 30 - 1;
    let enabled = post(
        app,
        "/api/me/mfa/totp/enable",
        Some(&session.access_token),
        &json!({"code": step_code(&secret, confirmed_step)}),
    )
    .await;
    let body = expect_json(enabled, StatusCode::OK).await;
    let recovery_codes = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    Protected {
        secret,
        confirmed_step,
        session,
        recovery_codes,
    }
}

/// The `mfa_token` of a login whose password was right.
async fn first_step(app: &TestApp) -> String {
    let response = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    let body = expect_json(response, StatusCode::OK).await;
    assert_eq!(body["mfa_required"], true, "{body}");
    assert_eq!(body["methods"], json!(["totp", "recovery_code"]));
    assert!(
        body.get("access_token").is_none(),
        "tokens before the second step: {body}"
    );
    body["mfa_token"].as_str().unwrap().to_owned()
}

async fn second_step(app: &TestApp, mfa_token: &str, code: &str) -> Response {
    post(
        app,
        "/api/auth/login/mfa",
        None,
        &json!({"mfa_token": mfa_token, "code": code}),
    )
    .await
}

#[tokio::test]
async fn setup_gives_a_secret_an_otpauth_uri_and_an_svg_qr_code_and_counts_only_once_confirmed() {
    let app = spawn_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let body = setup(&app, &session.access_token).await;

    let uri = body["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/127.0.0.1:alice@example.com?"),
        "{uri}"
    );
    assert!(uri.contains(&format!("secret={}", body["secret"].as_str().unwrap())));
    assert!(
        body["qr_svg"].as_str().unwrap().starts_with("<?xml")
            || body["qr_svg"].as_str().unwrap().contains("<svg")
    );
    // Not on until confirmed: the password alone still signs in.
    app.login_ok("alice", PASSWORD).await;
    let me: Value = app.me(&session.access_token).await.json().await.unwrap();
    assert_eq!(me["mfa_enabled"], false);
    // Confirming needs a setup first, and a right code.
    let secret = otp_portal::auth::totp::decode_base32(body["secret"].as_str().unwrap()).unwrap();
    let wrong = post(
        &app,
        "/api/me/mfa/totp/enable",
        Some(&session.access_token),
        &json!({"code": "000000"}),
    )
    .await;
    if code(&secret, 0) != "000000" {
        expect_problem(wrong, 400, "invalid_code").await;
    }
}

#[tokio::test]
async fn with_the_factor_on_a_login_takes_two_steps_and_each_app_code_works_once() {
    let app = spawn_app().await;
    let account = protected(&app).await;
    let me: Value = app
        .me(&account.session.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["mfa_enabled"], true);
    assert_eq!(account.recovery_codes.len(), 10);
    app.smtp
        .wait_for_mail("alice@example.com", SECURITY_NOTICE)
        .await;

    // The code already used to confirm the setup is refused (replay), a later one signs in. Steps
    // are absolute so that a 30-second boundary passing mid-test changes nothing: each is within
    // the accepted window of one step either side for the few seconds the test takes.
    let confirmed = account.confirmed_step;
    let token = first_step(&app).await;
    let replay = second_step(&app, &token, &step_code(&account.secret, confirmed)).await;
    let (problem, _) = expect_problem(replay, 400, "invalid_code").await;
    assert_eq!(problem["attempts_remaining"], 4);
    let next = step_code(&account.secret, confirmed + 1);
    let signed_in = tokens(second_step(&app, &token, &next).await).await;
    assert_eq!(signed_in.user.username, "alice");
    assert!(signed_in.user.mfa_enabled);

    // The token worked once; the code worked once.
    let later = step_code(&account.secret, confirmed + 2);
    let again = second_step(&app, &token, &later).await;
    expect_problem(again, 401, "invalid_token").await;
    let token = first_step(&app).await;
    let replay = second_step(&app, &token, &next).await;
    expect_problem(replay, 400, "invalid_code").await;
    tokens(second_step(&app, &token, &later).await).await;
}

#[tokio::test]
async fn a_recovery_code_works_once_and_the_owner_is_told_how_many_remain() {
    let app = spawn_app().await;
    let account = protected(&app).await;
    let recovery = account.recovery_codes[3].to_uppercase();

    let token = first_step(&app).await;
    tokens(second_step(&app, &token, &recovery).await).await;
    let notice = app
        .smtp
        .wait_for_nth_mail("alice@example.com", SECURITY_NOTICE, 2)
        .await;
    assert!(
        notice.text.contains("9 unused codes remain"),
        "{}",
        notice.text
    );

    let token = first_step(&app).await;
    let reused = second_step(&app, &token, &recovery).await;
    expect_problem(reused, 400, "invalid_code").await;
    let events = app.audit_events();
    assert!(events.iter().any(|e| e.event == "recovery_code_used"));
}

#[tokio::test]
async fn the_second_step_dies_after_five_wrong_codes() {
    let app = spawn_app().await;
    let account = protected(&app).await;
    let right = code(&account.secret, 0);
    let wrong = if right == "111111" {
        "222222"
    } else {
        "111111"
    };

    let token = first_step(&app).await;
    for left in (0..5).rev() {
        let response = second_step(&app, &token, wrong).await;
        let (problem, _) = expect_problem(response, 400, "invalid_code").await;
        assert_eq!(problem["attempts_remaining"], left);
    }
    let too_late = second_step(&app, &token, &right).await;
    expect_problem(too_late, 401, "invalid_token").await;
    // A made-up token is refused the same way.
    let made_up = second_step(&app, "not-a-real-token", &right).await;
    expect_problem(made_up, 401, "invalid_token").await;
}

#[tokio::test]
async fn turning_the_factor_off_or_renewing_codes_needs_the_password_and_a_code() {
    let app = spawn_app().await;
    let account = protected(&app).await;
    let access = &account.session.access_token;

    let wrong_password = post(
        &app,
        "/api/me/mfa/recovery-codes",
        Some(access),
        &json!({"password": "not it at all", "code": code(&account.secret, 0)}),
    )
    .await;
    expect_problem(wrong_password, 422, "validation_failed").await;
    let wrong_code = post(
        &app,
        "/api/me/mfa/recovery-codes",
        Some(access),
        &json!({"password": PASSWORD, "code": "abcde-fghjk"}),
    )
    .await;
    expect_problem(wrong_code, 400, "invalid_code").await;

    let renewed = post(
        &app,
        "/api/me/mfa/recovery-codes",
        Some(access),
        &json!({"password": PASSWORD, "code": account.recovery_codes[0]}),
    )
    .await;
    let renewed = expect_json(renewed, StatusCode::OK).await;
    let fresh = renewed["recovery_codes"][0].as_str().unwrap().to_owned();
    // The older codes died with the renewal.
    let token = first_step(&app).await;
    expect_problem(
        second_step(&app, &token, &account.recovery_codes[1]).await,
        400,
        "invalid_code",
    )
    .await;

    let off = post(
        &app,
        "/api/me/mfa/totp/disable",
        Some(access),
        &json!({"password": PASSWORD, "code": fresh}),
    )
    .await;
    assert_eq!(off.status(), StatusCode::NO_CONTENT);
    app.login_ok("alice", PASSWORD).await;
    let events: Vec<String> = app.audit_events().into_iter().map(|e| e.event).collect();
    for kind in ["mfa_enabled", "recovery_codes_renewed", "mfa_disabled"] {
        assert!(
            events.iter().any(|e| e == kind),
            "{kind} not audited: {events:?}"
        );
    }
}

#[tokio::test]
async fn a_second_setup_while_on_is_refused() {
    let app = spawn_app().await;
    let account = protected(&app).await;
    let again = post(
        &app,
        "/api/me/mfa/totp/setup",
        Some(&account.session.access_token),
        &json!(null),
    )
    .await;
    expect_problem(again, 409, "mfa_already_enabled").await;
}

#[tokio::test]
async fn the_second_step_expires() {
    let app = crate::helpers::spawn_app_with(|vars| {
        vars.insert("MFA_TOKEN_TTL_SECONDS".into(), "1".into());
    })
    .await;
    let account = protected(&app).await;
    let token = first_step(&app).await;

    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let late = second_step(&app, &token, &code(&account.secret, 0)).await;
    expect_problem(late, 401, "invalid_token").await;
}

#[tokio::test]
async fn wrong_second_step_codes_count_toward_the_login_pause() {
    let app = crate::helpers::spawn_app_with(|vars| {
        vars.insert("LOGIN_LOCKOUT_THRESHOLD".into(), "3".into());
        vars.insert("LOGIN_LOCKOUT_BASE_SECONDS".into(), "600".into());
        vars.insert("LOGIN_LOCKOUT_MAX_SECONDS".into(), "900".into());
    })
    .await;
    let account = protected(&app).await;
    let right = code(&account.secret, 0);
    let wrong = if right == "111111" {
        "222222"
    } else {
        "111111"
    };

    // Right passwords, wrong second steps, each with a fresh token: the source still pauses.
    for _ in 0..3 {
        let token = first_step(&app).await;
        let response = second_step(&app, &token, wrong).await;
        expect_problem(response, 400, "invalid_code").await;
    }
    let paused = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    expect_problem(paused, 429, "rate_limited").await;
}
