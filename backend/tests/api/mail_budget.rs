//! One client cannot silence mail for everyone: a request refused for its own client spends nothing of
//! the address's or the server's budget, so the server-wide allowance, which protects the mail relay, goes
//! only to requests each client was allowed.

use std::collections::HashMap;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{
    expect_json, expect_problem, expect_rate_limited, spawn_app_with, TestApp, PASSWORD,
    VERIFY_EMAIL,
};

const FLOODER: &str = "203.0.113.66";
const BYSTANDER: &str = "198.51.100.7";

/// Behind a proxy on 127.0.0.1, with no resend cooldown, a small server-wide mail budget and a smaller
/// one per client.
fn small_budgets(vars: &mut HashMap<String, String>) {
    for (name, value) in [
        ("TRUSTED_PROXIES", "127.0.0.1"),
        ("OTP_RESEND_COOLDOWN_SECONDS", "0"),
        ("LIMIT_MAIL_PER_HOUR", "10"),
        ("LIMIT_MAIL_PER_IP_PER_HOUR", "4"),
    ] {
        vars.insert(name.into(), value.into());
    }
}

/// `POST path` as the proxy forwards it for `client`.
async fn post_from(app: &TestApp, client: &str, path: &str, body: &Value) -> Response {
    app.client
        .post(app.url(path))
        .header("X-Forwarded-For", client)
        .json(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

/// A fresh address nobody has used.
fn random_address(n: usize) -> String {
    format!("flood-{n}-{:016x}@example.com", rand::random::<u64>())
}

/// The bystander's pending registration, made before the flood, and its first code mail.
async fn register_bystander(app: &TestApp, email: &str) {
    let body = json!({"username": "bystander", "email": email, "password": PASSWORD});
    let response = post_from(app, BYSTANDER, "/api/auth/register", &body).await;
    expect_json(response, StatusCode::ACCEPTED).await;
    app.smtp.wait_for_mail(email, VERIFY_EMAIL).await;
}

/// After the flood, the bystander asks for a new code: it is accepted and the mail arrives.
async fn bystander_still_gets_mail(app: &TestApp, email: &str) {
    let response = post_from(
        app,
        BYSTANDER,
        "/api/auth/resend-code",
        &json!({"email": email}),
    )
    .await;
    expect_json(response, StatusCode::ACCEPTED).await;
    app.smtp.wait_for_nth_mail(email, VERIFY_EMAIL, 2).await;
}

#[tokio::test]
async fn one_client_flooding_mail_requests_does_not_silence_mail_for_everyone_else() {
    let app = spawn_app_with(|vars| {
        small_budgets(vars);
        for name in [
            "CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR",
            "CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR",
            "CAPTCHA_AFTER_MAIL_PER_HOUR",
        ] {
            vars.insert(name.into(), "0".into());
        }
    })
    .await;
    let bystander = "bystander@example.com";
    register_bystander(&app, bystander).await;

    // Twenty times the server's hourly budget, each request to a fresh address.
    let mut statuses = Vec::new();
    for n in 0..200 {
        let body = json!({"email": random_address(n)});
        let response = post_from(&app, FLOODER, "/api/auth/resend-code", &body).await;
        statuses.push(response.status().as_u16());
        if n < 4 {
            expect_json(response, StatusCode::ACCEPTED).await;
        } else {
            expect_rate_limited(response).await;
        }
    }
    assert_eq!(statuses[..5], [202, 202, 202, 202, 429]);

    bystander_still_gets_mail(&app, bystander).await;
    // A newcomer from another client registers and gets its code too.
    let newcomer = "newcomer@example.com";
    let body = json!({"username": "newcomer", "email": newcomer, "password": PASSWORD});
    let response = post_from(&app, "192.0.2.44", "/api/auth/register", &body).await;
    expect_json(response, StatusCode::ACCEPTED).await;
    app.smtp.wait_for_mail(newcomer, VERIFY_EMAIL).await;
}

#[tokio::test]
async fn a_client_ignoring_the_captcha_meets_its_own_limit_and_leaves_the_others_alone() {
    let app = spawn_app_with(|vars| {
        small_budgets(vars);
        vars.insert("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR".into(), "2".into());
        vars.insert("CAPTCHA_AFTER_MAIL_PER_HOUR".into(), "5".into());
    })
    .await;
    let bystander = "bystander@example.com";
    register_bystander(&app, bystander).await;

    // Two mails, then the CAPTCHA is asked for, and the client's own hard limit counts those answers too.
    let mut statuses = Vec::new();
    for n in 0..100 {
        let body = json!({"email": random_address(n)});
        let response = post_from(&app, FLOODER, "/api/auth/resend-code", &body).await;
        statuses.push(response.status().as_u16());
        match n {
            0 | 1 => drop(expect_json(response, StatusCode::ACCEPTED).await),
            2 | 3 => drop(expect_problem(response, 428, "captcha_required").await),
            _ => drop(expect_rate_limited(response).await),
        }
    }
    assert_eq!(statuses[..5], [202, 202, 428, 428, 429]);

    // Neither the server's CAPTCHA threshold nor its mail budget was spent by what the flooder was
    // refused: the bystander needs no puzzle and gets its mail.
    bystander_still_gets_mail(&app, bystander).await;
}

/// An address's mail budget is one budget, however many instances the requests are spread over: two
/// servers on one database each see only some of the requests, yet the address gets no more mail than
/// its hourly allowance.
#[tokio::test]
async fn an_addresss_budget_is_shared_by_the_instances_on_one_database() {
    fn two_an_hour(vars: &mut HashMap<String, String>) {
        for (name, value) in [
            ("TRUSTED_PROXIES", "127.0.0.1"),
            ("OTP_RESEND_COOLDOWN_SECONDS", "0"),
            ("LIMIT_MAIL_PER_ADDRESS_PER_HOUR", "2"),
            ("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR", "10"),
            // Only the hard budgets: no CAPTCHA tier in the way.
            ("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR", "0"),
            ("CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR", "0"),
            ("CAPTCHA_AFTER_MAIL_PER_HOUR", "0"),
        ] {
            vars.insert(name.into(), value.into());
        }
    }
    let first = spawn_app_with(two_an_hour).await;
    let (database_url, data_dir) = (first.database_url.clone(), first.data_dir.clone());
    let second = spawn_app_with(move |vars| {
        two_an_hour(vars);
        vars.insert("DATABASE_URL".into(), database_url);
        vars.insert("DATA_DIR".into(), data_dir);
    })
    .await;
    let body = |n: u32| json!({"username": format!("victim{n}"), "email": "victim@example.com", "password": PASSWORD});

    // One request on each instance: each of them alone is within its own count.
    let on_first = post_from(&first, BYSTANDER, "/api/auth/register", &body(1)).await;
    expect_json(on_first, StatusCode::ACCEPTED).await;
    let on_second = post_from(&second, FLOODER, "/api/auth/register", &body(2)).await;
    expect_json(on_second, StatusCode::ACCEPTED).await;
    // The third, on either, is past the address's shared budget of two an hour.
    let third = post_from(&first, FLOODER, "/api/auth/register", &body(3)).await;
    expect_rate_limited(third).await;
    let fourth = post_from(&second, BYSTANDER, "/api/auth/register", &body(4)).await;
    expect_rate_limited(fourth).await;

    // Either instance's worker may deliver either mail, each to its own sink: count both.
    let delivered = || {
        first.smtp.mail_count("victim@example.com") + second.smtp.mail_count("victim@example.com")
    };
    let both = crate::helpers::poll_until(crate::helpers::MAIL_DEADLINE, || async {
        (delivered() >= 2).then_some(())
    })
    .await;
    assert!(both.is_some(), "the two allowed mails never arrived");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(delivered(), 2);
}
