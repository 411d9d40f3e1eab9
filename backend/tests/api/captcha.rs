//! Under pressure, mail-sending requests need a solved proof-of-work CAPTCHA (`428 captcha_required`); a
//! solution works once, only as issued and only until it expires; past the hard limit nothing helps.

use std::collections::HashMap;

use otp_portal::captcha::{Challenge, Solution};
use reqwest::header::CACHE_CONTROL;
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::captcha::solve;

use crate::helpers::{
    expect_json, expect_problem, expect_rate_limited, keys, spawn_app, spawn_app_with, timestamp,
    wait_until_past, TestApp, PASSWORD,
};

fn under_pressure(vars: &mut HashMap<String, String>) {
    vars.insert("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR".into(), "1".into());
    vars.insert("CAPTCHA_DIFFICULTY".into(), "2000".into());
    vars.insert("LIMIT_MAIL_PER_IP_PER_HOUR".into(), "4".into());
}

fn registration(name: &str) -> Value {
    json!({"username": name, "email": format!("{name}@example.com"), "password": PASSWORD})
}

async fn solved(app: &TestApp) -> Solution {
    let challenge = app.captcha_challenge().await;
    solve(&challenge).expect("the server's puzzle has a solution in range")
}

/// Uses the first request of the IP's allowance, so the next one needs a CAPTCHA.
async fn put_under_pressure(app: &TestApp) {
    app.register("first", "first@example.com", PASSWORD).await;
    let second = app.post_register(&registration("second")).await;
    expect_problem(second, 428, "captcha_required").await;
}

async fn expect_captcha_invalid(app: &TestApp, name: &str, header: &str) {
    let response = app
        .post_register_with_captcha(&registration(name), header)
        .await;
    expect_problem(response, 400, "captcha_invalid").await;
}

#[tokio::test]
async fn the_captcha_endpoint_issues_a_signed_puzzle_that_is_not_cached() {
    let app = spawn_app_with(under_pressure).await;

    let response = app.get("/api/captcha").await;

    assert_eq!(response.status(), StatusCode::OK);
    let cache_control = response
        .headers()
        .get(CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cache_control.contains("no-store"), "{cache_control:?}");
    let body = expect_json(response, StatusCode::OK).await;
    assert_eq!(
        keys(&body),
        [
            "algorithm",
            "challenge",
            "expires_at",
            "maxnumber",
            "salt",
            "signature"
        ]
    );
    assert_eq!(body["algorithm"], "SHA-256");
    assert_eq!(body["maxnumber"], 2000);
    assert!(timestamp(&body["expires_at"]) > chrono::Utc::now());
    let challenge: Challenge = serde_json::from_value(body).unwrap();
    assert!(solve(&challenge).is_some());
}

#[tokio::test]
async fn under_pressure_a_solved_captcha_lets_a_mail_request_through_once() {
    let app = spawn_app_with(under_pressure).await;
    put_under_pressure(&app).await;

    let solution = solved(&app).await;
    let response = app
        .post_register_with_captcha(&registration("second"), &solution.to_header_value())
        .await;
    expect_json(response, StatusCode::ACCEPTED).await;

    expect_captcha_invalid(&app, "third", &solution.to_header_value()).await;
}

#[tokio::test]
async fn a_captcha_with_a_forged_signature_or_a_wrong_number_is_refused() {
    let app = spawn_app_with(under_pressure).await;
    put_under_pressure(&app).await;
    let solution = solved(&app).await;

    let mut signature = solution.signature.clone().into_bytes();
    signature[0] = if signature[0] == b'0' { b'1' } else { b'0' };
    let forged = Solution {
        signature: String::from_utf8(signature).unwrap(),
        ..solution.clone()
    };
    expect_captcha_invalid(&app, "second", &forged.to_header_value()).await;

    let wrong_number = Solution {
        number: solution.number + 1,
        ..solution.clone()
    };
    expect_captcha_invalid(&app, "second", &wrong_number.to_header_value()).await;

    // Neither refusal spent the genuine solution.
    let response = app
        .post_register_with_captcha(&registration("second"), &solution.to_header_value())
        .await;
    expect_json(response, StatusCode::ACCEPTED).await;
}

#[tokio::test]
async fn an_expired_captcha_is_refused() {
    let app = spawn_app_with(|vars| {
        under_pressure(vars);
        vars.insert("CAPTCHA_TTL_SECONDS".into(), "1".into());
    })
    .await;
    put_under_pressure(&app).await;
    let challenge = app.captcha_challenge().await;
    let solution = solve(&challenge).unwrap();

    wait_until_past(challenge.expires_at).await;

    expect_captcha_invalid(&app, "second", &solution.to_header_value()).await;
}

#[tokio::test]
async fn a_garbage_captcha_header_is_a_client_error() {
    let app = spawn_app_with(under_pressure).await;
    put_under_pressure(&app).await;

    for garbage in ["not base64!", "e30=", "bnVsbA==", ""] {
        expect_captcha_invalid(&app, "second", garbage).await;
    }
    let response = app
        .client
        .post(app.url("/api/auth/register"))
        .header(
            "X-Captcha",
            reqwest::header::HeaderValue::from_bytes(b"\xff\xfe caf\xe9").unwrap(),
        )
        .json(&registration("second"))
        .send()
        .await
        .unwrap();
    expect_problem(response, 400, "captcha_invalid").await;
}

#[tokio::test]
async fn past_the_hard_limit_even_a_solved_captcha_is_rate_limited() {
    let app = spawn_app_with(under_pressure).await;
    // Requests 1 and 2 (the one refused for want of a CAPTCHA counts too).
    put_under_pressure(&app).await;
    // Requests 3 and 4.
    for name in ["second", "third"] {
        let solution = solved(&app).await;
        let response = app
            .post_register_with_captcha(&registration(name), &solution.to_header_value())
            .await;
        expect_json(response, StatusCode::ACCEPTED).await;
    }

    let solution = solved(&app).await;
    let response = app
        .post_register_with_captcha(&registration("fourth"), &solution.to_header_value())
        .await;
    expect_rate_limited(response).await;
}

#[tokio::test]
async fn normal_traffic_is_never_asked_for_a_captcha() {
    let app = spawn_app().await;
    for i in 1..=6 {
        let name = format!("user{i}");
        let response = app.post_register(&registration(&name)).await;
        expect_json(response, StatusCode::ACCEPTED).await;
    }
}

#[tokio::test]
async fn a_solution_used_on_one_instance_is_refused_by_another_on_the_same_database() {
    let first = spawn_app_with(under_pressure).await;
    let (database_url, data_dir) = (first.database_url.clone(), first.data_dir.clone());
    // The same database and the same server key: one portal, two processes.
    let second = spawn_app_with(move |vars| {
        under_pressure(vars);
        vars.insert("DATABASE_URL".into(), database_url);
        vars.insert("DATA_DIR".into(), data_dir);
    })
    .await;

    let solution = solved(&first).await;
    let response = second
        .post_register_with_captcha(&registration("second"), &solution.to_header_value())
        .await;
    expect_json(response, StatusCode::ACCEPTED).await;
    // The first instance never saw it used, but the database did.
    expect_captcha_invalid(&first, "third", &solution.to_header_value()).await;
    expect_captcha_invalid(&second, "fourth", &solution.to_header_value()).await;
}
