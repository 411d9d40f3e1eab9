//! Code mails readable from a phone's notification: the code leads the subject (unless the operator turns
//! it off), and the outbox, which keeps a delivered mail's subject, never keeps the code in it.

use diesel::prelude::*;
use serde_json::json;

use crate::helpers::{
    spawn_app, spawn_app_with, ReceivedMail, TestApp, PASSWORD, PASSWORD_RESET, VERIFY_EMAIL,
};

/// The subjects the outbox holds for `recipient`, delivered or not.
fn stored_subjects(app: &TestApp, recipient: &str) -> Vec<String> {
    use otp_portal::store::schema::outbox::dsl::{outbox, recipient as to, subject};
    let pool = otp_portal::store::connect(&app.database_url).unwrap();
    let mut conn = pool.get().unwrap();
    outbox
        .filter(to.eq(recipient))
        .select(subject)
        .load(&mut conn)
        .unwrap()
}

fn assert_code_leads(mail: &ReceivedMail, what: &str) {
    let code = mail.code();
    assert_eq!(
        mail.subject,
        format!("{code} is your OTP Portal {what} code"),
        "{mail:?}"
    );
}

#[tokio::test]
async fn the_code_leads_the_subject_of_verification_reset_and_sign_in_mails() {
    let app = spawn_app().await;
    app.register("alice", "alice@example.com", PASSWORD).await;
    let verification = app
        .smtp
        .wait_for_mail("alice@example.com", VERIFY_EMAIL)
        .await;
    assert_code_leads(&verification, "verification");
    app.verify("alice@example.com", &verification.code()).await;

    app.forgot_password(&json!({"email": "alice@example.com"}))
        .await;
    let reset = app
        .smtp
        .wait_for_mail("alice@example.com", PASSWORD_RESET)
        .await;
    assert_code_leads(&reset, "password reset");

    app.client
        .post(app.url("/api/auth/login/code"))
        .json(&json!({"email": "alice@example.com"}))
        .send()
        .await
        .unwrap();
    let sign_in = app
        .smtp
        .wait_for_mail("alice@example.com", "login_code")
        .await;
    assert_code_leads(&sign_in, "sign-in");

    // Delivered mails keep their subject in the outbox, but without the code.
    let stored = stored_subjects(&app, "alice@example.com");
    assert_eq!(stored.len(), 3, "{stored:?}");
    for mail in [&verification, &reset, &sign_in] {
        let code = mail.code();
        assert!(
            stored.iter().all(|s| !s.contains(&code)),
            "{code} stored in {stored:?}"
        );
    }
}

#[tokio::test]
async fn operators_can_keep_the_code_out_of_the_subject() {
    let app = spawn_app_with(|vars| {
        vars.insert("MAIL_CODE_IN_SUBJECT".into(), "false".into());
    })
    .await;
    app.register("alice", "alice@example.com", PASSWORD).await;
    let mail = app
        .smtp
        .wait_for_mail("alice@example.com", VERIFY_EMAIL)
        .await;
    assert_eq!(mail.subject, "Your OTP Portal verification code");
    // The body still carries it, once as the code the text body leads with.
    assert_eq!(crate::helpers::six_digit_runs(&mail.text)[0], mail.code());
    app.verify("alice@example.com", &mail.code()).await;
}
