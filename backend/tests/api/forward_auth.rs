//! Forward-auth (`GET /api/auth/check`) as a reverse proxy uses it: the browser's session cookie or a
//! Bearer token answers `200` with the account in `X-Auth-*` headers; nothing, garbage, a signed-out or
//! revoked session, and a disabled account answer `401` at once.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::admin_helpers::make_admin;
use crate::helpers::{
    cookie_attributes, cookie_value, expect_json, expect_problem, set_cookie, spawn_app,
    spawn_app_with, TestApp, PASSWORD,
};

const COOKIE: &str = "otp_portal_session";

/// Signs in and returns the session cookie's value and the access token.
async fn sign_in(app: &TestApp, login: &str) -> (String, String) {
    let response = app
        .login(&json!({"login": login, "password": PASSWORD}))
        .await;
    let set = set_cookie(response.headers(), COOKIE).expect("a sign-in sets the session cookie");
    let body = expect_json(response, StatusCode::OK).await;
    (
        cookie_value(&set),
        body["access_token"].as_str().unwrap().to_owned(),
    )
}

async fn check_with_cookie(app: &TestApp, cookie: &str) -> Response {
    app.client
        .get(app.url("/api/auth/check"))
        .header("Cookie", format!("{COOKIE}={cookie}"))
        .send()
        .await
        .unwrap()
}

async fn check_with_token(app: &TestApp, token: &str) -> Response {
    app.client
        .get(app.url("/api/auth/check"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name}"))
        .to_str()
        .unwrap()
        .to_owned()
}

async fn expect_signed_in(response: Response, id: &str) {
    assert_eq!(header(&response, "x-auth-user-id"), id);
    assert_eq!(header(&response, "x-auth-username"), "alice");
    assert_eq!(header(&response, "x-auth-email"), "alice@example.com");
    assert_eq!(header(&response, "x-auth-role"), "user");
    assert_eq!(header(&response, "cache-control"), "no-store");
    let body = expect_json(response, StatusCode::OK).await;
    assert_eq!(body["id"], id);
}

#[tokio::test]
async fn an_open_session_passes_by_cookie_or_token_and_nothing_else_does() {
    let app = spawn_app().await;
    let registered = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let id = registered.user.id.to_string();
    let (cookie, token) = sign_in(&app, "alice").await;

    expect_signed_in(check_with_cookie(&app, &cookie).await, &id).await;
    expect_signed_in(check_with_token(&app, &token).await, &id).await;

    // Nothing, garbage, a tampered cookie, a token that is not ours.
    expect_problem(app.get("/api/auth/check").await, 401, "unauthorized").await;
    expect_problem(
        check_with_cookie(&app, "garbage").await,
        401,
        "unauthorized",
    )
    .await;
    let mut tampered = cookie.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    expect_problem(
        check_with_cookie(&app, &tampered).await,
        401,
        "unauthorized",
    )
    .await;
    expect_problem(
        check_with_token(&app, "not.a.token").await,
        401,
        "unauthorized",
    )
    .await;

    // A cookie of another portal (another secret key) means nothing here.
    let other = spawn_app_with(|vars| {
        vars.insert(
            "SECRET_KEY".into(),
            "a different secret key for another portal".into(),
        );
    })
    .await;
    expect_problem(
        check_with_cookie(&other, &cookie).await,
        401,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn the_cookie_is_private_to_the_server_and_scoped_as_configured() {
    let app = spawn_app_with(|vars| {
        vars.insert(
            "PUBLIC_URL".into(),
            "http://portal.example.test:8080".into(),
        );
        vars.insert("COOKIE_DOMAIN".into(), "example.test".into());
    })
    .await;
    let registered = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let response = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    let set = set_cookie(response.headers(), COOKIE).unwrap();
    let attributes: Vec<String> = cookie_attributes(&set)
        .iter()
        .map(|a| a.to_ascii_lowercase())
        .collect();
    for expected in [
        "httponly",
        "path=/",
        "samesite=lax",
        "domain=example.test",
        "secure",
    ] {
        assert!(
            attributes.iter().any(|a| a == expected),
            "{expected} missing: {set}"
        );
    }
    assert!(
        attributes.iter().any(|a| a.starts_with("max-age=")),
        "{set}"
    );
    // It names the session, encrypted: neither the account nor the session id can be read from it.
    let value = cookie_value(&set);
    let id = registered.user.id.to_string();
    assert!(!value.contains(&id) && !value.contains("sid"), "{value}");
}

#[tokio::test]
async fn a_session_ended_anywhere_fails_the_check_at_once() {
    let app = spawn_app().await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    // Signed out (by the browser, which sends the cookie along): the logout also clears it.
    let (cookie, token) = sign_in(&app, "alice").await;
    let logout = app
        .client
        .post(app.url("/api/auth/logout"))
        .bearer_auth(&token)
        .header("Cookie", format!("{COOKIE}={cookie}"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    let cleared = set_cookie(logout.headers(), COOKIE).expect("the logout clears the cookie");
    assert!(cookie_value(&cleared).is_empty(), "{cleared}");
    let after = check_with_cookie(&app, &cookie).await;
    // The dead cookie is dropped in the answer too.
    assert!(set_cookie(after.headers(), COOKIE).is_some());
    expect_problem(after, 401, "unauthorized").await;

    // Revoked from another device's session list.
    let (cookie, _) = sign_in(&app, "alice").await;
    let (_, other) = sign_in(&app, "alice").await;
    let sessions: Value = app
        .client
        .get(app.url("/api/me/sessions"))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for session in sessions.as_array().unwrap() {
        if session["current"] == false {
            let id = session["id"].as_str().unwrap();
            let revoked = app
                .client
                .delete(app.url(&format!("/api/me/sessions/{id}")))
                .bearer_auth(&other)
                .send()
                .await
                .unwrap();
            assert_eq!(revoked.status(), 204);
        }
    }
    expect_problem(check_with_cookie(&app, &cookie).await, 401, "unauthorized").await;

    // A password reset ends every session, this one too.
    let (cookie, _) = sign_in(&app, "alice").await;
    let forgot = app
        .forgot_password(&json!({"email": "alice@example.com"}))
        .await;
    assert_eq!(forgot.status(), 202);
    let code = app
        .smtp
        .wait_for_mail("alice@example.com", crate::helpers::PASSWORD_RESET)
        .await
        .code();
    let reset = app
        .reset_password(&json!({"email": "alice@example.com", "code": code, "new_password": "a brand new passphrase"}))
        .await;
    assert_eq!(reset.status(), 204);
    expect_problem(check_with_cookie(&app, &cookie).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_disabled_account_fails_the_check_at_once() {
    let app = spawn_app().await;
    let admin = make_admin(&app, "boss").await;
    let alice = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let (cookie, token) = sign_in(&app, "alice").await;
    expect_signed_in(
        check_with_cookie(&app, &cookie).await,
        &alice.user.id.to_string(),
    )
    .await;
    let disabled = app
        .client
        .request(
            Method::POST,
            app.url(&format!("/api/admin/users/{}/disable", alice.user.id)),
        )
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::NO_CONTENT);
    expect_problem(check_with_cookie(&app, &cookie).await, 401, "unauthorized").await;
    expect_problem(check_with_token(&app, &token).await, 401, "unauthorized").await;
}
