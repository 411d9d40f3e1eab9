//! Signing out revokes that session at once, and only that one.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::helpers::{cookie_attributes, expect_problem, problem, set_cookie, spawn_app, PASSWORD};

#[tokio::test]
async fn logout_revokes_the_access_and_refresh_token_of_the_session() {
    let app = spawn_app().await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let response = app.logout(&session.access_token).await;

    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
    let me = app.me(&session.access_token).await;
    expect_problem(me, 401, "unauthorized").await;
    let refresh = app
        .refresh(Some(&json!({"refresh_token": session.refresh_token})))
        .await;
    expect_problem(refresh, 401, "invalid_token").await;
}

#[tokio::test]
async fn logout_leaves_the_other_sessions_of_the_user_alone() {
    let app = spawn_app().await;
    let first = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let second = app.login_ok("bob", PASSWORD).await;

    let response = app.logout(&first.access_token).await;

    assert_eq!(response.status(), 204);
    let me = app.me(&second.access_token).await;
    assert_eq!(me.status(), 200, "{}", me.text().await.unwrap());
    let refreshed = app
        .refresh(Some(&json!({"refresh_token": second.refresh_token})))
        .await;
    assert_eq!(
        refreshed.status(),
        200,
        "{}",
        refreshed.text().await.unwrap()
    );
}

#[tokio::test]
async fn logout_without_a_token_is_unauthorized() {
    let app = spawn_app().await;

    let response = app
        .client
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();

    let (body, _) = problem(response).await;
    assert_eq!(body["status"], 401, "{body}");
}

#[tokio::test]
async fn logout_clears_the_refresh_cookie() {
    let app = spawn_app().await;
    let session = app
        .register_and_verify("carol", "carol@example.com", PASSWORD)
        .await;

    let response = app.logout(&session.access_token).await;

    assert_eq!(response.status(), 204);
    let cookie = set_cookie(response.headers(), "refresh_token").unwrap_or_else(|| {
        panic!(
            "logout does not clear the refresh_token cookie: {:?}",
            response.headers()
        )
    });
    let cleared = cookie_attributes(&cookie).iter().any(|a| {
        if let Some(age) = a.strip_prefix("max-age=") {
            age.trim().parse::<i64>().is_ok_and(|age| age <= 0)
        } else if let Some(date) = a.strip_prefix("expires=") {
            DateTime::parse_from_rfc2822(date.trim())
                .is_ok_and(|date| date.with_timezone(&Utc) < Utc::now())
        } else {
            false
        }
    });
    assert!(cleared, "{cookie} does not expire the cookie");
}
