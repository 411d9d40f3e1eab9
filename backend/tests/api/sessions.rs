//! The list of a user's sessions, as the dashboard shows it.

use reqwest::StatusCode;
use serde_json::Value;
use shared::api::SessionInfo;

use crate::helpers::{expect_json, spawn_app, PASSWORD};

async fn list(app: &crate::helpers::TestApp, token: &str) -> (Value, Vec<SessionInfo>) {
    let body = expect_json(app.sessions(token).await, StatusCode::OK).await;
    let sessions = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not a list of sessions ({e}): {body}"));
    (body, sessions)
}

fn current(sessions: &[SessionInfo]) -> &SessionInfo {
    let current: Vec<&SessionInfo> = sessions.iter().filter(|s| s.current).collect();
    assert_eq!(
        current.len(),
        1,
        "exactly one session is current: {sessions:?}"
    );
    current[0]
}

#[tokio::test]
async fn the_sessions_of_the_user_are_listed_with_the_current_one_marked() {
    let app = spawn_app().await;
    let first = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let second = app.login_ok("alice", PASSWORD).await;

    let (body, seen_by_first) = list(&app, &first.access_token).await;

    for session in body.as_array().unwrap() {
        for key in [
            "id",
            "created_at",
            "last_used_at",
            "expires_at",
            "user_agent",
            "ip",
            "current",
        ] {
            assert!(session.get(key).is_some(), "no {key} in {session}");
        }
    }
    assert_eq!(seen_by_first.len(), 2, "{body}");
    let (_, seen_by_second) = list(&app, &second.access_token).await;
    assert_eq!(seen_by_second.len(), 2);
    let first_id = current(&seen_by_first).id;
    let second_id = current(&seen_by_second).id;
    assert_ne!(first_id, second_id);
    for session in &seen_by_first {
        assert!(session.expires_at > session.created_at, "{session:?}");
        assert!(session.last_used_at >= session.created_at, "{session:?}");
    }
}

#[tokio::test]
async fn a_logged_out_session_is_no_longer_listed() {
    let app = spawn_app().await;
    let first = app
        .register_and_verify("bob", "bob@example.com", PASSWORD)
        .await;
    let second = app.login_ok("bob", PASSWORD).await;
    let (_, before) = list(&app, &second.access_token).await;
    let second_id = current(&before).id;

    let logout = app.logout(&second.access_token).await;
    assert_eq!(logout.status(), 204);

    let (_, after) = list(&app, &first.access_token).await;
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after.iter().all(|s| s.id != second_id));
    assert!(after[0].current);
}
