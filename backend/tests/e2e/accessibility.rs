//! Accessibility: axe-core checks every page of the client at desktop and phone width and fails on any
//! `serious` or `critical` violation; the focus lands on the page heading after a navigation; the resend
//! button stays reachable while it waits and says when it can be used.
//!
//! axe-core is not part of the client: scripts/test.sh installs a pinned version into
//! `~/.cache/otp-portal/axe` (or `$AXE_CORE_JS` names the file), and the test runs it in the page through
//! WebDriver, which the page's Content-Security-Policy does not govern. Without the file the axe test
//! prints `skipping: …` and passes, unless `CI=true`.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::json;

use crate::admin_helpers::{app_code, make_admin};
use crate::authenticator::{sign_in_to_second_step, type_at_caret};
use crate::browser::{run, Page, DESKTOP, PHONE};
use crate::helpers::{PASSWORD, PASSWORD_RESET, VERIFY_EMAIL};

fn axe_core_js() -> PathBuf {
    match std::env::var_os("AXE_CORE_JS") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
            .join(".cache/otp-portal/axe/axe.min.js"),
    }
}

/// axe-core's source, or why the test cannot run.
fn axe_source() -> Result<String, String> {
    let path = axe_core_js();
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "axe-core not found at {} ({e}): scripts/test.sh installs it, or point $AXE_CORE_JS at axe.min.js",
            path.display()
        )
    })
}

/// Runs axe-core on the page as it is now, at desktop and at phone width, and returns every `serious` or
/// `critical` violation as a line naming the page, the width, the rule and the elements.
async fn serious_violations(page: &Page, axe: &str, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    for viewport in [DESKTOP, PHONE] {
        page.set_viewport(viewport).await;
        let loaded = page
            .eval("return typeof window.axe === 'object'", vec![])
            .await;
        if loaded != true {
            // The source is the script itself, not a string the page evaluates: no `eval` for the CSP.
            page.eval(&format!("{axe}\n;return true;"), vec![]).await;
        }
        let result = page
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { resultTypes: ["violations"] })
                      .then(r => done(r.violations
                          .filter(v => v.impact === "serious" || v.impact === "critical")
                          .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }))))
                      .catch(e => done([{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }]));"#,
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("running axe-core on the {name} page: {e}"));
        for violation in result.as_array().cloned().unwrap_or_default() {
            found.push(format!(
                "{name} ({}): {} [{}] {} at {}",
                viewport.name,
                violation["id"].as_str().unwrap_or_default(),
                violation["impact"].as_str().unwrap_or_default(),
                violation["help"].as_str().unwrap_or_default(),
                violation["nodes"]
            ));
        }
    }
    page.set_viewport(DESKTOP).await;
    found
}

/// The test id of the element that has the focus, or its tag when it has none.
async fn focused_element(page: &Page) -> String {
    page.eval(
        "const e = document.activeElement; \
         return e ? (e.dataset.testid || e.id || e.tagName.toLowerCase()) : ''",
        vec![],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// What the live region next to the resend button says (it is visually hidden, so not `Element::text`).
async fn resend_status(page: &Page) -> String {
    page.eval(
        "const e = document.getElementById('resend-status'); return e ? e.textContent.trim() : null",
        vec![],
    )
    .await
    .as_str()
    .expect("the resend button's live region is on the page")
    .to_owned()
}

/// Waits until the page heading has the focus and reads `title`.
async fn expect_heading_focused(page: &Page, title: &str) {
    page.wait_for_text("page-title", &format!("read {title:?}"), |t| t == title)
        .await;
    page.wait_for(
        &format!("the heading {title:?} to have the focus"),
        || async { (focused_element(page).await == "page-title").then_some(()) },
    )
    .await;
}

#[tokio::test]
async fn no_page_has_a_serious_accessibility_violation() {
    let axe = match axe_source() {
        Ok(source) => source,
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("the accessibility test cannot run: {why}")
        }
        Err(why) => {
            eprintln!("skipping: {why}");
            return;
        }
    };
    run(
        |_| {},
        |page: Page| async move {
            let mut violations = Vec::new();
            let email = "alan.kay@example.com";

            page.goto("/register").await;
            page.find("register-submit").await;
            violations.extend(serious_violations(&page, &axe, "register").await);

            page.register("alankay", email, PASSWORD).await;
            page.find("code-countdown").await;
            violations.extend(serious_violations(&page, &axe, "verify").await);

            let code = page.verification_code(email).await;
            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.expect_dashboard("alankay", email).await;
            page.find("session-row").await;
            violations.extend(serious_violations(&page, &axe, "dashboard").await);

            page.click("security-link").await;
            page.wait_for_path("/security").await;
            page.find("totp-setup-start").await;
            violations.extend(serious_violations(&page, &axe, "security").await);

            page.goto("/dashboard").await;
            page.click("logout-button").await;
            page.wait_for_path("/login").await;
            page.find("login-submit").await;
            violations.extend(serious_violations(&page, &axe, "login").await);

            page.click("login-code-link").await;
            page.wait_for_path("/login/code").await;
            page.find("login-code-send").await;
            violations.extend(serious_violations(&page, &axe, "login-code").await);
            page.fill("login-code-email", email).await;
            page.click("login-code-send").await;
            page.find("login-code-submit").await;
            violations.extend(serious_violations(&page, &axe, "login-code (boxes)").await);

            page.goto("/forgot-password").await;
            page.find("forgot-submit").await;
            violations.extend(serious_violations(&page, &axe, "forgot-password").await);
            page.fill("forgot-email", email).await;
            page.click("forgot-submit").await;
            page.wait_for_path("/reset-password").await;
            page.app.smtp.wait_for_mail(email, PASSWORD_RESET).await;
            page.find("code-countdown").await;
            violations.extend(serious_violations(&page, &axe, "reset-password").await);

            page.goto("/no/such/page").await;
            page.find("not-found").await;
            violations.extend(serious_violations(&page, &axe, "not-found").await);

            // An admin with both factors, and every admin page.
            let boss = make_admin(&page.app, "boss").await;
            sign_in_to_second_step(&page, "boss", PASSWORD).await;
            violations.extend(serious_violations(&page, &axe, "second step").await);
            type_at_caret(&page, &app_code(&boss.factor.secret, 0)).await;
            page.press(Key::Enter).await;
            page.wait_for_path("/dashboard").await;
            for (path, ready, name) in [
                ("/admin", "admin-totals", "admin overview"),
                ("/admin/users", "admin-user-search", "admin users"),
                (
                    &format!("/admin/users/{}", boss.id) as &str,
                    "admin-sessions",
                    "admin user",
                ),
                ("/admin/mail", "admin-mail-recipient", "admin mail"),
                ("/admin/codes", "admin-codes-email", "admin codes"),
                ("/admin/audit", "admin-audit-user", "admin audit"),
            ] {
                page.goto(path).await;
                let css = format!("#{ready}");
                page.wait_for(&format!("{css} to appear"), || async {
                    page.client.find(Locator::Css(&css)).await.ok()
                })
                .await;
                page.settle().await;
                violations.extend(serious_violations(&page, &axe, name).await);
            }

            assert!(
                violations.is_empty(),
                "serious or critical accessibility violations:\n{}",
                violations.join("\n")
            );
        },
    )
    .await;
}

#[tokio::test]
async fn the_focus_moves_to_the_page_heading_on_every_navigation() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "grace.hopper@example.com";
            page.register_and_verify("ghopper", email, PASSWORD).await;
            expect_heading_focused(&page, "Welcome, ghopper").await;

            page.click("security-link").await;
            page.wait_for_path("/security").await;
            let security = page.text("page-title").await;
            expect_heading_focused(&page, &security).await;

            // Back through the browser's history, and to a path the client does not know.
            page.client.back().await.expect("going back");
            page.wait_for_path("/dashboard").await;
            expect_heading_focused(&page, "Welcome, ghopper").await;
            page.eval(
                "history.pushState(null, '', '/no/such/page'); \
                 window.dispatchEvent(new PopStateEvent('popstate', { state: null }));",
                vec![],
            )
            .await;
            page.find("not-found").await;
            expect_heading_focused(&page, "Page not found").await;

            // Tab then starts from the heading: the first thing after it is in the page's content.
            page.press(Key::Tab).await;
            let next = page
                .eval("return !!document.activeElement.closest('main')", vec![])
                .await;
            assert_eq!(next, json!(true), "Tab left the page's content");
        },
    )
    .await;
}

#[tokio::test]
async fn the_resend_button_stays_reachable_while_it_waits_and_says_when_it_is_ready() {
    const COOLDOWN: u64 = 4;
    run(
        |vars| {
            vars.insert(
                "OTP_RESEND_COOLDOWN_SECONDS".to_owned(),
                COOLDOWN.to_string(),
            );
        },
        |page: Page| async move {
            let email = "frances.allen@example.com";
            page.register("fallen", email, PASSWORD).await;
            page.app.smtp.wait_for_mail(email, VERIFY_EMAIL).await;

            // Waiting: marked, not disabled, so it keeps its place in the tab order.
            page.find("resend-countdown").await;
            assert_eq!(
                page.attr("resend-button", "aria-disabled").await.as_deref(),
                Some("true")
            );
            assert_eq!(page.attr("resend-button", "disabled").await, None);
            page.eval("document.getElementById('resend-button').focus()", vec![])
                .await;
            assert_eq!(focused_element(&page).await, "resend-button");
            assert_eq!(resend_status(&page).await, "");

            // A click while it waits sends nothing (nothing to wait for but a moment in which it could).
            page.find("resend-button")
                .await
                .click()
                .await
                .expect("clicking the waiting resend button");
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert_eq!(
                page.app.smtp.mail_count(email),
                1,
                "a waiting resend sent a code"
            );
            page.find("resend-countdown").await;

            // Once the wait is over: usable, and said so politely.
            page.wait_for("the live region to say the button can be used", || async {
                (resend_status(&page).await == "You can ask for a new code now.").then_some(())
            })
            .await;
            assert_eq!(page.attr("resend-button", "aria-disabled").await, None);
            assert_eq!(
                page.attr("resend-status", "aria-live").await.as_deref(),
                Some("polite")
            );
            page.click("resend-button").await;
            page.app
                .smtp
                .wait_for_nth_mail(email, VERIFY_EMAIL, 2)
                .await;
            page.find("resend-countdown").await;
            assert_eq!(resend_status(&page).await, "");
        },
    )
    .await;
}
