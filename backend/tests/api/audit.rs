//! The audit trail: every security event with time, account, IP and user agent.

use serde_json::json;

use crate::helpers::{spawn_app, wrong_code, PASSWORD};

#[tokio::test]
async fn the_security_events_of_an_account_are_recorded_with_their_origin() {
    let app = spawn_app().await;
    let code = app
        .register_for_code("alice", "alice@example.com", PASSWORD)
        .await;
    app.verify_email(&json!({"email": "alice@example.com", "code": wrong_code(&code)}))
        .await;
    let tokens = app.verify("alice@example.com", &code).await;
    app.login(&json!({"login": "alice", "password": "not the password"}))
        .await;
    app.login(&json!({"login": "nobody", "password": "not the password"}))
        .await;
    let second = app.login_ok("alice", PASSWORD).await;
    app.refresh(Some(&json!({"refresh_token": tokens.refresh_token})))
        .await;
    app.refresh(Some(&json!({"refresh_token": tokens.refresh_token})))
        .await;
    assert_eq!(app.logout(&second.access_token).await.status(), 204);

    let events = app.audit_events();
    let names: Vec<&str> = events.iter().rev().map(|e| e.event.as_str()).collect();
    for expected in [
        "registered",
        "code_sent",
        "code_failed",
        "code_verified",
        "login_succeeded",
        "login_failed",
        "refresh_reuse_detected",
        "logout",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let user_id = tokens.user.id.to_string();
    let failed: Vec<_> = events
        .iter()
        .filter(|e| e.event == "login_failed")
        .collect();
    assert_eq!(failed.len(), 2);
    assert!(failed
        .iter()
        .any(|e| e.user_id.as_deref() == Some(user_id.as_str())));
    assert!(
        failed.iter().any(|e| e.user_id.is_none()),
        "the unknown login has no account"
    );
    for event in &events {
        assert_eq!(event.ip.as_deref(), Some("127.0.0.1"), "{event:?}");
    }
    let logout = events.iter().find(|e| e.event == "logout").unwrap();
    assert_eq!(logout.user_id.as_deref(), Some(user_id.as_str()));
    // Nothing secret is kept in the trail.
    for event in &events {
        let text = format!("{event:?}");
        assert!(!text.contains(&code) && !text.contains(PASSWORD), "{text}");
    }
}

#[tokio::test]
async fn the_user_agent_is_recorded() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header("user-agent", "AuditTest/1.0")
        .json(&json!({"login": "ghost", "password": "whatever it is"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let events = app.audit_events();
    assert_eq!(events[0].event, "login_failed");
    assert_eq!(events[0].user_agent.as_deref(), Some("AuditTest/1.0"));
}
