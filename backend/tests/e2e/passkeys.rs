//! Passkeys in a real browser: Chromium's virtual authenticator (added with WebDriver's "Add Virtual
//! Authenticator" command, as chromedriver supports it) stands in for the laptop's own. A person signs up
//! with a password, adds a passkey on the security page, signs out, and signs in with one touch; then
//! removes it.

use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::json;

use crate::authenticator::sign_out;
use crate::browser::{run, Page};
use crate::helpers::{free_port, PASSWORD};

/// `POST /session/{id}/webauthn/authenticator`: a platform authenticator that keeps discoverable
/// credentials, verifies its user and consents without a person.
#[derive(Debug)]
struct AddVirtualAuthenticator;

impl WebDriverCompatibleCommand for AddVirtualAuthenticator {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/webauthn/authenticator",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserConsenting": true,
            "isUserVerified": true,
        });
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn add_virtual_authenticator(page: &Page) {
    page.client
        .issue_cmd(AddVirtualAuthenticator)
        .await
        .expect("chromedriver adds a virtual authenticator");
}

/// A browser whose autofill offers no passkeys, so only the button signs in with one.
const NO_AUTOFILL: &str =
    "PublicKeyCredential.isConditionalMediationAvailable = async () => false;";

/// A portal at `http://localhost:PORT`: browsers offer passkeys to a secure origin on a domain name.
fn on_localhost() -> impl FnOnce(&mut std::collections::HashMap<String, String>) {
    let port = free_port();
    move |vars| {
        vars.insert("BIND_ADDR".into(), format!("127.0.0.1:{port}"));
        vars.insert("PUBLIC_URL".into(), format!("http://localhost:{port}"));
    }
}

#[tokio::test]
async fn a_person_adds_a_passkey_and_from_then_on_signs_in_with_one_touch() {
    run(on_localhost(), |page| async move {
        add_virtual_authenticator(&page).await;
        page.register_and_verify("alice", "alice@example.com", PASSWORD)
            .await;

        page.goto("/security").await;
        page.find("passkeys-empty").await;
        page.fill("passkey-name", "This laptop").await;
        page.fill("passkey-password", PASSWORD).await;
        page.click("passkey-add").await;
        page.wait_for_text("passkey-item-name", "name the new passkey", |t| {
            t == "This laptop"
        })
        .await;
        let notice = page
            .wait_for_text("passkeys-notice", "confirm the passkey", |t| !t.is_empty())
            .await;
        assert!(notice.contains("This laptop"), "{notice}");
        let mail = page
            .app
            .smtp
            .wait_for_mail("alice@example.com", "security_notice")
            .await;
        assert!(
            mail.subject.contains("passkey was added"),
            "{}",
            mail.subject
        );
        page.check_and_photograph("passkeys-security").await;

        // Signed out, the sign-in page offers the passkey in the username field's autofill (conditional
        // mediation); Chromium's virtual authenticator takes the offer at once, so the page signs in
        // without a click, a username or a password.
        page.goto("/dashboard").await;
        page.click("logout-button").await;
        let used = page
            .app
            .smtp
            .wait_for_nth_mail("alice@example.com", "security_notice", 2)
            .await;
        assert!(
            used.subject.contains("Signed in with a passkey"),
            "{}",
            used.subject
        );
        page.expect_dashboard("alice", "alice@example.com").await;

        // A browser without that autofill: the button does it, with one touch.
        page.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": NO_AUTOFILL }),
        )
        .await;
        page.goto("/dashboard").await;
        sign_out(&page).await;
        page.click("passkey-sign-in").await;
        page.expect_dashboard("alice", "alice@example.com").await;
        page.app
            .smtp
            .wait_for_nth_mail("alice@example.com", "security_notice", 3)
            .await;

        // Removed, it signs in no more: the server refuses it and the page says so.
        page.goto("/security").await;
        page.click("passkey-remove").await;
        page.find("passkeys-empty").await;
        page.goto("/dashboard").await;
        sign_out(&page).await;
        page.click("passkey-sign-in").await;
        let banner = page
            .wait_for_text("error-banner", "refuse the removed passkey", |t| {
                !t.is_empty()
            })
            .await;
        assert!(banner.contains("not accepted"), "{banner}");
        assert_eq!(page.path().await, "/login");
    })
    .await;
}
