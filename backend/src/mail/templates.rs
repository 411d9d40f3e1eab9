//! The mails the portal sends, each as plain text and HTML. The code stands out, the expiry is stated, and
//! every mail says what to do if it was not you.

use std::time::Duration;

use shared::domain::OTP_CODE_LEN;

use super::Rendered;

pub const PRODUCT: &str = "OTP Portal";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link to a page of the client with the address, the code and the code's link token in its fragment:
/// a browser never sends the fragment to a server, so none of them reaches access logs, proxies or
/// `Referer` headers. The link token (128 bits) lets the owner use the code even while the address is
/// locked against guessing.
fn link(public_url: &str, page: &str, email: &str, code: &str, link_token: &str) -> String {
    let fragment = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", email)
        .append_pair("code", code)
        .append_pair("link", link_token)
        .finish();
    format!("{public_url}/{page}#{fragment}")
}

/// "5 minutes", "90 seconds", "1 minute".
pub fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    match (s % 60, s / 60) {
        (0, 1) => "1 minute".into(),
        (0, m) if m > 0 => format!("{m} minutes"),
        _ if s == 1 => "1 second".into(),
        _ => format!("{s} seconds"),
    }
}

/// How the text body sets the code apart: alone on its line, indented by this.
const CODE_INDENT: &str = "    ";

/// The code of a code mail's text body: the first line that is [`CODE_INDENT`] and a code's digits.
fn code_in_text(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        line.strip_prefix(CODE_INDENT)
            .filter(|code| code.len() == OTP_CODE_LEN && code.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// "386559 is your OTP Portal sign-in code" from the stored "Your OTP Portal sign-in code" and the text
/// body the code is read from; the stored subject alone if the text holds no code.
pub fn subject_with_code(subject: &str, text: &str) -> String {
    let Some(code) = code_in_text(text) else {
        return subject.to_owned();
    };
    match subject.strip_prefix("Your ") {
        Some(rest) => format!("{code} is your {rest}"),
        None => format!("{code}: {subject}"),
    }
}

/// `preheader`: the line a mail app shows under the subject in its list (and a phone in its notification),
/// hidden in the mail itself.
fn html_page(title: &str, preheader: Option<&str>, body: &str) -> String {
    let preheader = preheader.map_or_else(String::new, |text| {
        format!(
            "<div style=\"display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;\
             font-size:1px;line-height:1px;color:#f5f6f8;mso-hide:all\">{}</div>",
            escape(text)
        )
    });
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;\
         background:#f5f6f8;margin:0;padding:24px;color:#1f2328\">{preheader}\
         <div style=\"max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:32px\">\
         <h1 style=\"font-size:20px;margin:0 0 16px\">{title}</h1>{body}</div></body></html>",
        title = escape(title),
    )
}

/// The code as one text node: the spacing between its digits is CSS, so that selecting or copying it
/// (a double tap on a phone) takes the six digits and nothing else; `text-indent` balances the space
/// `letter-spacing` leaves after the last digit.
fn code_block(code: &str) -> String {
    format!(
        "<p style=\"font-size:32px;font-weight:700;letter-spacing:8px;text-indent:8px;white-space:nowrap;\
         font-family:ui-monospace,Menlo,Consolas,monospace;background:#f0f3f6;border-radius:6px;\
         padding:12px 0;text-align:center;margin:16px 0;-webkit-user-select:all;user-select:all\">{code}</p>",
        code = escape(code),
    )
}

pub fn verify_email(
    public_url: &str,
    email: &str,
    username: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let ttl = human_duration(ttl);
    let url = link(public_url, "verify", email, code, link_token);
    let title = format!("Confirm your e-mail address for {PRODUCT}");
    let preheader = format!("{code} is your verification code. It expires in {ttl}.");
    Rendered {
        subject: format!("Your {PRODUCT} verification code"),
        text: format!(
            "Your {PRODUCT} verification code is:\n\n{CODE_INDENT}{code}\n\n\
             Hello {username}, it expires in {ttl}. Enter it on the page where you registered, or open:\n{url}\n\n\
             This code confirms the registration of the username {username}. If you did not ask for \
             it, ignore this mail: without the code no account is created, and the registration is \
             deleted within a day.\n\n-- {PRODUCT}\n"
        ),
        html: html_page(
            &title,
            Some(&preheader),
            &format!(
                "<p>Hello {name},</p><p>Your verification code is:</p>{block}\
                 <p>It expires in <strong>{ttl}</strong>. Enter it on the page where you registered, \
                 or <a href=\"{href}\">open the confirmation page</a>.</p>\
                 <p style=\"color:#59636e;font-size:14px\">This code confirms the registration of the \
                 username <strong>{name}</strong>. If you did not ask for it, ignore this mail: without \
                 the code no account is created, and the registration is deleted within a day.</p>",
                name = escape(username),
                block = code_block(code),
                href = escape(&url),
            ),
        ),
    }
}

/// The words of a mail that carries a code to an account: what it is for, and what to do with it.
struct AccountCode<'a> {
    /// The client page the link opens.
    page: &'a str,
    title: String,
    /// "password reset", "sign-in": what the code is called.
    name: &'a str,
    /// "reset": the code's short name in the HTML body.
    short_name: &'a str,
    /// What someone asked: "… the account for EMAIL" and what follows the address.
    asked: &'a str,
    asked_after: &'a str,
    /// Where to type the code, and the link's words.
    enter: &'a str,
    link_words: &'a str,
    /// Why ignoring the mail is safe.
    safe: &'a str,
}

fn account_code(
    words: AccountCode<'_>,
    public_url: &str,
    email: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let ttl = human_duration(ttl);
    let url = link(public_url, words.page, email, code, link_token);
    let AccountCode {
        title,
        name,
        short_name,
        asked,
        asked_after,
        enter,
        link_words,
        safe,
        ..
    } = words;
    let preheader = format!("{code} is your {name} code. It expires in {ttl}.");
    Rendered {
        subject: format!("Your {PRODUCT} {name} code"),
        text: format!(
            "Your {PRODUCT} {name} code is:\n\n{CODE_INDENT}{code}\n\n\
             Someone asked to {asked} {email}{asked_after}. The code expires in {ttl}. {enter}, or open:\n{url}\n\n\
             If this was not you, ignore this mail: {safe}.\n\n-- {PRODUCT}\n"
        ),
        html: html_page(
            &title,
            Some(&preheader),
            &format!(
                "<p>Someone asked to {asked} {email}{asked_after}.</p>\
                 <p>Your {short_name} code is:</p>{block}\
                 <p>It expires in <strong>{ttl}</strong>. {enter}, or \
                 <a href=\"{href}\">{link_words}</a>.</p>\
                 <p style=\"color:#59636e;font-size:14px\">If this was not you, ignore this mail: \
                 {safe}.</p>",
                email = escape(email),
                block = code_block(code),
                href = escape(&url),
            ),
        ),
    }
}

pub fn password_reset(
    public_url: &str,
    email: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let words = AccountCode {
        page: "reset-password",
        title: format!("Reset your {PRODUCT} password"),
        name: "password reset",
        short_name: "reset",
        asked: "reset the password of the account for",
        asked_after: "",
        enter: "Enter it with your new password",
        link_words: "open the reset page",
        safe: "your password stays as it is",
    };
    account_code(words, public_url, email, code, link_token, ttl)
}

/// A code to sign in with instead of the password.
pub fn login_code(
    public_url: &str,
    email: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let words = AccountCode {
        page: "login/code",
        title: format!("Sign in to {PRODUCT}"),
        name: "sign-in",
        short_name: "sign-in",
        asked: "sign in to the account for",
        asked_after: " with a code instead of the password",
        enter: "Enter it on the sign-in page",
        link_words: "open the sign-in page",
        safe: "without the code nobody signs in",
    };
    account_code(words, public_url, email, code, link_token, ttl)
}

pub fn account_exists(public_url: &str, email: &str) -> Rendered {
    let login = format!("{public_url}/login");
    let forgot = format!("{public_url}/forgot-password");
    let title = "Someone tried to register with your address";
    Rendered {
        subject: format!("Sign-up attempt with your {PRODUCT} address"),
        text: format!(
            "Someone tried to create a new {PRODUCT} account with {email}, which already has one.\n\n\
             If it was you: you are already registered. Sign in at {login}\n\
             Forgot your password? Reset it at {forgot}\n\n\
             If it was not you, ignore this mail: nothing was changed and no account was created.\n\n\
             -- {PRODUCT}\n"
        ),
        html: html_page(
            title,
            None,
            &format!(
                "<p>Someone tried to create a new {PRODUCT} account with {email}, which already has one.</p>\
                 <p>If it was you: you are already registered. <a href=\"{login}\">Sign in</a>, or \
                 <a href=\"{forgot}\">reset your password</a> if you forgot it.</p>\
                 <p style=\"color:#59636e;font-size:14px\">If it was not you, ignore this mail: nothing was \
                 changed and no account was created.</p>",
                email = escape(email),
                login = escape(&login),
                forgot = escape(&forgot),
            ),
        ),
    }
}

pub fn password_changed(public_url: &str, email: &str) -> Rendered {
    let forgot = format!("{public_url}/forgot-password");
    let title = format!("Your {PRODUCT} password was changed");
    Rendered {
        subject: title.clone(),
        text: format!(
            "The password of the {PRODUCT} account for {email} was just changed, and every device \
             signed in to it was signed out.\n\n\
             If this was you, there is nothing to do.\n\
             If it was not you, reset your password now at {forgot} and check your mailbox's \
             security: whoever did this could read your mail.\n\n-- {PRODUCT}\n"
        ),
        html: html_page(
            &title,
            None,
            &format!(
                "<p>The password of the {PRODUCT} account for {email} was just changed, and every device \
                 signed in to it was signed out.</p><p>If this was you, there is nothing to do.</p>\
                 <p><strong>If it was not you</strong>, <a href=\"{forgot}\">reset your password now</a> \
                 and check your mailbox's security: whoever did this could read your mail.</p>",
                email = escape(email),
                forgot = escape(&forgot),
            ),
        ),
    }
}

/// Who ended an account: its owner, or an administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletedBy {
    Owner,
    Admin,
}

/// The goodbye mail: the account is gone, and nothing of it can be restored.
pub fn account_deleted(public_url: &str, email: &str, username: &str, by: DeletedBy) -> Rendered {
    let title = format!("Your {PRODUCT} account was deleted");
    let who = match by {
        DeletedBy::Owner => "at your request",
        DeletedBy::Admin => "by an administrator",
    };
    Rendered {
        subject: title.clone(),
        text: format!(
            "The {PRODUCT} account {username} ({email}) was deleted {who}: its sessions, second factor \
             and history are gone, and the username and address are free again.\n\n\
             If you did not ask for this, contact the operator of {public_url}.\n\n-- {PRODUCT}\n"
        ),
        html: html_page(
            &title,
            None,
            &format!(
                "<p>The {PRODUCT} account {username} ({email}) was deleted {who}: its sessions, second \
                 factor and history are gone, and the username and address are free again.</p>\
                 <p>If you did not ask for this, contact the operator of {public_url}.</p>",
                username = escape(username),
                email = escape(email),
                public_url = escape(public_url),
            ),
        ),
    }
}

/// Tells the owner that an administrator disabled (or enabled again) their account.
pub fn account_disabled(public_url: &str, email: &str, disabled: bool) -> Rendered {
    let (title, what) = if disabled {
        (
            format!("Your {PRODUCT} account was disabled"),
            "was disabled by an administrator: every device signed in to it was signed out, and it \
             cannot sign in until it is enabled again",
        )
    } else {
        (
            format!("Your {PRODUCT} account was enabled again"),
            "was enabled again by an administrator: you can sign in as before",
        )
    };
    Rendered {
        subject: title.clone(),
        text: format!(
            "The {PRODUCT} account for {email} {what}.\n\n\
             Questions go to the operator of {public_url}.\n\n-- {PRODUCT}\n"
        ),
        html: html_page(
            &title,
            None,
            &format!(
                "<p>The {PRODUCT} account for {email} {what}.</p>\
                 <p>Questions go to the operator of {public_url}.</p>",
                email = escape(email),
                public_url = escape(public_url),
            ),
        ),
    }
}

/// What changed about the second factor, for the notice mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorChange {
    Enabled,
    Disabled,
    RecoveryCodeUsed { remaining: i64 },
    RecoveryCodesRenewed,
}

/// Tells the owner that the second factor of their account changed, and what to do if it was not them.
pub fn factor_changed(public_url: &str, email: &str, change: FactorChange) -> Rendered {
    let security = format!("{public_url}/security");
    let forgot = format!("{public_url}/forgot-password");
    let (title, what) = match change {
        FactorChange::Enabled => (
            "Two-step sign-in is on".to_owned(),
            "An authenticator app now protects the account: signing in asks for its code after the \
             password."
                .to_owned(),
        ),
        FactorChange::Disabled => (
            "Two-step sign-in was turned off".to_owned(),
            "The authenticator app no longer protects the account: the password alone signs in.".to_owned(),
        ),
        FactorChange::RecoveryCodeUsed { remaining } => (
            "A recovery code was used".to_owned(),
            format!(
                "Someone signed in with one of the recovery codes. {remaining} unused code(s) remain; \
                 make new ones on the security page when they run low."
            ),
        ),
        FactorChange::RecoveryCodesRenewed => (
            "New recovery codes were made".to_owned(),
            "New recovery codes were made for the account; the older ones no longer work.".to_owned(),
        ),
    };
    Rendered {
        subject: format!("{PRODUCT}: {title}"),
        text: format!(
            "{what}\n\nAccount: {email}\nSecurity settings: {security}\n\n\
             If this was not you, reset your password now at {forgot}: someone knows it.\n\n-- {PRODUCT}\n"
        ),
        html: html_page(
            &title,
            None,
            &format!(
                "<p>{what}</p><p>Account: {email}</p><p><a href=\"{security}\">Security settings</a></p>\
                 <p><strong>If this was not you</strong>, <a href=\"{forgot}\">reset your password now</a>: \
                 someone knows it.</p>",
                what = escape(&what),
                email = escape(email),
                security = escape(&security),
                forgot = escape(&forgot),
            ),
        ),
    }
}

pub fn login_throttled(public_url: &str, email: &str, failures: i32, pause: Duration) -> Rendered {
    let forgot = format!("{public_url}/forgot-password");
    let pause = human_duration(pause);
    let title = format!("Sign-in to your {PRODUCT} account was paused");
    Rendered {
        subject: title.clone(),
        text: format!(
            "Someone entered a wrong password for the {PRODUCT} account of {email} {failures} times in a \
             row, so sign-in is paused for {pause}; each further wrong password makes the pause longer \
             (at most a few minutes more each time).\n\n\
             If it was you: wait, then try again, or reset your password at {forgot}\n\
             If it was not you: your password held, and nobody signed in. To be safe, choose a new, \
             unique password at {forgot}\n\n-- {PRODUCT}\n"
        ),
        html: html_page(
            &title,
            None,
            &format!(
                "<p>Someone entered a wrong password for the {PRODUCT} account of {email} {failures} times \
                 in a row, so sign-in is paused for <strong>{pause}</strong>.</p>\
                 <p>If it was you: wait, then try again, or <a href=\"{forgot}\">reset your password</a>.</p>\
                 <p>If it was not you: your password held, and nobody signed in. To be safe, \
                 <a href=\"{forgot}\">choose a new, unique password</a>.</p>",
                email = escape(email),
                forgot = escape(&forgot),
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_mail_states_code_expiry_link_and_what_to_do() {
        let m = verify_email(
            "http://localhost:8080",
            "a+b@example.com",
            "alice",
            "042917",
            "LiNkToKeN",
            Duration::from_secs(300),
        );
        assert!(m.text.contains("042917") && m.html.contains("042917"));
        assert!(m.text.contains("5 minutes"));
        assert!(m.text.contains(
            "http://localhost:8080/verify#email=a%2Bb%40example.com&code=042917&link=LiNkToKeN"
        ));
        assert!(m
            .text
            .contains("If you did not ask for it, ignore this mail"));
        assert!(
            !m.subject.contains("042917"),
            "the stored subject never holds the code: delivery puts it in front"
        );
    }

    /// The three mails that carry a code, rendered with `code` and a 5-minute lifetime.
    fn code_mails(code: &str) -> [(&'static str, Rendered); 3] {
        let (url, email, ttl) = (
            "https://portal.test",
            "a@example.com",
            Duration::from_secs(300),
        );
        [
            (
                "verification",
                verify_email(url, email, "alice", code, "LiNk", ttl),
            ),
            (
                "password reset",
                password_reset(url, email, code, "LiNk", ttl),
            ),
            ("sign-in", login_code(url, email, code, "LiNk", ttl)),
        ]
    }

    #[test]
    fn the_code_leads_the_subject_of_every_code_mail() {
        for (name, m) in code_mails("386559") {
            assert_eq!(
                subject_with_code(&m.subject, &m.text),
                format!("386559 is your OTP Portal {name} code")
            );
        }
        // A code starting with zeros keeps them.
        let [(_, m), ..] = code_mails("004217");
        assert_eq!(
            subject_with_code(&m.subject, &m.text),
            "004217 is your OTP Portal verification code"
        );
    }

    #[test]
    fn a_mail_without_a_code_line_keeps_its_subject() {
        let m = login_throttled(
            "https://portal.test",
            "a@example.com",
            123456,
            Duration::from_secs(60),
        );
        assert!(m.text.contains("123456"), "{}", m.text);
        assert_eq!(subject_with_code(&m.subject, &m.text), m.subject);
        let m = password_changed("https://portal.test", "a@example.com");
        assert_eq!(subject_with_code(&m.subject, &m.text), m.subject);
        // Seven digits on the code's line are not a code.
        assert_eq!(
            subject_with_code(
                "Your OTP Portal sign-in code",
                "Your code is:\n\n    1234567\n"
            ),
            "Your OTP Portal sign-in code"
        );
    }

    /// The hidden element a mail app takes its preview line from, if the body starts with one.
    fn preheader(html: &str) -> Option<String> {
        let body = &html[html.find("<body")?..];
        let body = &body[body.find('>')? + 1..];
        let rest = body.strip_prefix("<div style=\"display:none;")?;
        let text = &rest[rest.find('>')? + 1..];
        Some(text[..text.find("</div>")?].to_owned())
    }

    #[test]
    fn code_mails_open_with_a_hidden_preheader_stating_code_and_lifetime() {
        for (name, m) in code_mails("386559") {
            assert_eq!(
                preheader(&m.html).as_deref(),
                Some(format!("386559 is your {name} code. It expires in 5 minutes.").as_str()),
                "{}",
                m.html
            );
            let hidden = m.html.find("display:none").unwrap();
            assert!(
                hidden < m.html.find("<h1").unwrap(),
                "the preheader comes first"
            );
        }
        let notice = account_exists("https://portal.test", "a@example.com");
        assert_eq!(preheader(&notice.html), None, "{}", notice.html);
    }

    /// The text of the element that shows the code in large letters.
    fn code_element(html: &str) -> &str {
        let start = html.find("letter-spacing").expect("a code block");
        let inner = &html[start..];
        let inner = &inner[inner.find('>').unwrap() + 1..];
        &inner[..inner.find('<').unwrap()]
    }

    #[test]
    fn the_code_in_the_html_is_one_word_spaced_by_css() {
        for (name, m) in code_mails("386559") {
            // One text node of the six digits: a selection or copy takes nothing else.
            assert_eq!(code_element(&m.html), "386559", "{name}: {}", m.html);
            for spacer in [
                "&nbsp;", "&thinsp;", "&#", "\u{a0}", "\u{2009}", "\u{200a}", "\u{202f}",
                "\u{200b}",
            ] {
                assert!(
                    !code_element(&m.html).contains(spacer),
                    "{name}: {spacer:?}"
                );
            }
            let block = &m.html[m.html.find("letter-spacing").unwrap() - 40..];
            let style = &block[..block.find('>').unwrap()];
            assert!(
                style.contains("letter-spacing:8px") && style.contains("user-select:all"),
                "{style}"
            );
        }
    }

    #[test]
    fn the_code_mail_names_the_username_the_registration_chose() {
        let m = verify_email(
            "http://localhost:8080",
            "a@example.com",
            "alice_w",
            "042917",
            "LiNkToKeN",
            Duration::from_secs(300),
        );
        let sentence = "This code confirms the registration of the username alice_w.";
        assert!(m.text.contains(sentence), "{}", m.text);
        assert!(
            m.html
                .contains("the registration of the username <strong>alice_w</strong>."),
            "{}",
            m.html
        );
        // The code comes first: readers (and tests) take the first six digits of the text as the code.
        assert!(m.text.find("042917").unwrap() < m.text.find("alice_w").unwrap());
    }

    #[test]
    fn links_carry_address_and_code_in_the_fragment_never_the_query() {
        let url = link(
            "https://portal.test",
            "verify",
            "a+b@example.com",
            "042917",
            "LiNk",
        );
        assert_eq!(
            url,
            "https://portal.test/verify#email=a%2Bb%40example.com&code=042917&link=LiNk"
        );
        let parsed = url::Url::parse(&url).unwrap();
        assert_eq!(parsed.path(), "/verify");
        assert_eq!(parsed.query(), None);

        let m = password_reset(
            "https://portal.test",
            "a@example.com",
            "123456",
            "LiNk",
            Duration::from_secs(300),
        );
        let reset =
            "https://portal.test/reset-password#email=a%40example.com&code=123456&link=LiNk";
        assert!(m.text.contains(reset), "{}", m.text);
        assert!(m.html.contains(&escape(reset)), "{}", m.html);
        assert!(!m.text.contains("?email="), "{}", m.text);
    }

    #[test]
    fn user_text_is_escaped_in_html() {
        let m = verify_email(
            "http://x.test",
            "a@example.com",
            "<b>",
            "123456",
            "LiNk",
            Duration::from_secs(60),
        );
        assert!(m.html.contains("&lt;b&gt;") && !m.html.contains("<b>"));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::from_secs(300)), "5 minutes");
        assert_eq!(human_duration(Duration::from_secs(60)), "1 minute");
        assert_eq!(human_duration(Duration::from_secs(90)), "90 seconds");
        assert_eq!(human_duration(Duration::from_secs(1)), "1 second");
    }
}
