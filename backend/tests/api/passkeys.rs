//! Passkeys through the real server, answered by a software authenticator: adding one (with the
//! password), signing in with it and no username, as the second step of a login, and what an attacker
//! tries: a replayed answer, another origin, another session's or sign-in's challenge, a copied key
//! whose counter fell behind, a passkey that did not verify its user on an account with a second factor.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_helpers::{app_code, call, make_admin, turn_on_factor};
use crate::helpers::{expect_json, expect_problem, free_port, spawn_app_with, TestApp, PASSWORD};
use crate::soft_authenticator::SoftPasskey;

const SECURITY_NOTICE: &str = "security_notice";

/// An app whose PUBLIC_URL is `http://localhost:PORT`: a secure origin on a domain name, as passkeys
/// need; the browser's origin is that URL.
async fn passkey_app() -> (TestApp, String) {
    let port = free_port();
    let origin = format!("http://localhost:{port}");
    let public_url = origin.clone();
    let app = spawn_app_with(move |vars| {
        vars.insert("BIND_ADDR".into(), format!("127.0.0.1:{port}"));
        vars.insert("PUBLIC_URL".into(), public_url);
    })
    .await;
    (app, origin)
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
    call(app, Method::POST, path, token, Some(body)).await
}

/// Adds a passkey named `name` to the account of `access`; the passkey and its info.
async fn add_passkey(
    app: &TestApp,
    origin: &str,
    access: &str,
    name: &str,
    verifies_user: bool,
) -> (SoftPasskey, Value) {
    let options = expect_json(
        post(
            app,
            "/api/me/passkeys/options",
            Some(access),
            &json!({"password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let (passkey, credential) = SoftPasskey::create(&options["public_key"], origin, verifies_user);
    let added = expect_json(
        post(
            app,
            "/api/me/passkeys",
            Some(access),
            &json!({"ceremony_id": options["ceremony_id"], "name": name, "credential": credential}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    (passkey, added)
}

async fn login_options(app: &TestApp) -> Value {
    expect_json(
        post(app, "/api/auth/passkey/login/options", None, &json!({})).await,
        StatusCode::OK,
    )
    .await
}

async fn passkey_login(
    app: &TestApp,
    ceremony_id: &Value,
    credential: &Value,
) -> reqwest::Response {
    post(
        app,
        "/api/auth/passkey/login",
        None,
        &json!({"ceremony_id": ceremony_id, "credential": credential}),
    )
    .await
}

/// A whole sign-in with `passkey`: options, the authenticator's answer, the server's verdict.
async fn sign_in_with(app: &TestApp, origin: &str, passkey: &mut SoftPasskey) -> reqwest::Response {
    let options = login_options(app).await;
    let answer = passkey.assert(&options["public_key"], origin);
    passkey_login(app, &options["ceremony_id"], &answer).await
}

fn audit_kinds(app: &TestApp) -> Vec<String> {
    app.audit_events().into_iter().map(|e| e.event).collect()
}

#[tokio::test]
async fn a_passkey_added_with_the_password_signs_in_without_a_username() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let (mut passkey, added) =
        add_passkey(&app, &origin, &session.access_token, " Laptop ", true).await;
    assert_eq!(added["name"], "Laptop");
    assert_eq!(added["user_verified"], true);
    assert!(added["last_used_at"].is_null());
    // The account's handle is its id, so the passkey itself names the account.
    assert_eq!(passkey.user_handle, session.user.id.to_string().as_bytes());

    let list = expect_json(
        call(
            &app,
            Method::GET,
            "/api/me/passkeys",
            Some(&session.access_token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], added["id"]);

    // The account's own data names it, and nothing of the key.
    let export = expect_json(
        call(
            &app,
            Method::GET,
            "/api/me/export",
            Some(&session.access_token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(export["passkeys"][0]["name"], "Laptop");
    assert_eq!(
        crate::helpers::keys(&export["passkeys"][0]),
        ["created_at", "id", "last_used_at", "name", "user_verified"]
    );

    let added_mail = app
        .smtp
        .wait_for_mail("alice@example.com", SECURITY_NOTICE)
        .await;
    assert!(
        added_mail.subject.contains("passkey was added"),
        "{}",
        added_mail.subject
    );
    assert!(added_mail.text.contains("Laptop"));

    let signed_in = expect_json(
        sign_in_with(&app, &origin, &mut passkey).await,
        StatusCode::OK,
    )
    .await;
    let access = signed_in["access_token"]
        .as_str()
        .expect("tokens, no second step");
    let me = expect_json(app.me(access).await, StatusCode::OK).await;
    assert_eq!(me["username"], "alice");

    let list = expect_json(
        call(&app, Method::GET, "/api/me/passkeys", Some(access), None).await,
        StatusCode::OK,
    )
    .await;
    assert!(list[0]["last_used_at"].is_string(), "{list}");
    let used_mail = app
        .smtp
        .wait_for_nth_mail("alice@example.com", SECURITY_NOTICE, 2)
        .await;
    assert!(
        used_mail.subject.contains("Signed in with a passkey"),
        "{}",
        used_mail.subject
    );
    let kinds = audit_kinds(&app);
    for kind in ["passkey_added", "passkey_used", "login_succeeded"] {
        assert!(kinds.iter().any(|k| k == kind), "no {kind} in {kinds:?}");
    }
}

#[tokio::test]
async fn adding_a_passkey_needs_the_session_and_the_password() {
    let (app, _origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let anonymous = post(
        &app,
        "/api/me/passkeys/options",
        None,
        &json!({"password": PASSWORD}),
    )
    .await;
    expect_problem(anonymous, 401, "unauthorized").await;
    let wrong = post(
        &app,
        "/api/me/passkeys/options",
        Some(&session.access_token),
        &json!({"password": "not the password at all"}),
    )
    .await;
    expect_problem(wrong, 422, "validation_failed").await;
    let garbage = post(
        &app,
        "/api/me/passkeys",
        Some(&session.access_token),
        &json!({"ceremony_id": "x", "name": "", "credential": "nope"}),
    )
    .await;
    let (problem, _) = expect_problem(garbage, 422, "validation_failed").await;
    for field in ["name", "credential"] {
        assert!(problem["errors"][field].is_array(), "{problem}");
    }
}

#[tokio::test]
async fn another_sessions_ceremony_and_another_origin_add_nothing() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let other_device = app.login_ok("alice", PASSWORD).await;

    let options = expect_json(
        post(
            &app,
            "/api/me/passkeys/options",
            Some(&session.access_token),
            &json!({"password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let (_, credential) = SoftPasskey::create(&options["public_key"], &origin, true);
    // The same account, signed in elsewhere: the ceremony belongs to the session that asked for it.
    let elsewhere = post(
        &app,
        "/api/me/passkeys",
        Some(&other_device.access_token),
        &json!({"ceremony_id": options["ceremony_id"], "name": "Stolen", "credential": credential}),
    )
    .await;
    expect_problem(elsewhere, 410, "passkey_challenge_invalid").await;

    // A page on another origin relaying the options cannot register either.
    let options = expect_json(
        post(
            &app,
            "/api/me/passkeys/options",
            Some(&session.access_token),
            &json!({"password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let evil = origin.replace("localhost", "evil.localhost");
    let (_, credential) = SoftPasskey::create(&options["public_key"], &evil, true);
    let cross_origin = post(
        &app,
        "/api/me/passkeys",
        Some(&session.access_token),
        &json!({"ceremony_id": options["ceremony_id"], "name": "Evil", "credential": credential}),
    )
    .await;
    expect_problem(cross_origin, 400, "passkey_refused").await;

    let list = expect_json(
        call(
            &app,
            Method::GET,
            "/api/me/passkeys",
            Some(&session.access_token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn replayed_cross_origin_and_foreign_challenge_assertions_are_refused() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let (mut passkey, _) = add_passkey(&app, &origin, &session.access_token, "Laptop", true).await;

    // A recorded answer, sent again with its own ceremony: the ceremony was spent by the first.
    let options = login_options(&app).await;
    let answer = passkey.assert(&options["public_key"], &origin);
    expect_json(
        passkey_login(&app, &options["ceremony_id"], &answer).await,
        StatusCode::OK,
    )
    .await;
    let replayed = passkey_login(&app, &options["ceremony_id"], &answer).await;
    expect_problem(replayed, 410, "passkey_challenge_invalid").await;

    // ... or with a fresh ceremony: it signed another challenge.
    let fresh = login_options(&app).await;
    let replayed = passkey_login(&app, &fresh["ceremony_id"], &answer).await;
    expect_problem(replayed, 400, "passkey_refused").await;

    // An answer made on another origin (a phishing page relaying our options).
    let options = login_options(&app).await;
    let evil = origin.replace("localhost", "evil.localhost");
    let phished = passkey.assert(&options["public_key"], &evil);
    expect_problem(
        passkey_login(&app, &options["ceremony_id"], &phished).await,
        400,
        "passkey_refused",
    )
    .await;

    // An answer to one sign-in's challenge, sent with another's ceremony.
    let first = login_options(&app).await;
    let second = login_options(&app).await;
    let answer = passkey.assert(&first["public_key"], &origin);
    expect_problem(
        passkey_login(&app, &second["ceremony_id"], &answer).await,
        400,
        "passkey_refused",
    )
    .await;
    // The first ceremony was not spent by that and still takes its own answer.
    expect_json(
        passkey_login(&app, &first["ceremony_id"], &answer).await,
        StatusCode::OK,
    )
    .await;

    let refusals = app
        .audit_events()
        .into_iter()
        .filter(|e| e.event == "passkey_refused")
        .count();
    assert_eq!(refusals, 3, "{:?}", audit_kinds(&app));
}

#[tokio::test]
async fn a_copy_whose_counter_fell_behind_is_refused_and_an_unknown_passkey_too() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let (mut passkey, _) = add_passkey(&app, &origin, &session.access_token, "Key", true).await;
    for _ in 0..3 {
        expect_json(
            sign_in_with(&app, &origin, &mut passkey).await,
            StatusCode::OK,
        )
        .await;
    }
    // A clone made after the first use signs with counter 2 while the original is at 3.
    let options = login_options(&app).await;
    let cloned = passkey.assert_with_counter(&options["public_key"], &origin, 2);
    expect_problem(
        passkey_login(&app, &options["ceremony_id"], &cloned).await,
        400,
        "passkey_refused",
    )
    .await;
    let copied = app
        .audit_events()
        .into_iter()
        .find(|e| e.event == "passkey_refused")
        .expect("the refusal is audited");
    assert!(copied.detail.unwrap_or_default().contains("copied"));

    // A passkey this portal never registered.
    let options = expect_json(
        post(
            &app,
            "/api/me/passkeys/options",
            Some(&session.access_token),
            &json!({"password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let (mut stranger, _) = SoftPasskey::create(&options["public_key"], &origin, true);
    expect_problem(
        sign_in_with(&app, &origin, &mut stranger).await,
        400,
        "passkey_refused",
    )
    .await;
}

#[tokio::test]
async fn a_removed_passkey_signs_in_no_more_and_the_owner_is_told() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let (mut passkey, added) =
        add_passkey(&app, &origin, &session.access_token, "Old phone", true).await;
    let path = format!("/api/me/passkeys/{}", added["id"].as_str().unwrap());

    let renamed = expect_json(
        call(
            &app,
            Method::PATCH,
            &path,
            Some(&session.access_token),
            Some(&json!({"name": "Lost phone"})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "Lost phone");

    // Another account cannot touch it.
    let bob = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let response = call(&app, Method::DELETE, &path, Some(&bob.access_token), None).await;
    expect_problem(response, 404, "not_found").await;

    let response = call(
        &app,
        Method::DELETE,
        &path,
        Some(&session.access_token),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let removed = app
        .smtp
        .wait_for_nth_mail("alice@example.com", SECURITY_NOTICE, 2)
        .await;
    assert!(
        removed.subject.contains("passkey was removed"),
        "{}",
        removed.subject
    );
    assert!(removed.text.contains("Lost phone"));
    expect_problem(
        sign_in_with(&app, &origin, &mut passkey).await,
        400,
        "passkey_refused",
    )
    .await;
    let response = call(
        &app,
        Method::DELETE,
        &path,
        Some(&session.access_token),
        None,
    )
    .await;
    expect_problem(response, 404, "not_found").await;
}

#[tokio::test]
async fn with_a_second_factor_only_a_passkey_that_verified_its_user_signs_in_alone() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let factor = turn_on_factor(&app, &session.access_token).await;
    let (mut verifying, _) = add_passkey(&app, &origin, &session.access_token, "Phone", true).await;
    let (mut security_key, info) = add_passkey(
        &app,
        &origin,
        &session.access_token,
        "Key without PIN",
        false,
    )
    .await;
    assert_eq!(info["user_verified"], false);

    let alone = expect_json(
        sign_in_with(&app, &origin, &mut verifying).await,
        StatusCode::OK,
    )
    .await;
    assert!(alone["access_token"].is_string(), "{alone}");

    // Possession alone: the second factor is still asked, and no passkey may be it.
    let step = expect_json(
        sign_in_with(&app, &origin, &mut security_key).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(step["mfa_required"], true, "{step}");
    assert!(step.get("access_token").is_none());
    assert_eq!(step["methods"], json!(["totp", "recovery_code"]));
    let mfa_token = step["mfa_token"].clone();
    let refused = post(
        &app,
        "/api/auth/passkey/second-factor/options",
        None,
        &json!({"mfa_token": mfa_token}),
    )
    .await;
    expect_problem(refused, 409, "passkey_not_available").await;
    let finished = post(
        &app,
        "/api/auth/login/mfa",
        None,
        &json!({"mfa_token": mfa_token, "code": app_code(&factor.secret, 0)}),
    )
    .await;
    assert!(expect_json(finished, StatusCode::OK).await["access_token"].is_string());
}

#[tokio::test]
async fn a_passkey_is_a_second_factor_after_the_password() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    turn_on_factor(&app, &session.access_token).await;
    let (mut security_key, _) =
        add_passkey(&app, &origin, &session.access_token, "Key", false).await;

    let step = expect_json(
        app.login(&json!({"login": "alice", "password": PASSWORD}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(step["methods"], json!(["totp", "recovery_code", "passkey"]));
    let mfa_token = step["mfa_token"].clone();
    let options = expect_json(
        post(
            &app,
            "/api/auth/passkey/second-factor/options",
            None,
            &json!({"mfa_token": mfa_token}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let allowed = options["public_key"]["allowCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(allowed.len(), 1);

    // A sign-in ceremony's id is no second step's.
    let sign_in_ceremony = login_options(&app).await;
    let answer = security_key.assert(&sign_in_ceremony["public_key"], &origin);
    let foreign = post(
        &app,
        "/api/auth/passkey/second-factor",
        None,
        &json!({"mfa_token": mfa_token, "ceremony_id": sign_in_ceremony["ceremony_id"], "credential": answer}),
    )
    .await;
    expect_problem(foreign, 410, "passkey_challenge_invalid").await;

    let answer = security_key.assert(&options["public_key"], &origin);
    let done = post(
        &app,
        "/api/auth/passkey/second-factor",
        None,
        &json!({"mfa_token": mfa_token, "ceremony_id": options["ceremony_id"], "credential": answer}),
    )
    .await;
    let tokens = expect_json(done, StatusCode::OK).await;
    assert!(tokens["access_token"].is_string(), "{tokens}");
    // The step is spent.
    let again = post(
        &app,
        "/api/auth/passkey/second-factor/options",
        None,
        &json!({"mfa_token": mfa_token}),
    )
    .await;
    expect_problem(again, 401, "invalid_token").await;
}

#[tokio::test]
async fn one_answer_sent_twice_at_once_signs_in_once() {
    let (app, origin) = passkey_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let (mut passkey, _) = add_passkey(&app, &origin, &session.access_token, "Laptop", true).await;
    let options = login_options(&app).await;
    let answer = passkey.assert(&options["public_key"], &origin);

    let attempts = (0..8).map(|_| passkey_login(&app, &options["ceremony_id"], &answer));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 410),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_with_its_passkey_and_the_admin_sees_and_removes_it() {
    let (app, origin) = passkey_app().await;
    let admin = make_admin(&app, "root").await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let (mut passkey, added) =
        add_passkey(&app, &origin, &session.access_token, "Laptop", true).await;
    let user_path = format!("/api/admin/users/{}", session.user.id);

    let detail = expect_json(
        call(&app, Method::GET, &user_path, Some(&admin.token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["passkeys"][0]["name"], "Laptop");
    assert_eq!(detail["passkeys"][0]["id"], added["id"]);

    let disable = call(
        &app,
        Method::POST,
        &format!("{user_path}/disable"),
        Some(&admin.token),
        None,
    )
    .await;
    assert_eq!(disable.status(), StatusCode::NO_CONTENT);
    expect_problem(
        sign_in_with(&app, &origin, &mut passkey).await,
        403,
        "account_disabled",
    )
    .await;

    let remove = format!("{user_path}/passkeys/{}", added["id"].as_str().unwrap());
    let response = call(
        &app,
        Method::DELETE,
        &remove,
        Some(&session.access_token),
        None,
    )
    .await;
    assert_ne!(
        response.status(),
        StatusCode::NO_CONTENT,
        "a user is no admin"
    );
    let response = call(&app, Method::DELETE, &remove, Some(&admin.token), None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let removal = app
        .audit_events()
        .into_iter()
        .find(|e| e.event == "passkey_removed")
        .expect("audited");
    assert_eq!(removal.actor_id.as_deref(), Some(admin.id.as_str()));
    let detail = expect_json(
        call(&app, Method::GET, &user_path, Some(&admin.token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detail["passkeys"], json!([]));
}

#[tokio::test]
async fn an_ip_address_public_url_has_no_passkeys_and_says_why() {
    // spawn_app's PUBLIC_URL is http://127.0.0.1:PORT: browsers refuse passkeys for an IP address.
    let app = crate::helpers::spawn_app().await;
    let response = post(&app, "/api/auth/passkey/login/options", None, &json!({})).await;
    let (problem, _) = expect_problem(response, 404, "passkeys_unavailable").await;
    assert!(problem["detail"].as_str().unwrap().contains("PUBLIC_URL"));
}
