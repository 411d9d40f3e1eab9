//! The client in the reader's language: a browser that prefers German gets the pages and the mails in
//! German, a switch in the footer re-renders the page in English at once (no reload) and is remembered,
//! and the account keeps the language, so a later sign-in and its mails follow it.

use serde_json::{json, Value};

use crate::browser::{run, Page, DEADLINE, PHONE};
use crate::helpers::{poll_until, PASSWORD, PASSWORD_RESET, VERIFY_EMAIL};

/// Makes this browser prefer German, as one set up in German would: `navigator.languages` and the
/// `Accept-Language` of its requests.
async fn prefer_german(page: &Page) {
    let version = page.cdp("Browser.getVersion", json!({})).await;
    let user_agent = version["userAgent"]
        .as_str()
        .expect("Browser.getVersion names the user agent")
        .to_owned();
    page.cdp(
        "Emulation.setUserAgentOverride",
        json!({ "userAgent": user_agent, "acceptLanguage": "de-DE,de" }),
    )
    .await;
}

async fn document_language(page: &Page) -> String {
    page.eval("return document.documentElement.lang", vec![])
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn select_value(page: &Page) -> String {
    page.eval(
        "return document.getElementById('language-select').value",
        vec![],
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn wait_for_title(page: &Page, title: &str) {
    page.wait_for_text("page-title", &format!("the heading {title:?}"), |t| {
        t == title
    })
    .await;
}

/// Picks `code` in the footer's language select, as a person does.
async fn switch_to(page: &Page, code: &str) {
    page.find("language-select")
        .await
        .select_by_value(code)
        .await
        .unwrap_or_else(|e| panic!("choosing {code} in the language select: {e}"));
}

#[tokio::test]
async fn a_german_browser_registers_in_german_gets_german_mail_and_switches_to_english_without_a_reload(
) {
    run(
        |_| {},
        |page: Page| async move {
            prefer_german(&page).await;
            let languages = page.eval("return navigator.languages", vec![]).await;
            assert_eq!(languages, json!(["de-DE", "de"]), "the emulated preference");

            page.goto("/register").await;
            wait_for_title(&page, "Konto anlegen").await;
            assert_eq!(document_language(&page).await, "de");
            assert_eq!(
                page.eval("return document.title", vec![]).await,
                json!("Konto anlegen · OTP Portal")
            );
            assert_eq!(select_value(&page).await, "de");
            assert_eq!(page.text("register-submit").await, "Konto anlegen");

            // A field's message comes from the German file too.
            page.fill("register-username", "x").await;
            page.fill("register-email", "").await;
            page.wait_for_text("register-username-error", "a German field message", |t| {
                t == "Benutzername muss 3 bis 32 Zeichen lang sein."
            })
            .await;

            let email = "gudrun@example.com";
            page.register("gudrun", email, PASSWORD).await;
            wait_for_title(&page, "E-Mail-Adresse bestätigen").await;

            // The registration came from a German page: its mail is German.
            let mail = page.app.smtp.wait_for_mail(email, VERIFY_EMAIL).await;
            assert!(
                mail.subject.contains("Bestätigungscode"),
                "subject: {}",
                mail.subject
            );
            assert!(mail.text.contains("Ihr Bestätigungscode"), "{}", mail.text);

            // The switch re-renders the page in English in place: the document (and what a script
            // left in it) stays, the typed address too.
            page.eval("window.__sameDocument = true", vec![]).await;
            switch_to(&page, "en").await;
            wait_for_title(&page, "Confirm your e-mail address").await;
            assert_eq!(document_language(&page).await, "en");
            assert_eq!(
                page.eval("return window.__sameDocument === true", vec![])
                    .await,
                Value::Bool(true),
                "the switch reloaded the page"
            );
            assert_eq!(page.text("verify-email-address").await, email);
            assert_eq!(page.text("verify-submit").await, "Verify");
            assert_eq!(
                page.eval("return document.title", vec![]).await,
                json!("Confirm your e-mail address · OTP Portal")
            );
            assert_eq!(
                page.eval("return localStorage.getItem('otp-portal-language')", vec![])
                    .await,
                json!("\"en\""),
                "the choice is remembered for the next visit"
            );

            // A reload keeps the explicit choice over the browser's German.
            page.reload().await;
            wait_for_title(&page, "Confirm your e-mail address").await;

            // Signing in adopts the account's language (German, from the registration)…
            page.type_code(&mail.code()).await;
            page.click("verify-submit").await;
            page.wait_for_path("/dashboard").await;
            wait_for_title(&page, "Willkommen, gudrun").await;
            assert_eq!(document_language(&page).await, "de");
            assert_eq!(
                select_value(&page).await,
                "de",
                "the switch shows the adopted language"
            );

            // …and a switch while signed in is stored with the account: the next session opens in it.
            switch_to(&page, "en").await;
            wait_for_title(&page, "Welcome, gudrun").await;
            let app = page.app.clone();
            let stored = poll_until(DEADLINE, || async {
                let session = app.login_ok(email, PASSWORD).await;
                (session.user.language.code() == "en").then_some(())
            })
            .await;
            assert!(stored.is_some(), "the account's language did not become en");
            page.eval("localStorage.removeItem('otp-portal-language')", vec![])
                .await;
            page.reload().await;
            wait_for_title(&page, "Welcome, gudrun").await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_language_switch_is_labelled_in_the_language_shown_and_fits_a_phone() {
    run(
        |_| {},
        |page: Page| async move {
            page.goto("/login").await;
            page.set_viewport(PHONE).await;
            wait_for_title(&page, "Sign in").await;
            let label = page
                .eval(
                    "return document.querySelector('label[for=language-select]').textContent",
                    vec![],
                )
                .await;
            assert_eq!(label, json!("Language"));
            // Each language is offered in its own name (and marked as such for screen readers).
            let options = page
                .eval(
                    "return [...document.querySelectorAll('#language-select option')]\
                     .map(o => [o.value, o.lang, o.textContent])",
                    vec![],
                )
                .await;
            assert_eq!(
                options,
                json!([["en", "en", "English"], ["de", "de", "Deutsch"]])
            );
            page.assert_no_horizontal_scroll("the login page with the language switch")
                .await;

            // A message already on the page (the server's refusal) is said again in the new language.
            page.fill("login-login", "nobody").await;
            page.fill("login-password", "not the password").await;
            page.click("login-submit").await;
            page.wait_for_text("login-password-error", "the refusal in English", |t| {
                t == "The username, e-mail address or password is not right."
            })
            .await;

            switch_to(&page, "de").await;
            wait_for_title(&page, "Anmelden").await;
            page.wait_for_text("login-password-error", "the refusal in German", |t| {
                t == "Benutzername, E-Mail-Adresse oder Passwort stimmen nicht."
            })
            .await;
            let label = page
                .eval(
                    "return document.querySelector('label[for=language-select]').textContent",
                    vec![],
                )
                .await;
            assert_eq!(label, json!("Sprache"));
            assert_eq!(
                page.text("login-code-link").await,
                "Stattdessen einen Code per E-Mail schicken"
            );
            page.assert_no_horizontal_scroll("the login page in German")
                .await;
        },
    )
    .await;
}

/// German words run longer than English ones: no page may scroll sideways at 360 px in German either.
async fn check_german_phone_page(page: &Page, name: &str) {
    page.set_viewport(PHONE).await;
    page.assert_no_horizontal_scroll(&format!("the {name} page in German on a phone"))
        .await;
    page.screenshot(&format!("{name}-de-phone")).await;
}

#[tokio::test]
async fn no_page_scrolls_sideways_on_a_phone_in_german() {
    run(
        |_| {},
        |page: Page| async move {
            prefer_german(&page).await;
            let email = "hildegard@example.com";
            page.goto("/register").await;
            wait_for_title(&page, "Konto anlegen").await;
            check_german_phone_page(&page, "register").await;

            page.register("hildegard", email, PASSWORD).await;
            page.find("code-countdown").await;
            check_german_phone_page(&page, "verify").await;

            let code = page.verification_code(email).await;
            page.type_code(&code).await;
            page.click("verify-submit").await;
            page.wait_for_path("/dashboard").await;
            wait_for_title(&page, "Willkommen, hildegard").await;
            page.find("session-row").await;
            check_german_phone_page(&page, "dashboard").await;

            page.click("security-link").await;
            page.wait_for_path("/security").await;
            wait_for_title(&page, "Sicherheit").await;
            check_german_phone_page(&page, "security").await;
            page.click("totp-setup-start").await;
            page.find("totp-qr").await;
            check_german_phone_page(&page, "security-setup").await;
            page.click("totp-setup-cancel").await;
            page.click("delete-account").await;
            page.find("delete-account-panel").await;
            check_german_phone_page(&page, "security-delete-account").await;
            page.click("delete-cancel").await;

            page.goto("/dashboard").await;
            page.click("logout-button").await;
            page.wait_for_path("/login").await;
            page.wait_for_text("notice-banner", "the German signed-out notice", |t| {
                t == "Sie sind abgemeldet."
            })
            .await;
            check_german_phone_page(&page, "login").await;

            page.click("login-code-link").await;
            page.wait_for_path("/login/code").await;
            page.find("login-code-send").await;
            check_german_phone_page(&page, "login-code").await;

            page.goto("/forgot-password").await;
            page.find("forgot-submit").await;
            check_german_phone_page(&page, "forgot-password").await;
            page.fill("forgot-email", email).await;
            page.click("forgot-submit").await;
            page.wait_for_path("/reset-password").await;
            page.app.smtp.wait_for_mail(email, PASSWORD_RESET).await;
            page.find("code-countdown").await;
            check_german_phone_page(&page, "reset-password").await;

            page.goto("/no/such/page").await;
            wait_for_title(&page, "Seite nicht gefunden").await;
            check_german_phone_page(&page, "not-found").await;
        },
    )
    .await;
}
