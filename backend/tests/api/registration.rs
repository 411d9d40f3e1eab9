//! Registering: a 202 answer with the code's timing, a mail with the code and a link, and validation.

use chrono::{Duration as ChronoDuration, Utc};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    expect_json, expect_problem, field_errors, six_digit_runs, spawn_app, timestamp, PASSWORD,
    VERIFY_EMAIL,
};

#[tokio::test]
async fn a_valid_registration_is_accepted_with_the_timing_of_the_code() {
    let app = spawn_app().await;
    let before = Utc::now();

    let response = app
        .post_register(
            &json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}),
        )
        .await;

    let after = Utc::now();
    let body = expect_json(response, StatusCode::ACCEPTED).await;
    for key in ["email", "expires_at", "expires_in", "resend_after"] {
        assert!(body.get(key).is_some(), "no {key} in {body}");
    }
    assert!(body["email"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("alice@example.com"));
    // Defaults: codes live 300 s, another may be asked for after 60 s. Timestamps may be truncated to the
    // second, hence the slack of one second either side.
    let slack = ChronoDuration::seconds(1);
    let expires_in = body["expires_in"].as_i64().unwrap();
    let elapsed = (after - before).num_seconds();
    assert!(
        (300 - elapsed - 1..=300).contains(&expires_in),
        "expires_in {expires_in} is not about 300"
    );
    let expires_at = timestamp(&body["expires_at"]);
    assert!(
        expires_at >= before + ChronoDuration::seconds(300) - slack
            && expires_at <= after + ChronoDuration::seconds(300) + slack,
        "expires_at {expires_at} is not about 300 s after {before}"
    );
    let resend_after = timestamp(&body["resend_after"]);
    assert!(
        resend_after >= before + ChronoDuration::seconds(60) - slack
            && resend_after <= after + ChronoDuration::seconds(60) + slack,
        "resend_after {resend_after} is not about 60 s after {before}"
    );
}

#[tokio::test]
async fn a_registration_mails_a_six_digit_code_and_a_verify_link() {
    let app = spawn_app().await;
    let email = "bob@example.com";
    app.register("bob", email, PASSWORD).await;

    let mail = app.smtp.wait_for_mail(email, VERIFY_EMAIL).await;

    assert!(!mail.subject.trim().is_empty(), "the mail has no subject");
    let code = mail.code();
    assert_eq!(code.len(), 6);
    // The code may appear twice (in the text and in the link), but no other 6-digit number does.
    let runs = six_digit_runs(&mail.text);
    assert!(
        runs.iter().all(|run| *run == code),
        "the text body holds other 6-digit numbers than the code: {runs:?}"
    );
    assert!(!mail.html.is_empty(), "the mail has no html body");
    assert!(mail.html.contains(&code), "the html body lacks the code");
    let link = mail
        .links()
        .into_iter()
        .find(|l| l.contains("/verify#"))
        .unwrap_or_else(|| panic!("no /verify# link in the text body:\n{}", mail.text));
    let url = url::Url::parse(&link).unwrap();
    assert_eq!(
        url.query(),
        None,
        "the link {link} sends something to the server"
    );
    let fragment = url.fragment().unwrap_or_default();
    let values: Vec<String> = url::form_urlencoded::parse(fragment.as_bytes())
        .map(|(_, v)| v.into_owned())
        .collect();
    assert!(
        values.iter().any(|v| v.eq_ignore_ascii_case(email)),
        "the link {link} lacks the address"
    );
    assert!(values.contains(&code), "the link {link} lacks the code");
}

#[tokio::test]
async fn each_bad_field_is_reported_under_its_name() {
    let app = spawn_app().await;
    let good = json!({"username": "carol", "email": "carol@example.com", "password": PASSWORD});
    let long_password = "p".repeat(129);
    let long_username = "u".repeat(33);
    let cases = [
        ("username", "ab"),
        ("username", "carol!"),
        ("username", "car ol"),
        ("username", long_username.as_str()),
        ("email", "not-an-address"),
        ("email", "carol@"),
        ("password", "1234567"),
        ("password", long_password.as_str()),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        body[field] = json!(value);

        let response = app.post_register(&body).await;

        let (problem, _) = expect_problem(response, 422, "validation_failed").await;
        field_errors(&problem, field);
        let reported: Vec<String> = problem["errors"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            reported,
            [field],
            "{field}={value:?}: only {field} is wrong, got {problem}"
        );
    }
}

#[tokio::test]
async fn all_bad_fields_are_reported_at_once() {
    let app = spawn_app().await;

    let response = app
        .post_register(&json!({"username": "a!", "email": "nope", "password": "short"}))
        .await;

    let (problem, _) = expect_problem(response, 422, "validation_failed").await;
    for field in ["username", "email", "password"] {
        field_errors(&problem, field);
    }
}

#[tokio::test]
async fn a_username_taken_by_another_address_is_refused_ignoring_case() {
    let app = spawn_app().await;
    app.register_and_verify("Dave", "dave@example.com", PASSWORD)
        .await;

    let response = app
        .post_register(
            &json!({"username": "dAVE", "email": "someone-else@example.com", "password": PASSWORD}),
        )
        .await;

    expect_problem(response, 409, "username_taken").await;
    // The refused attempt did not take the other address either.
    app.register("frank", "someone-else@example.com", PASSWORD)
        .await;
}

#[tokio::test]
async fn a_refused_registration_creates_nothing() {
    let app = spawn_app().await;
    let response = app
        .post_register(
            &json!({"username": "erin", "email": "erin@example.com", "password": "short"}),
        )
        .await;
    expect_problem(response, 422, "validation_failed").await;

    // Neither the username nor the address were taken by the refused attempt.
    let body = app.register("erin", "erin@example.com", PASSWORD).await;
    assert!(body["email"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case("erin@example.com"));
    let code = app
        .smtp
        .wait_for_mail("erin@example.com", VERIFY_EMAIL)
        .await
        .code();
    let tokens = app.verify("erin@example.com", &code).await;
    assert_eq!(tokens.user.username, "erin");
    assert_eq!(
        app.smtp.mails("erin@example.com", VERIFY_EMAIL).len(),
        1,
        "the refused attempt sent a mail"
    );
}
