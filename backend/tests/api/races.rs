//! Throttles and password changes under concurrency: parallel clients get exactly what sequential ones
//! would, and a password that was replaced meanwhile opens nothing and replaces nothing.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;

use crate::admin_helpers::{app_code, turn_on_factor};
use crate::helpers::{
    expect_json, expect_problem, spawn_app_with, tokens, TestApp, LOGIN_THROTTLED, PASSWORD,
    PASSWORD_RESET,
};

fn lockout_at_five(vars: &mut HashMap<String, String>) {
    vars.insert("LOGIN_LOCKOUT_THRESHOLD".into(), "5".into());
    vars.insert("LOGIN_LOCKOUT_BASE_SECONDS".into(), "600".into());
    vars.insert("LOGIN_LOCKOUT_MAX_SECONDS".into(), "900".into());
    vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "0".into());
    vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
    // Every parallel attempt gets a place to wait for a hashing slot, so all of them reach the throttle
    // (with the default queue, most would be turned away with 503 before it).
    vars.insert("PASSWORD_HASH_QUEUE".into(), "64".into());
    // Every round of the reset race mails a code; the address's hourly allowance is another feature.
    vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_HOUR".into(), "0".into());
    vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR".into(), "0".into());
    vars.insert("CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR".into(), "0".into());
}

/// The statuses of `n` wrong passwords for `login`, sent all at once, sorted.
async fn parallel_wrong_passwords(app: &TestApp, login: &str, n: usize) -> Vec<u16> {
    let body = json!({"login": login, "password": "not the password"});
    let responses =
        futures::future::join_all((0..n).map(|_| async { app.login(&body).await })).await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    statuses
}

#[tokio::test]
async fn forty_parallel_wrong_passwords_trip_the_pause_exactly_like_forty_sequential_ones() {
    let app = spawn_app_with(lockout_at_five).await;
    let email = "alice@example.com";
    app.register_and_verify("alice", email, PASSWORD).await;

    let statuses = parallel_wrong_passwords(&app, "alice", 40).await;

    let mut expected = vec![401; 5];
    expected.extend([429; 35]);
    assert_eq!(statuses, expected, "five tries are checked, the rest wait");
    let right = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    // The owner was told exactly once: once a later mail has arrived, a second notice would have too.
    app.smtp.wait_for_mail(email, LOGIN_THROTTLED).await;
    app.forgot_password(&json!({"email": email})).await;
    app.smtp.wait_for_mail(email, PASSWORD_RESET).await;
    assert_eq!(app.smtp.mails(email, LOGIN_THROTTLED).len(), 1);
}

#[tokio::test]
async fn an_unknown_login_under_parallel_guesses_pauses_exactly_like_a_known_one() {
    let app = spawn_app_with(lockout_at_five).await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let known = parallel_wrong_passwords(&app, "alice", 20).await;
    let unknown = parallel_wrong_passwords(&app, "nobody", 20).await;

    assert_eq!(known, unknown);
}

#[tokio::test]
async fn a_login_racing_a_reset_never_leaves_a_session_opened_by_the_old_password() {
    let app = spawn_app_with(lockout_at_five).await;
    let email = "bob@example.com";
    app.register_and_verify("bob", email, PASSWORD).await;
    let mut old_password = PASSWORD.to_owned();

    for round in 1..=8 {
        let new_password = format!("round {round} brand new passphrase");
        app.forgot_password(&json!({"email": email})).await;
        let code = app
            .smtp
            .wait_for_nth_mail(email, PASSWORD_RESET, round)
            .await
            .code();
        let login = json!({"login": "bob", "password": old_password});
        let reset_body = json!({"email": email, "code": code, "new_password": new_password});
        let (login, reset) = tokio::join!(app.login(&login), app.reset_password(&reset_body));
        assert_eq!(reset.status(), StatusCode::NO_CONTENT, "round {round}");
        if login.status() == StatusCode::OK {
            // It committed before the reset, which must have signed it out.
            let session: shared::api::TokenResponse = login.json().await.unwrap();
            let me = app.me(&session.access_token).await;
            assert_eq!(
                me.status(),
                StatusCode::UNAUTHORIZED,
                "round {round}: a session opened with the replaced password outlived the reset"
            );
        }
        old_password = new_password;
    }
    app.login_ok("bob", &old_password).await;
}

#[tokio::test]
async fn a_password_change_racing_a_reset_never_overwrites_it() {
    let app = spawn_app_with(lockout_at_five).await;
    let email = "carol@example.com";
    let session = app.register_and_verify("carol", email, PASSWORD).await;

    app.forgot_password(&json!({"email": email})).await;
    let code = app.smtp.wait_for_mail(email, PASSWORD_RESET).await.code();
    let change =
        json!({"current_password": PASSWORD, "new_password": "changed from the session 1"});
    let change_request = app
        .client
        .post(app.url("/api/me/password"))
        .bearer_auth(&session.access_token)
        .json(&change);
    let reset_body =
        json!({"email": email, "code": code, "new_password": "reset from the mailbox 1"});
    let (changed, reset) = tokio::join!(
        async { change_request.send().await.unwrap() },
        app.reset_password(&reset_body)
    );

    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    // Whichever committed first, the reset is the password that holds at the end: a change that
    // verified the old password never lands after the reset.
    if changed.status() == StatusCode::NO_CONTENT {
        // The change committed first; the reset then replaced it.
    } else {
        expect_problem(changed, 401, "unauthorized").await;
    }
    app.login_ok("carol", "reset from the mailbox 1").await;
    let stale = app
        .login(&json!({"login": "carol", "password": "changed from the session 1"}))
        .await;
    expect_problem(stale, 401, "invalid_credentials").await;
}

/// Limits off: the verification races below come from one client.
fn unlimited(vars: &mut HashMap<String, String>) {
    for limit in [
        "LIMIT_MAIL_PER_IP_PER_HOUR",
        "LIMIT_MAIL_PER_HOUR",
        "CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR",
        "CAPTCHA_AFTER_MAIL_PER_HOUR",
        "LIMIT_CODE_CHECKS_PER_IP_PER_HOUR",
    ] {
        vars.insert(limit.into(), "0".into());
    }
}

#[tokio::test]
async fn forty_verifications_at_once_each_open_their_account() {
    // Many write transactions at once: each waits its turn and none is refused for a busy database.
    let app = spawn_app_with(unlimited).await;
    let mut pending = Vec::new();
    for i in 0..40 {
        let email = format!("user{i}@example.com");
        let code = app
            .register_for_code(&format!("user{i}"), &email, PASSWORD)
            .await;
        pending.push((email, code));
    }
    let app = &app;
    let answers = futures::future::join_all(pending.iter().map(|(email, code)| async move {
        let response = app
            .verify_email(&json!({"email": email, "code": code}))
            .await;
        let status = response.status();
        (status, response.text().await.unwrap())
    }))
    .await;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
}

#[tokio::test]
async fn one_username_registered_from_two_addresses_and_verified_at_once_makes_one_account() {
    // Both registrations hold their code; both verifications run together. Exactly one creates the
    // account, the other is told the name is taken, for each of eight names at once.
    let app = spawn_app_with(unlimited).await;
    let mut pending = Vec::new();
    for name in 0..8 {
        for side in ["a", "b"] {
            let email = format!("name{name}-{side}@example.com");
            let code = app
                .register_for_code(&format!("name{name}"), &email, PASSWORD)
                .await;
            pending.push((name, email, code));
        }
    }
    let app = &app;
    let answers = futures::future::join_all(pending.iter().map(|(name, email, code)| async move {
        let response = app
            .verify_email(&json!({"email": email, "code": code}))
            .await;
        let status = response.status();
        (*name, status, response.text().await.unwrap(), email, code)
    }))
    .await;
    for name in 0..8 {
        let mut both: Vec<_> = answers.iter().filter(|a| a.0 == name).collect();
        both.sort_by_key(|a| a.1);
        let [won, lost] = both[..] else {
            panic!("two answers for name{name}: {both:?}")
        };
        assert_eq!(won.1, StatusCode::OK, "{both:?}");
        assert_eq!(lost.1, StatusCode::CONFLICT, "{both:?}");
        assert!(lost.2.contains("username_taken"), "{both:?}");
        // The loser saw the winner's account and was removed with its code, as when it comes second.
        let again = app
            .verify_email(&json!({"email": lost.3, "code": lost.4}))
            .await;
        expect_problem(again, 410, "code_expired").await;
    }
}

#[tokio::test]
async fn one_code_presented_ten_times_at_once_opens_one_session() {
    let app = spawn_app_with(unlimited).await;
    let email = "once@example.com";
    let code = app.register_for_code("once", email, PASSWORD).await;
    let (app, code) = (&app, &code);
    let answers = futures::future::join_all((0..10).map(|_| async move {
        app.verify_email(&json!({"email": email, "code": code}))
            .await
    }))
    .await;
    let ok = answers
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        answers.iter().map(|r| r.status()).collect::<Vec<_>>()
    );
    for response in answers {
        if response.status() != StatusCode::OK {
            // Spent by the first: the others find no code (or, second, the account already there).
            let status = response.status().as_u16();
            assert!(matches!(status, 409 | 410), "{status}");
        }
    }
}

/// Limits off and pauses far away: the account races below send many right and wrong answers for one
/// account from one client at once, and each must reach the step that decides it.
fn one_account_at_once(vars: &mut HashMap<String, String>) {
    unlimited(vars);
    vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "0".into());
    vars.insert("LOGIN_LOCKOUT_THRESHOLD".into(), "50".into());
    vars.insert("PASSWORD_HASH_QUEUE".into(), "64".into());
}

#[tokio::test]
async fn one_refresh_token_presented_ten_times_at_once_is_spent_once_and_ends_its_session() {
    let app = spawn_app_with(one_account_at_once).await;
    let session = app
        .register_and_verify("dave", "dave@example.com", PASSWORD)
        .await;
    let body = json!({"refresh_token": session.refresh_token});
    let (app, body) = (&app, &body);
    let answers = futures::future::join_all((0..10).map(|_| app.refresh(Some(body)))).await;
    let mut pairs = Vec::new();
    for answer in answers {
        if answer.status() == StatusCode::OK {
            pairs.push(tokens(answer).await);
        } else {
            expect_problem(answer, 401, "invalid_token").await;
        }
    }
    assert_eq!(pairs.len(), 1, "one of the ten spent the token");
    // The other nine presented a spent token: reuse, which ends the session with the pair it bought.
    let pair = &pairs[0];
    expect_problem(app.me(&pair.access_token).await, 401, "unauthorized").await;
    let again = app
        .refresh(Some(&json!({"refresh_token": pair.refresh_token})))
        .await;
    expect_problem(again, 401, "invalid_token").await;
}

#[tokio::test]
async fn one_app_code_at_ten_second_steps_at_once_opens_one_session() {
    let app = spawn_app_with(one_account_at_once).await;
    let session = app
        .register_and_verify("erin", "erin@example.com", PASSWORD)
        .await;
    let factor = turn_on_factor(&app, &session.access_token).await;
    let mut challenges = Vec::new();
    for _ in 0..10 {
        let first = expect_json(
            app.login(&json!({"login": "erin", "password": PASSWORD}))
                .await,
            StatusCode::OK,
        )
        .await;
        challenges.push(first["mfa_token"].as_str().unwrap().to_owned());
    }
    // The step after the one that confirmed the setup, accepted once whichever login presents it.
    let code = app_code(&factor.secret, 0);
    let (app, code) = (&app, &code);
    let answers = futures::future::join_all(challenges.iter().map(|token| async move {
        app.client
            .post(app.url("/api/auth/login/mfa"))
            .json(&json!({"mfa_token": token, "code": code}))
            .send()
            .await
            .unwrap()
    }))
    .await;
    let mut opened = 0;
    for answer in answers {
        if answer.status() == StatusCode::OK {
            let pair = tokens(answer).await;
            expect_json(app.me(&pair.access_token).await, StatusCode::OK).await;
            opened += 1;
        } else {
            expect_problem(answer, 400, "invalid_code").await;
        }
    }
    assert_eq!(opened, 1, "one app code opens one session");
}

#[tokio::test]
async fn ten_password_changes_at_once_from_one_session_change_it_once() {
    let app = spawn_app_with(one_account_at_once).await;
    let session = app
        .register_and_verify("frank", "frank@example.com", PASSWORD)
        .await;
    let new_passwords: Vec<String> = (0..10)
        .map(|n| format!("ten changes at once, and this is number {n}"))
        .collect();
    let (app, access) = (&app, &session.access_token);
    let answers = futures::future::join_all(new_passwords.iter().map(|new| async move {
        app.client
            .post(app.url("/api/me/password"))
            .bearer_auth(access)
            .json(&json!({"current_password": PASSWORD, "new_password": new}))
            .send()
            .await
            .unwrap()
    }))
    .await;
    let mut changed = 0;
    for answer in answers {
        if answer.status() == StatusCode::NO_CONTENT {
            changed += 1;
        } else {
            // Each verified the same old password; only the first replaced it (compare-and-set).
            expect_problem(answer, 401, "unauthorized").await;
        }
    }
    assert_eq!(changed, 1);

    let mut signs_in = 0;
    for password in new_passwords.iter().map(String::as_str).chain([PASSWORD]) {
        let answer = app
            .login(&json!({"login": "frank", "password": password}))
            .await;
        if answer.status() == StatusCode::OK {
            signs_in += 1;
        } else {
            expect_problem(answer, 401, "invalid_credentials").await;
        }
    }
    assert_eq!(
        signs_in, 1,
        "exactly the one new password that won signs in"
    );
}
