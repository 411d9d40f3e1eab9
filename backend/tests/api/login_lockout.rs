//! Consecutive wrong passwords pause the logins of an account for a short, growing time; the owner is told
//! once by mail; an unknown login pauses the same way, so the pause reveals no account.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;

use crate::helpers::{
    expect_problem, expect_rate_limited, poll_until, spawn_app_with, tokens, TestApp,
    LOGIN_THROTTLED, PASSWORD, PASSWORD_RESET,
};

/// How long the test waits for a pause of a few seconds to end.
const PAUSE_DEADLINE: Duration = Duration::from_secs(20);

fn short_lockout(vars: &mut HashMap<String, String>) {
    vars.insert("LOGIN_LOCKOUT_THRESHOLD".into(), "3".into());
    // Long enough that the attempt after the third failure surely lands inside the pause on a busy machine.
    vars.insert("LOGIN_LOCKOUT_BASE_SECONDS".into(), "4".into());
    vars.insert("LOGIN_LOCKOUT_MAX_SECONDS".into(), "8".into());
    // The per-IP limit is another feature; polling for the end of the pause must not run into it.
    vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "0".into());
}

/// The statuses of three wrong passwords followed by one more attempt with `last_password`.
async fn three_wrong_then(app: &TestApp, login: &str, last_password: &str) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = app
            .login(&json!({"login": login, "password": "not the password"}))
            .await;
        statuses.push(response.status().as_u16());
        expect_problem(response, 401, "invalid_credentials").await;
    }
    let response = app
        .login(&json!({"login": login, "password": last_password}))
        .await;
    statuses.push(response.status().as_u16());
    expect_rate_limited(response).await;
    statuses
}

#[tokio::test]
async fn repeated_wrong_passwords_pause_the_account_then_the_right_one_works_again() {
    let app = spawn_app_with(short_lockout).await;
    let email = "alice@example.com";
    app.register_and_verify("alice", email, PASSWORD).await;

    // The third wrong password is still an ordinary refusal; then even the right password waits.
    let statuses = three_wrong_then(&app, "alice", PASSWORD).await;
    assert_eq!(statuses, [401, 401, 401, 429]);

    let after_pause = poll_until(PAUSE_DEADLINE, || async {
        let response = app
            .login(&json!({"login": "alice", "password": PASSWORD}))
            .await;
        (response.status() != 429).then_some(response)
    })
    .await
    .expect("the pause did not end within 10 s");
    tokens(after_pause).await;

    // The successful login cleared the count: one wrong password is an ordinary refusal.
    let wrong = app
        .login(&json!({"login": "alice", "password": "not the password"}))
        .await;
    expect_problem(wrong, 401, "invalid_credentials").await;

    // The owner was told once. Mail goes out in order: once a later mail has arrived, a second notice
    // would have too.
    app.smtp.wait_for_mail(email, LOGIN_THROTTLED).await;
    app.forgot_password(&json!({"email": email})).await;
    app.smtp.wait_for_mail(email, PASSWORD_RESET).await;
    assert_eq!(app.smtp.mails(email, LOGIN_THROTTLED).len(), 1);

    let events = app.audit_events();
    assert!(
        events.iter().any(|e| e.event == "login_throttled"),
        "{events:?}"
    );
}

#[tokio::test]
async fn an_unknown_login_is_paused_exactly_like_a_known_one() {
    let app = spawn_app_with(short_lockout).await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let known = three_wrong_then(&app, "alice", PASSWORD).await;
    let unknown = three_wrong_then(&app, "nobody", PASSWORD).await;

    assert_eq!(known, unknown);
    let throttled: Vec<_> = app
        .audit_events()
        .into_iter()
        .filter(|e| e.event == "login_throttled")
        .collect();
    assert!(
        throttled.iter().any(|e| e.user_id.is_none()),
        "the paused unknown login is recorded: {throttled:?}"
    );
}
