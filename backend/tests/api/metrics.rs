//! `GET /metrics`: off without `METRICS_TOKEN`, behind that token with it, and counting what happened.

use serde_json::json;

use crate::helpers::{
    expect_problem, metric_sample as sample, poll_until, spawn_app, spawn_app_with, MAIL_DEADLINE,
    PASSWORD,
};

const TOKEN: &str = "a metrics token for the scraper";

async fn scrape(app: &crate::helpers::TestApp) -> String {
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    response.text().await.unwrap()
}

#[tokio::test]
async fn without_a_token_there_are_no_metrics() {
    let app = spawn_app().await;
    expect_problem(app.get("/metrics").await, 404, "not_found").await;
}

#[tokio::test]
async fn the_scrape_needs_its_token_and_counts_requests_codes_and_mail() {
    let app = spawn_app_with(|vars| {
        vars.insert("METRICS_TOKEN".into(), TOKEN.into());
    })
    .await;
    expect_problem(app.get("/metrics").await, 401, "unauthorized").await;
    let wrong = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth("not the metrics token at all")
        .send()
        .await
        .unwrap();
    expect_problem(wrong, 401, "unauthorized").await;

    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let failed = app
        .login(&json!({"login": "alice", "password": "not the password"}))
        .await;
    assert_eq!(failed.status(), 401);
    // A path that matches no route is counted without its text (it could carry anything).
    let secret_path = "/api/no-such-route-918273";
    assert_eq!(app.get(secret_path).await.status(), 404);

    let text = poll_until(MAIL_DEADLINE, || async {
        let text = scrape(&app).await;
        let sent = sample(
            &text,
            r#"otp_portal_outbox_deliveries_total{channel="mail",outcome="sent"}"#,
        );
        (sent == Some(1.0)).then_some(text)
    })
    .await
    .expect("the verification mail is counted as sent");
    for (series, value) in [
        (
            r#"otp_portal_http_requests_total{method="POST",route="/api/auth/register",status="202"}"#,
            1.0,
        ),
        (
            r#"otp_portal_http_requests_total{method="POST",route="/api/auth/verify-email",status="200"}"#,
            1.0,
        ),
        (
            r#"otp_portal_http_requests_total{method="POST",route="/api/auth/login",status="401"}"#,
            1.0,
        ),
        (
            r#"otp_portal_codes_total{event="issued",purpose="verify_email"}"#,
            1.0,
        ),
        (
            r#"otp_portal_codes_total{event="verified",purpose="verify_email"}"#,
            1.0,
        ),
        (r#"otp_portal_outbox_queued{channel="mail"}"#, 0.0),
        (
            r#"otp_portal_outbox_oldest_queued_age_seconds{channel="mail"}"#,
            0.0,
        ),
        (r#"otp_portal_password_hashing{state="running"}"#, 0.0),
    ] {
        assert_eq!(sample(&text, series), Some(value), "{series} in:\n{text}");
    }
    assert!(
        text.contains(r#"otp_portal_http_request_duration_seconds_bucket{method="POST",route="/api/auth/login",le="0.5"}"#),
        "{text}"
    );
    assert!(
        !text.contains("918273"),
        "a raw path reached a label:\n{text}"
    );
    assert!(!text.contains("alice"), "{text}");
}
