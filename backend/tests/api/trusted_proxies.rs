//! `X-Forwarded-For` names the client only when the request comes from a trusted proxy: otherwise anyone
//! could pick a fresh address per request and escape the per-IP limits.

use std::collections::BTreeSet;

use serde_json::json;

use crate::helpers::{expect_problem, expect_rate_limited, spawn_app_with, TestApp};

/// The IPs recorded on the `login_failed` audit rows, oldest first.
fn failed_login_ips(app: &TestApp) -> Vec<Option<String>> {
    app.audit_events()
        .into_iter()
        .rev()
        .filter(|e| e.event == "login_failed")
        .map(|e| e.ip)
        .collect()
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_does_not_escape_the_ip_limit() {
    let app = spawn_app_with(|vars| {
        vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "2".into());
        vars.remove("TRUSTED_PROXIES");
    })
    .await;

    let mut statuses = Vec::new();
    for i in 1..=4 {
        let body = json!({"login": format!("ghost{i}"), "password": "not the password"});
        let response = app
            .login_forwarded_for(&body, &format!("203.0.113.{i}"))
            .await;
        statuses.push(response.status().as_u16());
        if i <= 2 {
            expect_problem(response, 401, "invalid_credentials").await;
        } else {
            expect_rate_limited(response).await;
        }
    }
    assert_eq!(statuses, [401, 401, 429, 429]);

    let ips = failed_login_ips(&app);
    assert_eq!(ips.len(), 2, "{ips:?}");
    for ip in ips {
        assert_eq!(ip.as_deref(), Some("127.0.0.1"));
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_counted_and_recorded_on_its_own() {
    let app = spawn_app_with(|vars| {
        vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "2".into());
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    })
    .await;

    // Four clients, more than the limit of one IP, none refused.
    for i in 1..=4 {
        let body = json!({"login": format!("ghost{i}"), "password": "not the password"});
        let response = app
            .login_forwarded_for(&body, &format!("198.51.100.{i}"))
            .await;
        expect_problem(response, 401, "invalid_credentials").await;
    }
    let ips: BTreeSet<String> = failed_login_ips(&app).into_iter().flatten().collect();
    let expected: BTreeSet<String> = (1..=4).map(|i| format!("198.51.100.{i}")).collect();
    assert_eq!(ips, expected);

    // One forwarded client is still held to the limit.
    let again = json!({"login": "ghost5", "password": "not the password"});
    expect_problem(
        app.login_forwarded_for(&again, "198.51.100.1").await,
        401,
        "invalid_credentials",
    )
    .await;
    expect_rate_limited(app.login_forwarded_for(&again, "198.51.100.1").await).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_client_is_the_nearest_untrusted_hop() {
    let app = spawn_app_with(|vars| {
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    })
    .await;

    // The leftmost entry is whatever the client claimed; the proxy appended the address it saw.
    let body = json!({"login": "ghost", "password": "not the password"});
    let response = app
        .login_forwarded_for(&body, "6.6.6.6, 198.51.100.7")
        .await;
    expect_problem(response, 401, "invalid_credentials").await;

    assert_eq!(failed_login_ips(&app), [Some("198.51.100.7".to_owned())]);
}

#[tokio::test]
async fn a_forwarded_for_that_cannot_be_read_is_one_unknown_client_not_the_proxy() {
    let app = spawn_app_with(|vars| {
        vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "2".into());
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
    })
    .await;
    let body = |n: u32| json!({"login": format!("ghost{n}"), "password": "not the password"});

    // Garbage where the proxy should have written the client: every such request is the same unknown
    // client, whatever the garbage, and shares one budget.
    for (n, garbage) in [(1, "not an address"), (2, "198.51.100.7, unknown")] {
        let response = app.login_forwarded_for(&body(n), garbage).await;
        expect_problem(response, 401, "invalid_credentials").await;
    }
    expect_rate_limited(app.login_forwarded_for(&body(3), "nonsense").await).await;

    // The proxy's own requests were not charged for it…
    expect_problem(app.login(&body(4)).await, 401, "invalid_credentials").await;
    // …and garbage left of the client, written by the client itself, is never read.
    let forged = app
        .login_forwarded_for(&body(5), "not an address, 198.51.100.9")
        .await;
    expect_problem(forged, 401, "invalid_credentials").await;

    let ips: Vec<Option<String>> = failed_login_ips(&app);
    assert_eq!(
        ips,
        ["0.0.0.0", "0.0.0.0", "127.0.0.1", "198.51.100.9"].map(|ip| Some(ip.to_owned()))
    );
}
