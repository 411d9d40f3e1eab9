//! A flood of password work is refused, not queued without bound: past the hashing slots and their short
//! queue, a request answers `503` with `Retry-After` at once, and the server keeps answering the rest.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{expect_problem, retry_after, spawn_app_with, PASSWORD};

#[tokio::test]
async fn past_the_hashing_slots_and_queue_logins_get_a_retryable_503_and_health_still_answers() {
    let app = spawn_app_with(|vars| {
        vars.insert("PASSWORD_HASH_QUEUE".into(), "0".into());
        vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "0".into());
        vars.insert("LOGIN_LOCKOUT_THRESHOLD".into(), "0".into());
    })
    .await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let body = json!({"login": "alice", "password": "not the password at all"});
    let (responses, health) = tokio::join!(
        futures::future::join_all((0..40).map(|_| async { app.login(&body).await })),
        async {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            app.health().await
        }
    );

    assert_eq!(health.status(), StatusCode::OK);
    let mut refused = 0;
    for response in responses {
        match response.status().as_u16() {
            401 => {}
            503 => {
                refused += 1;
                let (_, headers) = expect_problem(response, 503, "service_unavailable").await;
                assert_eq!(retry_after(&headers), 1);
            }
            other => panic!("a login in the flood answered {other}"),
        }
    }
    assert!(
        refused > 0,
        "forty parallel logins all found a hashing slot"
    );
    // The flood is over: the owner signs in.
    app.login_ok("alice", PASSWORD).await;
}
