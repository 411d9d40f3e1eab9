//! Several tabs of the portal share one refresh cookie, which the server rotates on every refresh and
//! guards against replay (a spent token revokes the session). Tabs that restore the session at the same
//! moment must take turns rather than sign the person out everywhere.

use std::time::Duration;

use fantoccini::wd::WindowHandle;
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::api::SessionInfo;

use crate::browser::{run, Page};
use crate::helpers::{expect_json, PASSWORD};

/// Every request of the tabs takes this long, so each tab's refresh would still be unanswered when the
/// other tab sends its own, unless they take turns.
const LATENCY: Duration = Duration::from_millis(1000);

/// The channel the tabs hear "reload now" on: a message reaches every tab at once, where a timer in a
/// background tab may fire up to a second late.
const RELOAD_CHANNEL: &str = "e2e-reload-together";

/// The account's dashboard open in two windows of the same browser (the second at another address:
/// the HTTP cache makes a second request for the very same document wait for the first one, which
/// would keep the tabs apart). Returns the windows and the access token of the account's other,
/// API-made session.
async fn dashboard_in_two_tabs(page: &Page, email: &str) -> (WindowHandle, WindowHandle, String) {
    let api_session = page.app.register_and_verify("ada", email, PASSWORD).await;
    page.log_in("ada", PASSWORD).await;
    page.expect_dashboard("ada", email).await;
    let first = page.window().await;
    let second = page.open_window().await;
    page.goto("/dashboard?tab=2").await;
    page.expect_dashboard("ada", email).await;
    page.find("session-row").await;
    (first, second, api_session.access_token)
}

/// What one tab did after the reload.
#[derive(Debug)]
struct Reloaded {
    path: String,
    /// When its new document had arrived, in milliseconds since the epoch.
    document_at: f64,
    refresh_requests: u64,
}

/// Reloads both tabs together until their documents really arrive together (a busy machine can delay
/// one tab's reload; such a round proves nothing, but also harms nothing, so it is tried again).
async fn reload_together(page: &Page, windows: [&WindowHandle; 2]) -> Vec<Reloaded> {
    const ROUNDS: usize = 3;
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let reloaded = reload_once(page, windows).await;
        let apart = (reloaded[0].document_at - reloaded[1].document_at).abs();
        if apart < LATENCY.as_secs_f64() * 1000.0 / 2.0 {
            return reloaded;
        }
        rounds.push((apart, reloaded));
    }
    panic!(
        "in {ROUNDS} rounds the tabs never started together, so this test could not make their \
         refreshes meet: {rounds:?}"
    );
}

/// Slows both tabs' network down, reloads them at the same moment and waits until each has decided
/// whether the person is signed in (the dashboard or the login form shows).
async fn reload_once(page: &Page, windows: [&WindowHandle; 2]) -> Vec<Reloaded> {
    for window in windows {
        page.switch_to(window).await;
        page.slow_network(LATENCY).await;
        // The old document is marked so that the new one can be told apart.
        page.eval(
            "window.__oldDocument = true; \
             new BroadcastChannel(arguments[0]).onmessage = () => location.reload();",
            vec![json!(RELOAD_CHANNEL)],
        )
        .await;
    }
    page.eval(
        "new BroadcastChannel(arguments[0]).postMessage('reload')",
        vec![json!(RELOAD_CHANNEL)],
    )
    .await;

    let mut reloaded = Vec::new();
    for window in windows {
        page.switch_to(window).await;
        page.wait_for("the reloaded tab to restore its session", || async {
            let settled = page
                .client
                .execute(
                    "return !window.__oldDocument && !!document.querySelector(\
                     '[data-testid=\"dashboard-username\"], [data-testid=\"login-login\"]')",
                    vec![],
                )
                .await
                .ok()?;
            (settled == true).then_some(())
        })
        .await;
        let facts = page
            .eval(
                "return [performance.timeOrigin + performance.getEntriesByType('navigation')[0].responseEnd, \
                 performance.getEntriesByType('resource') \
                   .filter(e => new URL(e.name).pathname === '/api/auth/refresh').length]",
                vec![],
            )
            .await;
        reloaded.push(Reloaded {
            path: page.path().await,
            document_at: facts[0].as_f64().expect("a time"),
            refresh_requests: facts[1].as_u64().expect("a count"),
        });
    }
    reloaded
}

fn reuse_detected(page: &Page) -> Vec<Value> {
    page.app
        .audit_events()
        .into_iter()
        .filter(|e| e.event == "refresh_reuse_detected")
        .map(|e| json!({ "at": e.at.to_string(), "session": e.detail }))
        .collect()
}

#[tokio::test]
async fn two_tabs_reloaded_at_the_same_moment_keep_the_session() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "ada@example.com";
            let (first, second, _) = dashboard_in_two_tabs(&page, email).await;
            let sessions_before = page.count("session-row").await;

            let reloaded = reload_together(&page, [&first, &second]).await;
            let reuse = reuse_detected(&page);
            assert!(
                reuse.is_empty(),
                "the tabs sent the same refresh token and the server revoked the session as stolen \
                 ({reloaded:?}): {reuse:?}"
            );

            for window in [&first, &second] {
                page.switch_to(window).await;
                page.expect_dashboard("ada", email).await;
                page.find("session-row").await;
                assert_eq!(page.count("session-row").await, sessions_before);
                let current = page
                    .eval(
                        r#"return document.querySelectorAll('[data-testid="session-row"][data-current="true"]').length"#,
                        vec![],
                    )
                    .await;
                assert_eq!(current, 1, "the list marks the tabs' session as current");
            }
            // The cookie the tabs left behind is the live one: one more reload still signs in.
            page.reload().await;
            page.expect_dashboard("ada", email).await;
        },
    )
    .await;
}

#[tokio::test]
async fn when_the_session_ended_elsewhere_both_tabs_reloaded_together_sign_out_once() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "ada@example.com";
            let (first, second, api_token) = dashboard_in_two_tabs(&page, email).await;
            // From the other session, sign the browser's session out.
            let sessions: Vec<SessionInfo> = serde_json::from_value(
                expect_json(page.app.sessions(&api_token).await, StatusCode::OK).await,
            )
            .unwrap();
            let browser_session = sessions.iter().find(|s| !s.current).unwrap();
            let revoked = page
                .app
                .client
                .delete(
                    page.app
                        .url(&format!("/api/me/sessions/{}", browser_session.id)),
                )
                .bearer_auth(&api_token)
                .send()
                .await
                .unwrap();
            assert!(revoked.status().is_success(), "{}", revoked.status());

            // One tab's refresh fails; the tab that waited for it then fails too, and neither tries again.
            let reloaded = reload_together(&page, [&first, &second]).await;
            for (window, tab) in [&first, &second].into_iter().zip(&reloaded) {
                assert_eq!(tab.path, "/login", "{reloaded:?}");
                assert_eq!(tab.refresh_requests, 1, "{reloaded:?}");
                page.switch_to(window).await;
                page.find("login-login").await;
            }
        },
    )
    .await;
}
