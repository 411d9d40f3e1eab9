//! The account's own data on the security page, in the browser: "Download my data" saves the export as a
//! file on disk, and "Delete my account" says what is lost, refuses a wrong password without touching
//! anything, and with the right one ends the account, opens registration and says goodbye by mail.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::browser::{run, Page, DESKTOP, PHONE};
use crate::helpers::{expect_problem, poll_until, PASSWORD};

/// The goodbye mail's kind.
const ACCOUNT_DELETED: &str = "account_deleted";

/// From the dashboard to the security page.
async fn open_security_page(page: &Page) {
    page.click("security-link").await;
    page.wait_for_path("/security").await;
    page.find("download-data").await;
}

/// Lets the current page save downloads into `dir` without asking (headless Chromium refuses them
/// otherwise).
async fn save_downloads_to(page: &Page, dir: &Path) {
    page.cdp(
        "Browser.setDownloadBehavior",
        json!({ "behavior": "allow", "downloadPath": dir.display().to_string() }),
    )
    .await;
}

/// The file `name` in `dir` once it is completely written, as JSON.
async fn downloaded_json(dir: &Path, name: &str) -> Value {
    let path: PathBuf = dir.join(name);
    let parsed = poll_until(crate::browser::DEADLINE, || async {
        let text = std::fs::read_to_string(&path).ok()?;
        serde_json::from_str::<Value>(&text).ok()
    })
    .await;
    parsed.unwrap_or_else(|| {
        let found: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        panic!(
            "no complete JSON file {} within {:?}; the folder holds {found:?}",
            path.display(),
            crate::browser::DEADLINE
        )
    })
}

#[tokio::test]
async fn download_my_data_saves_the_accounts_export_as_a_json_file() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "alan.turing@example.com";
            page.register_and_verify("alan", email, PASSWORD).await;
            open_security_page(&page).await;
            let downloads = tempfile::tempdir().unwrap();
            save_downloads_to(&page, downloads.path()).await;

            page.click("download-data").await;
            let name = "otp-portal-export-alan.json";
            page.wait_for_text("download-data-status", "say where the file went", |t| {
                t.contains(&format!("Saved as {name}"))
            })
            .await;
            let export = downloaded_json(downloads.path(), name).await;

            assert_eq!(export["user"]["username"], "alan", "{export}");
            assert_eq!(export["user"]["email"], email, "{export}");
            assert!(
                export["verified_at"].is_string(),
                "the export does not say when the address was confirmed: {export}"
            );
            let kinds: Vec<&str> = export["events"]
                .as_array()
                .unwrap_or_else(|| panic!("no events in {export}"))
                .iter()
                .filter_map(|e| e["kind"].as_str())
                .collect();
            for kind in ["registered", "email_verified"] {
                assert!(
                    kinds.contains(&kind),
                    "the exported events miss {kind}: {kinds:?}"
                );
            }
            assert!(
                export["sessions"].as_array().is_some_and(|s| !s.is_empty()),
                "the export lists no session, though this browser holds one: {export}"
            );
            let text = export.to_string();
            for secret in [PASSWORD, "$argon2"] {
                assert!(
                    !text.contains(secret),
                    "the export holds {secret:?}: {text}"
                );
            }
            // The same account the server describes to this very person.
            let session = page.app.login_ok("alan", PASSWORD).await;
            assert_eq!(
                export["user"]["id"],
                session.user.id.to_string(),
                "{export}"
            );
        },
    )
    .await;
}

#[tokio::test]
async fn deleting_the_account_says_what_is_lost_refuses_a_wrong_password_and_says_goodbye() {
    run(
        |_| {},
        |page: Page| async move {
            let email = "barbara.liskov@example.com";
            page.register_and_verify("barbara", email, PASSWORD).await;
            open_security_page(&page).await;

            page.click("delete-account").await;
            page.find("delete-account-panel").await;
            let consequence = page.text("delete-account-consequence").await;
            for lost in [
                "deleted at once",
                "sessions",
                "second factor",
                "recovery codes",
                "cannot be restored",
                email,
                "goodbye mail",
            ] {
                assert!(
                    consequence.contains(lost),
                    "the consequence does not say {lost:?}: {consequence}"
                );
            }

            // A wrong password: said under the field, and the account stays.
            page.fill("delete-password", "not the password").await;
            page.click("delete-confirm").await;
            page.wait_for_text("delete-password-error", "refuse the wrong password", |t| {
                !t.trim().is_empty()
            })
            .await;
            assert_eq!(page.path().await, "/security");
            page.find("delete-account-panel").await;
            let still_there = page.app.login_ok("barbara", PASSWORD).await;
            assert_eq!(still_there.user.email, email);
            assert!(
                page.app.smtp.mails(email, ACCOUNT_DELETED).is_empty(),
                "a goodbye mail went out for a refused deletion"
            );

            // The right one: the account is gone, here and everywhere.
            page.fill("delete-password", PASSWORD).await;
            page.click("delete-confirm").await;
            page.wait_for_path("/register").await;
            page.wait_for_text("notice-banner", "say the account was deleted", |t| {
                t.contains("Your account was deleted")
            })
            .await;
            let login = page
                .app
                .login(&json!({"login": "barbara", "password": PASSWORD}))
                .await;
            expect_problem(login, 401, "invalid_credentials").await;
            expect_problem(
                page.app.me(&still_there.access_token).await,
                401,
                "unauthorized",
            )
            .await;
            let goodbye = page.app.smtp.wait_for_mail(email, ACCOUNT_DELETED).await;
            assert!(goodbye.is_to(email), "{goodbye:?}");

            // This browser's session ended with it: a reload does not sign anyone in.
            page.goto("/dashboard").await;
            page.wait_for_path("/login").await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_delete_confirmation_layout_fits_a_phone_and_is_photographed() {
    run(
        |_| {},
        |page: Page| async move {
            page.register_and_verify("edsger", "edsger.dijkstra@example.com", PASSWORD)
                .await;
            open_security_page(&page).await;
            page.click("delete-account").await;
            page.find("delete-account-panel").await;
            // The confirmation is below the fold: each photograph shows it.
            for viewport in [DESKTOP, PHONE] {
                page.set_viewport(viewport).await;
                // Its foot and a little room under it at the bottom of the viewport.
                page.eval(
                    "document.getElementById('delete-account-panel')\
                       .scrollIntoView({ block: 'end' }); \
                     window.scrollBy(0, 24);",
                    vec![],
                )
                .await;
                page.settle().await;
                page.assert_no_horizontal_scroll(&format!(
                    "the security page's delete confirmation ({})",
                    viewport.name
                ))
                .await;
                page.assert_no_page_errors().await;
                // No button sticks out of the panel (a long label wraps on a phone).
                let outside = page
                    .eval(
                        "const panel = document.getElementById('delete-account-panel')\
                           .getBoundingClientRect(); \
                         return [...document.querySelectorAll('#delete-account-panel button')] \
                           .filter(b => { const r = b.getBoundingClientRect(); \
                             return r.left < panel.left - 0.5 || r.right > panel.right + 0.5; }) \
                           .map(b => b.id);",
                        vec![],
                    )
                    .await;
                assert_eq!(
                    outside,
                    serde_json::json!([]),
                    "buttons outside the delete panel at {}",
                    viewport.name
                );
                page.screenshot(&format!("security-delete-account-{}", viewport.name))
                    .await;
            }
            page.set_viewport(DESKTOP).await;
        },
    )
    .await;
}
