//! Mails in the reader's language: a registration's from the `Accept-Language` of the request that made
//! it, an account's from its stored language, which the owner changes with `PUT /api/me/language`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

const GERMAN: &str = "de-DE,de;q=0.9";

impl TestApp {
    async fn post_json_in(&self, path: &str, body: &Value, accept_language: &str) -> Value {
        let response = self
            .client
            .post(self.url(path))
            .header("Accept-Language", accept_language)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{path} answered {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn put_language(&self, token: &str, body: &Value) -> reqwest::Response {
        self.client
            .put(self.url("/api/me/language"))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Registers `email` with the request in `accept_language` and verifies it; the access token.
    async fn register_in(&self, email: &str, accept_language: &str) -> String {
        let answer = self
            .post_json_in(
                "/api/auth/register",
                &json!({"username": "alice", "email": email, "password": PASSWORD}),
                accept_language,
            )
            .await;
        let mail = self.smtp.wait_for_mail(email, VERIFY_EMAIL).await;
        let response = self
            .verify_email_as_sent(&json!({
                "email": email,
                "code": mail.code(),
                "registration_token": answer["registration_token"],
            }))
            .await;
        tokens(response).await.access_token
    }
}

fn assert_no_isolation_marks(mail: &ReceivedMail) {
    for part in [&mail.subject, &mail.text, &mail.html] {
        assert!(
            !part.contains(['\u{2068}', '\u{2069}']),
            "{} mail: {part}",
            mail.kind
        );
    }
}

#[tokio::test]
async fn a_german_browser_gets_a_german_verification_mail_and_a_german_account() {
    let app = spawn_app().await;
    let token = app.register_in("alice@example.com", GERMAN).await;

    let mail = app
        .smtp
        .wait_for_mail("alice@example.com", VERIFY_EMAIL)
        .await;
    let code = mail.code();
    assert_eq!(
        mail.subject,
        format!("{code} ist Ihr Bestätigungscode für OTP Portal")
    );
    assert!(
        mail.text
            .contains("Ihr Bestätigungscode für OTP Portal lautet:"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("5 Minuten"), "{}", mail.text);
    assert!(
        mail.html.contains("<strong>5 Minuten</strong>"),
        "{}",
        mail.html
    );
    assert!(mail.html.contains("<html lang=\"de\">"), "{}", mail.html);
    assert_no_isolation_marks(&mail);

    let me = expect_json(app.me(&token).await, StatusCode::OK).await;
    assert_eq!(me["language"], "de");
}

#[tokio::test]
async fn without_accept_language_mails_and_account_are_english() {
    let app = spawn_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let mail = app
        .smtp
        .wait_for_mail("alice@example.com", VERIFY_EMAIL)
        .await;
    assert_eq!(
        mail.subject,
        format!("{} is your OTP Portal verification code", mail.code())
    );
    assert!(mail.text.contains("5 minutes"), "{}", mail.text);
    assert_no_isolation_marks(&mail);
    assert_eq!(session.user.language.code(), "en");
}

#[tokio::test]
async fn a_resend_writes_in_the_language_of_the_request_that_asked() {
    let app = spawn_app_with(|vars| {
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".to_owned(), "0".to_owned());
    })
    .await;
    let answer = app
        .post_json_in(
            "/api/auth/register",
            &json!({"username": "alice", "email": "alice@example.com", "password": PASSWORD}),
            "en",
        )
        .await;
    let first = app
        .smtp
        .wait_for_mail("alice@example.com", VERIFY_EMAIL)
        .await;
    assert!(first.text.contains("verification code"), "{}", first.text);
    wait_until_past(timestamp(&answer["resend_after"])).await;
    app.post_json_in(
        "/api/auth/resend-code",
        &json!({"email": "alice@example.com", "registration_token": answer["registration_token"]}),
        GERMAN,
    )
    .await;
    let second = app
        .smtp
        .wait_for_nth_mail("alice@example.com", VERIFY_EMAIL, 2)
        .await;
    assert!(second.text.contains("Bestätigungscode"), "{}", second.text);

    let response = app
        .verify_email_as_sent(&json!({
            "email": "alice@example.com",
            "code": second.code(),
            "registration_token": answer["registration_token"],
        }))
        .await;
    assert_eq!(tokens(response).await.user.language.code(), "de");
}

#[tokio::test]
async fn mails_to_an_account_follow_its_language_not_the_request() {
    let app = spawn_app().await;
    let token = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await
        .access_token;

    let response = app.put_language(&token, &json!({"language": "de"})).await;
    let user = expect_json(response, StatusCode::OK).await;
    assert_eq!(user["language"], "de");
    let me = expect_json(app.me(&token).await, StatusCode::OK).await;
    assert_eq!(me["language"], "de");
    assert!(
        app.audit_events()
            .iter()
            .any(|e| e.event == "language_changed" && e.detail.as_deref() == Some("de")),
        "the change is audited"
    );

    app.post_json_in(
        "/api/auth/password/forgot",
        &json!({"email": "alice@example.com"}),
        "en",
    )
    .await;
    let mail = app
        .smtp
        .wait_for_mail("alice@example.com", PASSWORD_RESET)
        .await;
    assert_eq!(
        mail.subject,
        format!(
            "{} ist Ihr Code zum Zurücksetzen des Passworts für OTP Portal",
            mail.code()
        )
    );
    assert!(
        mail.text
            .contains("Der Code läuft in 5 Minuten ab. Geben Sie ihn mit Ihrem neuen Passwort ein"),
        "{}",
        mail.text
    );
    assert!(
        mail.link_param("code").as_deref() == Some(mail.code().as_str()),
        "{}",
        mail.text
    );
    assert_no_isolation_marks(&mail);

    // The notice after the reset is German too.
    let response = app
        .reset_password(&json!({
            "email": "alice@example.com",
            "code": mail.code(),
            "new_password": "quartz lantern orbit meadow",
        }))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let notice = app
        .smtp
        .wait_for_mail("alice@example.com", PASSWORD_CHANGED)
        .await;
    assert_eq!(notice.subject, "Ihr Passwort für OTP Portal wurde geändert");
    assert_no_isolation_marks(&notice);
}

#[tokio::test]
async fn a_registration_of_a_taken_address_notifies_the_owner_in_the_owners_language() {
    let app = spawn_app().await;
    app.register_in("alice@example.com", GERMAN).await;
    app.post_json_in(
        "/api/auth/register",
        &json!({"username": "mallory", "email": "alice@example.com", "password": PASSWORD}),
        "en-US",
    )
    .await;
    let notice = app
        .smtp
        .wait_for_mail("alice@example.com", ACCOUNT_EXISTS)
        .await;
    assert_eq!(
        notice.subject,
        "Registrierungsversuch mit Ihrer Adresse bei OTP Portal"
    );
    assert_no_isolation_marks(&notice);
}

#[tokio::test]
async fn an_unknown_language_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.register_in("alice@example.com", GERMAN).await;
    for body in [
        json!({"language": "xx"}),
        json!({"language": ""}),
        json!({"language": 7}),
        json!({}),
    ] {
        let response = app.put_language(&token, &body).await;
        let (problem, _) = expect_problem(response, 422, "validation_failed").await;
        assert!(
            !field_errors(&problem, "language").is_empty(),
            "{body}: {problem}"
        );
    }
    let me = expect_json(app.me(&token).await, StatusCode::OK).await;
    assert_eq!(me["language"], "de");
    assert!(!app
        .audit_events()
        .iter()
        .any(|e| e.event == "language_changed"));

    let response = app
        .client
        .put(app.url("/api/me/language"))
        .json(&json!({"language": "en"}))
        .send()
        .await
        .unwrap();
    expect_problem(response, 401, "unauthorized").await;
}
