//! The per-IP limits count an IPv6 client by its /64 (`RATE_LIMIT_IPV6_PREFIX`): one customer usually
//! holds a whole /64 and could otherwise take a fresh address for every request.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_json, expect_problem, expect_rate_limited, spawn_app_with, TestApp};

const FIRST: &str = "2001:db8:a:1::1";
const SAME_PREFIX: &str = "2001:db8:a:1:ffff:ffff:ffff:2";
const OTHER_PREFIX: &str = "2001:db8:a:2::1";

fn behind_a_proxy_with_two_logins_an_hour(vars: &mut HashMap<String, String>) {
    vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "2".into());
}

async fn failed_login_from(app: &TestApp, client: &str) -> reqwest::Response {
    let body = json!({"login": "ghost", "password": "not the password"});
    app.login_forwarded_for(&body, client).await
}

#[tokio::test]
async fn two_clients_in_one_ipv6_64_share_a_budget_and_another_64_has_its_own() {
    let app = spawn_app_with(behind_a_proxy_with_two_logins_an_hour).await;

    expect_problem(
        failed_login_from(&app, FIRST).await,
        401,
        "invalid_credentials",
    )
    .await;
    expect_problem(
        failed_login_from(&app, SAME_PREFIX).await,
        401,
        "invalid_credentials",
    )
    .await;
    expect_rate_limited(failed_login_from(&app, FIRST).await).await;
    expect_rate_limited(failed_login_from(&app, SAME_PREFIX).await).await;
    expect_problem(
        failed_login_from(&app, OTHER_PREFIX).await,
        401,
        "invalid_credentials",
    )
    .await;

    // The prefix only groups the counting: each client is recorded with its own address.
    let recorded: Vec<Option<String>> = app
        .audit_events()
        .into_iter()
        .rev()
        .filter(|e| e.event == "login_failed")
        .map(|e| e.ip)
        .collect();
    let expected = [FIRST, SAME_PREFIX, OTHER_PREFIX]
        .map(|ip| Some(ip.parse::<std::net::IpAddr>().unwrap().to_string()));
    assert_eq!(recorded, expected);
}

#[tokio::test]
async fn mail_requests_are_counted_per_ipv6_64_too() {
    let app = spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert("LIMIT_MAIL_PER_IP_PER_HOUR".into(), "1".into());
        vars.insert("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR".into(), "0".into());
    })
    .await;
    let resend_from = |client: &'static str, email: &'static str| {
        app.client
            .post(app.url("/api/auth/resend-code"))
            .header("X-Forwarded-For", client)
            .json(&json!({"email": email}))
            .send()
    };

    let first = resend_from(FIRST, "one@example.com").await.unwrap();
    expect_json(first, StatusCode::ACCEPTED).await;
    let neighbour = resend_from(SAME_PREFIX, "two@example.com").await.unwrap();
    expect_rate_limited(neighbour).await;
    let elsewhere = resend_from(OTHER_PREFIX, "three@example.com")
        .await
        .unwrap();
    expect_json(elsewhere, StatusCode::ACCEPTED).await;
}

#[tokio::test]
async fn a_prefix_of_128_counts_each_ipv6_address_on_its_own() {
    let app = spawn_app_with(|vars| {
        behind_a_proxy_with_two_logins_an_hour(vars);
        vars.insert("RATE_LIMIT_IPV6_PREFIX".into(), "128".into());
    })
    .await;

    for _ in 0..2 {
        expect_problem(
            failed_login_from(&app, FIRST).await,
            401,
            "invalid_credentials",
        )
        .await;
    }
    expect_rate_limited(failed_login_from(&app, FIRST).await).await;
    expect_problem(
        failed_login_from(&app, SAME_PREFIX).await,
        401,
        "invalid_credentials",
    )
    .await;
}
