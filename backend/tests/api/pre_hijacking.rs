//! Account pre-hijacking and what a pending registration reveals (Sudhodanan & Paverd, 2022): only the
//! party that chose a registration's password can activate it; a pending registration makes neither its
//! username nor its address observably taken; the first verified registration wins.

use diesel::prelude::*;
use otp_portal::store::schema::registrations;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{
    expect_json, expect_problem, spawn_app, spawn_app_with, tokens, TestApp, PASSWORD, VERIFY_EMAIL,
};

const VICTIM: &str = "victim@example.com";
const INTRUDER_PASSWORD: &str = "the intruder's own passphrase";

/// The `n`-th verification code mailed to `email`, and the username that mail says it confirms.
async fn nth_code(app: &TestApp, email: &str, n: usize) -> (String, String) {
    let mail = app.smtp.wait_for_nth_mail(email, VERIFY_EMAIL, n).await;
    (mail.code(), mail.text)
}

#[tokio::test]
async fn a_second_registration_of_a_pending_address_never_gets_the_owners_verification() {
    let app = spawn_app().await;
    app.register("victim", VICTIM, PASSWORD).await;
    let victim_token = app.registration_token(VICTIM).unwrap();
    let (victim_code, _) = nth_code(&app, VICTIM, 1).await;

    // The intruder registers the same address with a password of their own, and keeps that token.
    app.register("mallory", VICTIM, INTRUDER_PASSWORD).await;
    let intruder_token = app.registration_token(VICTIM).unwrap();
    let (intruder_code, intruder_mail) = nth_code(&app, VICTIM, 2).await;
    assert!(
        intruder_mail.contains("mallory"),
        "the mail does not say which registration it confirms:\n{intruder_mail}"
    );

    // The owner types the newest code from their inbox: with their browser's token, it is refused.
    if intruder_code != victim_code {
        let crossed = app
            .verify_email(&json!({"email": VICTIM, "code": intruder_code, "registration_token": victim_token}))
            .await;
        expect_problem(crossed, 400, "invalid_code").await;
        // On another device, with their own password, it is refused too.
        let other_device = app
            .verify_email(&json!({"email": VICTIM, "code": intruder_code, "password": PASSWORD}))
            .await;
        expect_problem(other_device, 400, "invalid_code").await;
    }
    // The owner's own code activates the owner's registration, with the owner's password.
    let owner = tokens(
        app.verify_email(
            &json!({"email": VICTIM, "code": victim_code, "registration_token": victim_token}),
        )
        .await,
    )
    .await;
    assert_eq!(owner.user.username, "victim");
    app.login_ok(VICTIM, PASSWORD).await;

    // The intruder's password opens nothing, and their token without the owner's code activates nothing.
    for login in ["mallory", VICTIM] {
        let response = app
            .login(&json!({"login": login, "password": INTRUDER_PASSWORD}))
            .await;
        assert_ne!(response.status(), StatusCode::OK, "{login} signed in");
    }
    let guessed = app
        .verify_email(
            &json!({"email": VICTIM, "code": "000000", "registration_token": intruder_token}),
        )
        .await;
    assert_ne!(guessed.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_mailed_link_opened_on_another_device_verifies_with_the_password() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("alice", "alice@example.com", PASSWORD)
        .await;

    let wrong = app
        .verify_email(&json!({"email": "alice@example.com", "code": code, "password": "not the password at all"}))
        .await;
    let (problem, _) = expect_problem(wrong, 400, "invalid_code").await;
    assert_eq!(problem["attempts_remaining"], 4);

    let right = app
        .verify_email(&json!({"email": "alice@example.com", "code": code, "password": PASSWORD}))
        .await;
    let tokens = tokens(right).await;
    assert_eq!(tokens.user.username, "alice");
    assert!(tokens.user.email_verified);
}

#[tokio::test]
async fn a_registration_token_only_works_for_its_own_address() {
    let app = spawn_app().await;
    app.register("alice", "alice@example.com", PASSWORD).await;
    let alice_token = app.registration_token("alice@example.com").unwrap();
    let bob_code = app
        .register_for_code("bob", "bob@example.com", PASSWORD)
        .await;

    let response = app
        .verify_email(&json!({"email": "bob@example.com", "code": bob_code, "registration_token": alice_token}))
        .await;

    expect_problem(response, 410, "code_expired").await;
    app.verify("bob@example.com", &bob_code).await;
}

/// Whether registering `probe` with a fresh address is accepted after `victim@` was registered (pending)
/// with the username `probe`; `victim_has_account` decides whether `victim@` already had an account.
async fn probe_answer(victim_has_account: bool) -> StatusCode {
    let app = spawn_app().await;
    if victim_has_account {
        app.register_and_verify("owner", VICTIM, PASSWORD).await;
    }
    app.register("probe", VICTIM, INTRUDER_PASSWORD).await;
    app.post_register(
        &json!({"username": "probe", "email": "prober@example.com", "password": INTRUDER_PASSWORD}),
    )
    .await
    .status()
}

#[tokio::test]
async fn a_pending_registration_does_not_reveal_whether_its_address_has_an_account() {
    let without = probe_answer(false).await;
    let with = probe_answer(true).await;
    assert_eq!(without, StatusCode::ACCEPTED);
    assert_eq!(with, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn signing_in_to_a_pending_registration_answers_not_verified_whether_or_not_the_address_is_taken(
) {
    let app = spawn_app().await;
    app.register_and_verify("owner", "taken@example.com", PASSWORD)
        .await;
    app.register("newcomer", "fresh@example.com", INTRUDER_PASSWORD)
        .await;
    app.register("squatter", "taken@example.com", INTRUDER_PASSWORD)
        .await;

    for login in [
        "newcomer",
        "fresh@example.com",
        "squatter",
        "taken@example.com",
    ] {
        let response = app
            .login(&json!({"login": login, "password": INTRUDER_PASSWORD}))
            .await;
        expect_problem(response, 403, "email_not_verified").await;
    }
    // The owner is unaffected.
    app.login_ok("taken@example.com", PASSWORD).await;
}

#[tokio::test]
async fn the_first_verified_registration_of_a_username_wins_and_the_other_is_told() {
    let app = spawn_app().await;
    let first_code = app
        .register_for_code("shared_name", "first@example.com", PASSWORD)
        .await;
    let second_code = app
        .register_for_code("Shared_Name", "second@example.com", PASSWORD)
        .await;

    let winner = app.verify("second@example.com", &second_code).await;
    assert_eq!(winner.user.username, "Shared_Name");
    let loser = app
        .verify_email(&json!({"email": "first@example.com", "code": first_code}))
        .await;
    expect_problem(loser, 409, "username_taken").await;
    // The loser can register again under another name.
    app.register("another_name", "first@example.com", PASSWORD)
        .await;
    let (again, _) = nth_code(&app, "first@example.com", 2).await;
    let account = app.verify("first@example.com", &again).await;
    assert_eq!(account.user.username, "another_name");
}

#[tokio::test]
async fn racing_verifications_of_one_username_make_exactly_one_account() {
    let app = spawn_app().await;
    let mut verifications = Vec::new();
    for i in 0..6 {
        let email = format!("racer{i}@example.com");
        let code = app.register_for_code("racer", &email, PASSWORD).await;
        let token = app.registration_token(&email).unwrap();
        verifications.push(json!({"email": email, "code": code, "registration_token": token}));
    }

    let responses = futures::future::join_all(
        verifications
            .iter()
            .map(|body| async { app.verify_email(body).await }),
    )
    .await;

    let mut statuses: Vec<u16> = Vec::new();
    for response in responses {
        let status = response.status().as_u16();
        if status == 409 {
            expect_problem(response, 409, "username_taken").await;
        }
        statuses.push(status);
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409, 409, 409, 409, 409]);
}

#[tokio::test]
async fn racing_verifications_with_one_code_spend_it_once() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("alice", "alice@example.com", PASSWORD)
        .await;
    let by_token = json!({"email": "alice@example.com", "code": code});
    let by_password = json!({"email": "alice@example.com", "code": code, "password": PASSWORD});

    let responses = futures::future::join_all((0..8).map(|i| {
        let body = if i % 2 == 0 { &by_token } else { &by_password };
        async { app.verify_email(body).await }
    }))
    .await;

    let ok = responses
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    assert_eq!(ok, 1, "one code opened {ok} accounts or sessions");
}

#[tokio::test]
async fn registering_again_never_extends_the_purge_time_of_a_registration() {
    let app = spawn_app_with(|vars| {
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
    })
    .await;
    app.register("alice", "alice@example.com", PASSWORD).await;
    let before = purge_times(&app);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.register("alice", "alice@example.com", PASSWORD).await;
    let after = purge_times(&app);

    assert_eq!(before.len(), 1);
    assert_eq!(after.len(), 2);
    assert_eq!(
        after[0], before[0],
        "the first registration's purge time moved"
    );
    assert!(after[1] > after[0]);
}

/// The purge times of all registrations, oldest first.
fn purge_times(app: &TestApp) -> Vec<chrono::NaiveDateTime> {
    let pool = otp_portal::store::connect(&app.database_url).unwrap();
    let mut conn = pool.get().unwrap();
    registrations::table
        .order(registrations::created_at.asc())
        .select(registrations::expires_at)
        .load(&mut conn)
        .unwrap()
}

#[tokio::test]
async fn a_registration_for_a_taken_address_looks_like_any_other_to_its_registrant() {
    let app = spawn_app().await;
    app.register_and_verify("owner", VICTIM, PASSWORD).await;
    let fresh = app
        .register("newcomer", "fresh@example.com", INTRUDER_PASSWORD)
        .await;

    let response = app
        .post_register(
            &json!({"username": "squatter", "email": VICTIM, "password": INTRUDER_PASSWORD}),
        )
        .await;
    let taken = expect_json(response, StatusCode::ACCEPTED).await;

    assert_eq!(crate::helpers::keys(&taken), crate::helpers::keys(&fresh));
    // Its token verifies nothing: no code was ever mailed for it.
    let guess = app
        .verify_email(&json!({"email": VICTIM, "code": "123456"}))
        .await;
    expect_problem(guess, 400, "invalid_code").await;
}
