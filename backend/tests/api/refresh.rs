//! Refresh tokens: single use, a replayed one revokes its whole session, and the browser's cookie.

use serde_json::json;

use crate::helpers::{
    cookie_attributes, cookie_value, expect_problem, set_cookie, spawn_app, tokens, PASSWORD,
};

#[tokio::test]
async fn a_refresh_token_buys_a_new_token_pair() {
    let app = spawn_app().await;
    let first = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let response = app
        .refresh(Some(&json!({"refresh_token": first.refresh_token})))
        .await;

    let second = tokens(response).await;
    assert_eq!(second.token_type, "Bearer");
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.user.id, first.user.id);
    let me = app.me(&second.access_token).await;
    assert_eq!(me.status(), 200);
}

#[tokio::test]
async fn a_replayed_refresh_token_revokes_the_whole_session() {
    let app = spawn_app().await;
    let first = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let second = tokens(
        app.refresh(Some(&json!({"refresh_token": first.refresh_token})))
            .await,
    )
    .await;

    let replay = app
        .refresh(Some(&json!({"refresh_token": first.refresh_token})))
        .await;

    expect_problem(replay, 401, "invalid_token").await;
    let newest = app
        .refresh(Some(&json!({"refresh_token": second.refresh_token})))
        .await;
    expect_problem(newest, 401, "invalid_token").await;
    let me = app.me(&second.access_token).await;
    assert_eq!(me.status(), 401, "{}", me.text().await.unwrap());
}

#[tokio::test]
async fn verify_and_login_set_a_strict_http_only_secure_cookie_that_refreshes() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("carol", "carol@example.com", PASSWORD)
        .await;
    let verified = app
        .verify_email(&json!({"email": "carol@example.com", "code": code}))
        .await;
    let verify_cookie = set_cookie(verified.headers(), "refresh_token").unwrap_or_else(|| {
        panic!(
            "verify sets no refresh_token cookie: {:?}",
            verified.headers()
        )
    });
    let verified = tokens(verified).await;
    let logged_in = app
        .login(&json!({"login": "carol", "password": PASSWORD}))
        .await;
    let login_cookie = set_cookie(logged_in.headers(), "refresh_token").unwrap_or_else(|| {
        panic!(
            "login sets no refresh_token cookie: {:?}",
            logged_in.headers()
        )
    });
    let logged_in = tokens(logged_in).await;

    for (cookie, body) in [(&verify_cookie, &verified), (&login_cookie, &logged_in)] {
        let attributes = cookie_attributes(cookie);
        for wanted in ["httponly", "secure", "samesite=Strict"] {
            assert!(
                attributes.iter().any(|a| a.eq_ignore_ascii_case(wanted)),
                "{cookie} lacks {wanted}"
            );
        }
        assert_eq!(cookie_value(cookie), body.refresh_token);
    }

    let response = app.refresh_with_cookie(&cookie_value(&login_cookie)).await;

    let refreshed = tokens(response).await;
    assert_eq!(refreshed.user.id, logged_in.user.id);
    assert_ne!(refreshed.refresh_token, logged_in.refresh_token);
}

#[tokio::test]
async fn a_garbage_refresh_token_is_refused() {
    let app = spawn_app().await;

    let response = app
        .refresh(Some(&json!({"refresh_token": "not-a-refresh-token"})))
        .await;

    expect_problem(response, 401, "invalid_token").await;
}

#[tokio::test]
async fn a_refresh_without_any_token_is_refused() {
    let app = spawn_app().await;

    let response = app.refresh(None).await;

    expect_problem(response, 401, "invalid_token").await;
}
