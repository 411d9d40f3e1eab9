//! Requests the server cannot use: each gets a problem document with the right status, never a 500.

use serde_json::json;

use crate::helpers::{expect_problem, problem, spawn_app, PASSWORD};

const REGISTER: &str = "/api/auth/register";

fn request_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("x-request-id")
        .unwrap_or_else(|| {
            panic!(
                "{} {} has no X-Request-Id",
                response.status(),
                response.url().path()
            )
        })
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn broken_json_is_malformed_json() {
    let app = spawn_app().await;

    let response = app
        .post_raw(
            REGISTER,
            Some("application/json"),
            br#"{"username": "alice", "email": "#.to_vec(),
        )
        .await;

    expect_problem(response, 400, "malformed_json").await;
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_unsupported() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(
        &json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}),
    )
    .unwrap();

    let missing = app.post_raw(REGISTER, None, body.clone()).await;
    let text = app.post_raw(REGISTER, Some("text/plain"), body).await;

    expect_problem(missing, 415, "unsupported_media_type").await;
    expect_problem(text, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn a_body_over_16_kib_is_too_large() {
    let app = spawn_app().await;
    let body = serde_json::to_vec(
        &json!({"username": "alice", "email": "alice@example.com", "password": "x".repeat(17 * 1024)}),
    )
    .unwrap();
    assert!(body.len() > 16 * 1024);

    let response = app.post_raw(REGISTER, Some("application/json"), body).await;

    expect_problem(response, 413, "payload_too_large").await;
}

#[tokio::test]
async fn an_unknown_field_is_refused_by_name() {
    let app = spawn_app().await;

    let response = app
        .post_register(&json!({
            "username": "alice", "email": "alice@example.com", "password": PASSWORD, "is_admin": true
        }))
        .await;

    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    assert!(
        problem.to_string().contains("is_admin"),
        "the problem does not name the unknown field: {problem}"
    );
}

#[tokio::test]
async fn a_missing_field_is_a_validation_error() {
    let app = spawn_app().await;

    let response = app
        .post_register(&json!({"username": "alice", "email": "alice@example.com"}))
        .await;

    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    assert!(
        problem.to_string().contains("password"),
        "the problem does not name the missing field: {problem}"
    );
}

#[tokio::test]
async fn a_field_of_the_wrong_json_type_is_a_validation_error() {
    let app = spawn_app().await;

    let response = app
        .post_register(&json!({"username": 42, "email": "alice@example.com", "password": PASSWORD}))
        .await;

    expect_problem(response, 422, "validation_failed").await;
}

#[tokio::test]
async fn an_unknown_path_is_a_not_found_problem() {
    let app = spawn_app().await;

    let response = app.get("/api/nope").await;

    request_id(&response);
    expect_problem(response, 404, "not_found").await;
}

#[tokio::test]
async fn a_wrong_method_is_a_method_not_allowed_problem() {
    let app = spawn_app().await;

    let response = app.get(REGISTER).await;

    request_id(&response);
    expect_problem(response, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_no_input_causes_a_500() {
    let app = spawn_app().await;
    let huge = format!(r#"{{"email": "{}"}}"#, "a".repeat(20 * 1024)).into_bytes();
    let cases: Vec<(&str, Option<&str>, Vec<u8>)> = vec![
        (REGISTER, Some("application/json"), b"".to_vec()),
        (REGISTER, Some("application/json"), b"null".to_vec()),
        (REGISTER, Some("application/json"), b"[]".to_vec()),
        (REGISTER, Some("application/json"), b"\"text\"".to_vec()),
        (REGISTER, Some("application/json"), vec![0xff, 0xfe, 0x00, 0x7b]),
        (REGISTER, Some("application/json"), br#"{"username":null,"email":null,"password":null}"#.to_vec()),
        (REGISTER, Some("application/json"), "{\"username\":\"\u{0}\u{202e}名前\",\"email\":\"a@b.c\",\"password\":\"\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}\"}".as_bytes().to_vec()),
        (REGISTER, Some("application/xml"), b"<register/>".to_vec()),
        ("/api/auth/verify-email", Some("application/json"), r#"{"email":"x@example.com","code":"１２３４５６"}"#.as_bytes().to_vec()),
        ("/api/auth/verify-email", Some("application/json"), br#"{"email":"x@example.com","code":123456}"#.to_vec()),
        ("/api/auth/resend-code", Some("application/json"), br#"{"email":"not an address"}"#.to_vec()),
        ("/api/auth/resend-code", Some("application/json"), huge.clone()),
        ("/api/auth/login", Some("application/json"), br#"{"login":"x","password":"y","extra":1}"#.to_vec()),
        ("/api/auth/refresh", Some("application/json"), br#"{"refresh_token":42}"#.to_vec()),
        ("/api/auth/refresh", Some("application/json"), b"{".to_vec()),
        ("/api/auth/password/forgot", Some("application/json"), b"{}".to_vec()),
        ("/api/auth/password/reset", Some("application/json"), br#"{"email":"x@example.com","code":"","new_password":""}"#.to_vec()),
        ("/api/auth/logout", Some("application/json"), b"{}".to_vec()),
    ];
    for (path, content_type, body) in cases {
        let shown = String::from_utf8_lossy(&body)
            .chars()
            .take(80)
            .collect::<String>();
        let response = app.post_raw(path, content_type, body).await;
        request_id(&response);
        let status = response.status();
        assert!(
            status.is_client_error(),
            "POST {path} {shown:?} answered {status}"
        );
        problem(response).await;
    }

    for (path, token) in [
        ("/api/me", Some("not.a.jwt")),
        ("/api/me", None),
        ("/api/me/sessions", Some("")),
        ("/api/nope", None),
        ("/api/auth/login", None),
    ] {
        let mut request = app.client.get(app.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        request_id(&response);
        assert!(
            response.status().is_client_error(),
            "GET {path} answered {}",
            response.status()
        );
        problem(response).await;
    }

    let health = app.health().await;
    request_id(&health);
    assert_eq!(health.status(), 200);
    let registered = app
        .post_register(
            &json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}),
        )
        .await;
    request_id(&registered);
    assert_eq!(registered.status(), 202);
}
