//! Asking for another code: a cooldown between codes, a new code replaces the old one, unknown addresses
//! look the same, and wrong tries are counted per address across codes.

use serde_json::json;

use crate::helpers::{
    expect_json, expect_problem, keys, retry_after, spawn_app, spawn_app_with, timestamp, tokens,
    wait_until_past, wrong_code, PASSWORD, VERIFY_EMAIL,
};
use chrono::Duration as ChronoDuration;
use reqwest::StatusCode;

#[tokio::test]
async fn a_resend_right_after_registering_must_wait_for_the_cooldown() {
    let app = spawn_app().await;
    app.register("alice", "alice@example.com", PASSWORD).await;

    let response = app
        .resend_code(&json!({"email": "alice@example.com"}))
        .await;

    let (_, headers) = expect_problem(response, 429, "resend_cooldown").await;
    assert!(retry_after(&headers) > 0);
}

#[tokio::test]
async fn after_the_cooldown_a_new_code_replaces_the_old_one() {
    let app = spawn_app_with(|vars| {
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "1".into());
    })
    .await;
    let email = "bob@example.com";
    let registered = app.register("bob", email, PASSWORD).await;
    let old_code = app.smtp.wait_for_mail(email, VERIFY_EMAIL).await.code();
    // `resend_after` may be rounded to the second.
    wait_until_past(timestamp(&registered["resend_after"]) + ChronoDuration::seconds(1)).await;

    let response = app.resend_code(&json!({"email": email})).await;

    let body = expect_json(response, StatusCode::ACCEPTED).await;
    for key in ["email", "expires_at", "expires_in", "resend_after"] {
        assert!(body.get(key).is_some(), "no {key} in {body}");
    }
    let new_code = app
        .smtp
        .wait_for_nth_mail(email, VERIFY_EMAIL, 2)
        .await
        .code();
    if new_code != old_code {
        let response = app
            .verify_email(&json!({"email": email, "code": old_code}))
            .await;
        expect_problem(response, 400, "invalid_code").await;
    }
    let tokens = app.verify(email, &new_code).await;
    assert_eq!(tokens.user.username, "bob");
}

#[tokio::test]
async fn registering_a_pending_address_again_makes_a_second_registration_with_its_own_code() {
    let app = spawn_app_with(|vars| {
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
    })
    .await;
    let email = "carol@example.com";
    let old_code = app.register_for_code("carol_old", email, PASSWORD).await;
    let old_token = app.registration_token(email).unwrap();

    app.register("carol_new", email, "another password 2").await;
    let new_token = app.registration_token(email).unwrap();
    let new_code = app
        .smtp
        .wait_for_nth_mail(email, VERIFY_EMAIL, 2)
        .await
        .code();

    if new_code != old_code {
        let crossed = app
            .verify_email(
                &json!({"email": email, "code": old_code, "registration_token": new_token}),
            )
            .await;
        expect_problem(crossed, 400, "invalid_code").await;
    }
    let tokens = tokens(
        app.verify_email(
            &json!({"email": email, "code": new_code, "registration_token": new_token}),
        )
        .await,
    )
    .await;
    assert_eq!(tokens.user.username, "carol_new");
    app.login_ok("carol_new", "another password 2").await;
    // The first registration is still only pending, and can no longer win the address.
    let old_login = app
        .login(&json!({"login": "carol_old", "password": PASSWORD}))
        .await;
    expect_problem(old_login, 403, "email_not_verified").await;
    let late = app
        .verify_email(&json!({"email": email, "code": old_code, "registration_token": old_token}))
        .await;
    expect_problem(late, 409, "already_registered").await;
}

#[tokio::test]
async fn a_resend_for_an_unknown_address_looks_the_same_and_sends_nothing() {
    let app = spawn_app().await;
    let registered = app.register("dave", "dave@example.com", PASSWORD).await;

    let response = app
        .resend_code(&json!({"email": "stranger@example.com"}))
        .await;

    let body = expect_json(response, StatusCode::ACCEPTED).await;
    let mut expected = keys(&registered);
    expected.retain(|k| k != "registration_token");
    assert_eq!(keys(&body), expected);
    // Mail goes out in order: once a later mail has arrived, a mail to the stranger would have too.
    app.register("barrier", "barrier@example.com", PASSWORD)
        .await;
    app.smtp
        .wait_for_mail("barrier@example.com", VERIFY_EMAIL)
        .await;
    assert_eq!(app.smtp.mail_count("stranger@example.com"), 0);
}

#[tokio::test]
async fn past_twenty_wrong_codes_a_code_alone_is_refused_but_the_mailed_link_still_works() {
    let app = spawn_app_with(|vars| {
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
        // Five codes for one address from one client: more than one source gets by default.
        vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR".into(), "0".into());
    })
    .await;
    let email = "erin@example.com";
    app.register("erin", email, PASSWORD).await;

    // Four codes, five wrong tries each: twenty wrong tries for one address, counted across resends.
    for round in 1..=4 {
        let code = app
            .smtp
            .wait_for_nth_mail(email, VERIFY_EMAIL, round)
            .await
            .code();
        let wrong = wrong_code(&code);
        for _ in 0..5 {
            let response = app
                .verify_email(&json!({"email": email, "code": wrong}))
                .await;
            let status = response.status();
            assert!(
                status == 400 || status == 429,
                "a wrong code answered {status}: {}",
                response.text().await.unwrap()
            );
        }
        let response = app.resend_code(&json!({"email": email})).await;
        expect_json(response, StatusCode::ACCEPTED).await;
    }

    // Whoever made those guesses cannot keep the owner out: a new code is still mailed...
    let mail = app.smtp.wait_for_nth_mail(email, VERIFY_EMAIL, 5).await;
    // ...the 6-digit code alone is refused while the address is locked, so guessing stays bounded...
    let alone = app
        .verify_email(&json!({"email": email, "code": mail.code()}))
        .await;
    let (_, headers) = expect_problem(alone, 429, "too_many_attempts").await;
    assert!(retry_after(&headers) > 0);
    // ...a made-up link token is a wrong try...
    let forged = app
        .verify_email(&json!({"email": email, "code": wrong_code(&mail.code()), "link_token": "AAAAAAAAAAAAAAAAAAAAAA"}))
        .await;
    expect_problem(forged, 400, "invalid_code").await;
    // ...and the mailed link, with the token only the mail carries, verifies.
    let tokens = tokens(
        app.verify_email(
            &json!({"email": email, "code": mail.code(), "link_token": mail.link_token()}),
        )
        .await,
    )
    .await;
    assert_eq!(tokens.user.username, "erin");
}
