//! Hourly limits on what an attacker on one IP can make the server do: send mail to one address, send
//! mail at all, check passwords and check codes. Refused calls answer `429 rate_limited` with the wait.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    expect_json, expect_problem, expect_rate_limited, keys, spawn_app_with, wrong_code, PASSWORD,
    VERIFY_EMAIL,
};

/// Turns the CAPTCHA tier off and the resend cooldown to zero, so only the hard limits answer.
fn hard_limits_only(vars: &mut HashMap<String, String>) {
    for name in [
        "CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR",
        "CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR",
        "CAPTCHA_AFTER_MAIL_PER_HOUR",
    ] {
        vars.insert(name.into(), "0".into());
    }
    vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
}

#[tokio::test]
async fn hammering_one_address_sends_at_most_its_hourly_allowance_of_mail() {
    let app = spawn_app_with(|vars| {
        hard_limits_only(vars);
        vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_HOUR".into(), "2".into());
    })
    .await;
    let email = "victim@example.com";

    let mut statuses = Vec::new();
    for attempt in 0..10 {
        let response = match attempt % 3 {
            0 => {
                app.post_register(
                    &json!({"username": "victim", "email": email, "password": PASSWORD}),
                )
                .await
            }
            1 => app.resend_code(&json!({"email": email})).await,
            _ => app.forgot_password(&json!({"email": email})).await,
        };
        statuses.push(response.status().as_u16());
        if attempt < 2 {
            expect_json(response, StatusCode::ACCEPTED).await;
        } else {
            expect_rate_limited(response).await;
        }
    }
    assert_eq!(statuses, [202, 202, 429, 429, 429, 429, 429, 429, 429, 429]);

    app.smtp.wait_for_nth_mail(email, VERIFY_EMAIL, 2).await;
    // Mail goes out in order: once a later mail has arrived, any further mail to the victim would have too.
    app.register("barrier", "barrier@example.com", PASSWORD)
        .await;
    app.smtp
        .wait_for_mail("barrier@example.com", VERIFY_EMAIL)
        .await;
    assert_eq!(app.smtp.mail_count(email), 2, "{:?}", app.smtp.messages());
}

#[tokio::test]
async fn one_ip_asking_for_mail_to_many_addresses_is_refused_past_its_allowance() {
    let app = spawn_app_with(|vars| {
        hard_limits_only(vars);
        vars.insert("LIMIT_MAIL_PER_IP_PER_HOUR".into(), "3".into());
    })
    .await;

    app.register("first", "first@example.com", PASSWORD).await;
    let resend = app
        .resend_code(&json!({"email": "second@example.com"}))
        .await;
    expect_json(resend, StatusCode::ACCEPTED).await;
    let forgot = app
        .forgot_password(&json!({"email": "third@example.com"}))
        .await;
    expect_json(forgot, StatusCode::ACCEPTED).await;

    let fourth = app
        .post_register(
            &json!({"username": "fourth", "email": "fourth@example.com", "password": PASSWORD}),
        )
        .await;
    expect_rate_limited(fourth).await;
    let fifth = app
        .forgot_password(&json!({"email": "fifth@example.com"}))
        .await;
    expect_rate_limited(fifth).await;
}

#[tokio::test]
async fn one_ip_is_refused_logins_past_its_allowance_even_with_the_right_password() {
    let app = spawn_app_with(|vars| {
        vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "3".into());
    })
    .await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let wrong = json!({"login": "alice", "password": "not the password"});
    expect_problem(app.login(&wrong).await, 401, "invalid_credentials").await;
    let other_account = json!({"login": "bob", "password": "not the password"});
    expect_problem(app.login(&other_account).await, 401, "invalid_credentials").await;
    app.login_ok("alice", PASSWORD).await;

    let right = json!({"login": "alice", "password": PASSWORD});
    expect_rate_limited(app.login(&right).await).await;
}

#[tokio::test]
async fn one_ip_is_refused_code_checks_past_its_allowance_even_with_the_right_code() {
    let app = spawn_app_with(|vars| {
        vars.insert("LIMIT_CODE_CHECKS_PER_IP_PER_HOUR".into(), "2".into());
    })
    .await;
    let email = "alice@example.com";
    let code = app.register_for_code("alice", email, PASSWORD).await;
    let wrong = json!({"email": email, "code": wrong_code(&code)});

    for _ in 0..2 {
        expect_problem(app.verify_email(&wrong).await, 400, "invalid_code").await;
    }

    let right = app
        .verify_email(&json!({"email": email, "code": code}))
        .await;
    expect_rate_limited(right).await;
}

#[tokio::test]
async fn the_limiter_answers_the_same_for_an_unknown_address_as_for_a_registered_one() {
    let app = spawn_app_with(|vars| {
        hard_limits_only(vars);
        vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_HOUR".into(), "3".into());
    })
    .await;
    let known = "alice@example.com";
    let unknown = "nobody@example.com";
    // Registering spent one of the known address's three mail requests; a resend (a decoy: nothing is
    // sent) spends one of the unknown address's.
    app.register_and_verify("alice", known, PASSWORD).await;
    let decoy = app.resend_code(&json!({"email": unknown})).await;
    expect_json(decoy, StatusCode::ACCEPTED).await;

    let mut answers: HashMap<&str, Vec<(u16, Vec<String>)>> = HashMap::new();
    for email in [known, unknown] {
        for _ in 0..3 {
            let response = app.forgot_password(&json!({"email": email})).await;
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            answers
                .entry(email)
                .or_default()
                .push((status, keys(&body)));
        }
    }

    let statuses: Vec<u16> = answers[unknown].iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses, [202, 202, 429], "{answers:?}");
    assert_eq!(answers[known], answers[unknown]);
    let last = app.forgot_password(&json!({"email": unknown})).await;
    expect_rate_limited(last).await;
}

#[tokio::test]
async fn refreshing_is_limited_per_client_before_any_token_is_looked_at() {
    let app = spawn_app_with(|vars| {
        vars.insert("RATE_LIMIT_REFRESH_PER_IP".into(), "2".into());
    })
    .await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let first = app
        .refresh(Some(&json!({"refresh_token": session.refresh_token})))
        .await;
    let rotated: shared::api::TokenResponse = expect_json(first, StatusCode::OK)
        .await
        .as_object()
        .map(|o| serde_json::from_value(serde_json::Value::Object(o.clone())).unwrap())
        .unwrap();
    let garbage = app
        .refresh(Some(&json!({"refresh_token": "not a token"})))
        .await;
    expect_problem(garbage, 401, "invalid_token").await;

    let third = app
        .refresh(Some(&json!({"refresh_token": rotated.refresh_token})))
        .await;
    expect_rate_limited(third).await;
}
