//! Nothing a client sends in secret reaches the log: a request is logged by its path, never its query
//! string, and a refused body by its problem code, never by the value it held.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use otp_portal::settings::LogFormat;
use reqwest::header::USER_AGENT;
use serde_json::json;
use tracing_subscriber::EnvFilter;

use crate::helpers::{poll_until, spawn_app};

const CODE: &str = "918273";
const PASSWORD: u64 = 73_918_273_651;

/// The log of every application in this test binary, from the moment the first test here asks for it.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLog {
    /// The production subscriber, writing here instead of to stdout.
    fn install() -> &'static Self {
        static LOG: OnceLock<CapturedLog> = OnceLock::new();
        LOG.get_or_init(|| {
            let log = Self::default();
            let writer = log.clone();
            otp_portal::telemetry::try_init_with_writer(
                LogFormat::Pretty,
                EnvFilter::new("info"),
                move || writer.clone(),
                false,
            )
            .expect("no other test sets up logging");
            log
        })
    }

    fn lines_with(&self, marker: &str) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .filter(|line| line.contains(marker))
            .map(str::to_owned)
            .collect()
    }
}

#[tokio::test]
async fn query_strings_and_refused_values_stay_out_of_the_log() {
    let log = CapturedLog::install();
    let app = spawn_app().await;
    // Every line about these requests names this user agent: the request span carries it.
    let marker = format!("log-probe-{}", uuid::Uuid::new_v4().simple());
    let email = format!("{marker}-owner@example.com");

    let probe = format!("/api/{marker}");
    let response = app
        .client
        .get(app.url(&format!("{probe}?code={CODE}&email={email}")))
        .header(USER_AGENT, &marker)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = app
        .client
        .post(app.url(&format!("/api/auth/verify-email?code={CODE}&email={email}")))
        .header(USER_AGENT, &marker)
        .json(&json!({"email": email, "code": CODE.parse::<u32>().unwrap(), "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert!(
        response.text().await.unwrap().contains(CODE),
        "the refusal quotes the mistyped code back to its sender"
    );
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header(USER_AGENT, &marker)
        .json(&json!({"login": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);

    // A request's line is written when its span closes, just after the answer.
    let lines = poll_until(Duration::from_secs(10), || async {
        let lines = log.lines_with(&marker);
        (lines.iter().filter(|l| l.contains("close")).count() >= 3).then_some(lines)
    })
    .await
    .unwrap_or_else(|| {
        panic!(
            "the three requests were not logged: {:?}",
            log.lines_with(&marker)
        )
    });
    let all = lines.join("\n");
    assert!(all.contains(&probe), "the path is logged: {all}");
    assert!(all.contains("/api/auth/verify-email"), "{all}");
    for secret in [
        CODE.to_owned(),
        PASSWORD.to_string(),
        email.clone(),
        "?code".to_owned(),
    ] {
        assert!(!all.contains(&secret), "{secret:?} reached the log:\n{all}");
    }
    assert!(
        all.contains("validation_failed"),
        "the refusal's code is logged: {all}"
    );
}

#[tokio::test]
async fn a_request_id_from_the_proxy_in_front_is_adopted_and_a_strange_one_replaced() {
    let log = CapturedLog::install();
    let app = spawn_app().await;
    let adopted = format!("edge-{}", uuid::Uuid::new_v4().simple());
    let response = app
        .client
        .get(app.url("/api/health"))
        .header("x-request-id", &adopted)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], adopted.as_str());
    // The log line of that request carries the same id, so the proxy's log and ours line up.
    let lines = poll_until(Duration::from_secs(10), || async {
        let lines = log.lines_with(&adopted);
        (!lines.is_empty()).then_some(lines)
    })
    .await;
    assert!(lines.is_some(), "no log line names {adopted}");

    let strange = "two words\tand a tab";
    let too_long = "x".repeat(200);
    for sent in [strange, too_long.as_str()] {
        let response = app
            .client
            .get(app.url("/api/health"))
            .header("x-request-id", sent)
            .send()
            .await
            .unwrap();
        let answered = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_ne!(answered, sent);
        assert!(
            uuid::Uuid::parse_str(&answered).is_ok(),
            "not a fresh id: {answered}"
        );
    }
}
