//! `otp-portal solve-captcha` turns the JSON of `GET /api/captcha` on standard input into the value of the
//! `X-Captcha` header, so a shell user can get past `428 captcha_required`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{expect_json, expect_problem, spawn_app_with, TestApp, PASSWORD};

/// Runs `otp-portal solve-captcha` with `stdin` as its standard input.
async fn solve_captcha(stdin: Vec<u8>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut child = Command::new(env!("CARGO_BIN_EXE_otp-portal"))
            .arg("solve-captcha")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the otp-portal binary starts");
        let mut input = child.stdin.take().unwrap();
        // The solver may refuse before reading everything; a broken pipe is then fine.
        let _ = input.write_all(&stdin);
        drop(input);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

async fn app_under_pressure() -> TestApp {
    spawn_app_with(|vars| {
        vars.insert("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR".into(), "1".into());
        vars.insert("CAPTCHA_DIFFICULTY".into(), "20000".into());
    })
    .await
}

async fn challenge_json(app: &TestApp) -> Value {
    expect_json(app.get("/api/captcha").await, StatusCode::OK).await
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn the_printed_solution_gets_a_request_past_the_captcha() {
    let app = app_under_pressure().await;
    app.register("first", "first@example.com", PASSWORD).await;
    let second = json!({"username": "second", "email": "second@example.com", "password": PASSWORD});
    expect_problem(app.post_register(&second).await, 428, "captcha_required").await;

    let challenge = challenge_json(&app).await;
    let output = solve_captcha(challenge.to_string().into_bytes()).await;

    assert!(
        output.status.success(),
        "solve-captcha failed ({}): {}",
        output.status,
        text(&output.stderr)
    );
    let header = text(&output.stdout).trim().to_owned();
    let response = app.post_register_with_captcha(&second, &header).await;
    expect_json(response, StatusCode::ACCEPTED).await;
}

#[tokio::test]
async fn garbage_on_standard_input_fails_with_a_message() {
    let output = solve_captcha(b"this is not a puzzle".to_vec()).await;

    assert!(!output.status.success(), "{}", output.status);
    assert!(
        !text(&output.stderr).trim().is_empty(),
        "no message on standard error"
    );
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
}

#[tokio::test]
async fn a_puzzle_asking_for_too_much_work_is_refused() {
    let app = app_under_pressure().await;
    let mut challenge = challenge_json(&app).await;
    challenge["maxnumber"] = json!(50_000_001_u64);

    let output = solve_captcha(challenge.to_string().into_bytes()).await;

    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(!text(&output.stderr).trim().is_empty());
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
}
