//! The mails the portal sends, each as plain text and HTML, in the language of the account or of the
//! registration they go to. The code stands out, the expiry is stated, and every mail says what to do if
//! it was not you. Every sentence comes from the message files of `shared/locales`; only the layout is
//! here.

use std::time::Duration;

use shared::domain::OTP_CODE_LEN;
use shared::i18n::{self, Arg, Language};

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

/// A message as plain text.
fn text(lang: Language, id: &str, args: &[(&str, Arg)]) -> String {
    i18n::format(lang, id, args)
}

/// A value for a message rendered as HTML.
enum Html<'a> {
    /// Text from outside (an address, a name, a duration): escaped.
    Text(&'a str),
    /// Markup made here (a link, an emphasis) around escaped text: kept as is.
    Markup(String),
    /// A number, or a keyword a message selects on.
    Plain(Arg<'a>),
}

/// A message as HTML: the message's own words are escaped like every value from outside (a translator
/// may write "&" or "<"), and only the markup made here goes in as is. Each text and markup value enters
/// the message as a placeholder that no escaping changes, and takes its place afterwards.
fn html(lang: Language, id: &str, args: &[(&str, Html)]) -> String {
    let slots: Vec<String> = (0..args.len())
        .map(|i| format!("\u{e000}{i}\u{e001}"))
        .collect();
    let fluent_args: Vec<(&str, Arg)> = args
        .iter()
        .zip(&slots)
        .map(|((name, value), slot)| match value {
            Html::Plain(arg) => (*name, *arg),
            Html::Text(_) | Html::Markup(_) => (*name, Arg::Str(slot)),
        })
        .collect();
    let mut out = escape(&i18n::format(lang, id, &fluent_args));
    for ((_, value), slot) in args.iter().zip(&slots) {
        match value {
            Html::Text(s) => out = out.replace(slot, &escape(s)),
            Html::Markup(m) => out = out.replace(slot, m),
            Html::Plain(_) => {}
        }
    }
    out
}

fn strong(s: &str) -> Html<'static> {
    Html::Markup(format!("<strong>{}</strong>", escape(s)))
}

/// A link whose words are the message `words`.
fn a(lang: Language, href: &str, words: &str) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        escape(href),
        escape(&i18n::text(lang, words))
    )
}

fn anchor(lang: Language, href: &str, words: &str) -> Html<'static> {
    Html::Markup(a(lang, href, words))
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

/// How the text body sets the code apart: alone on its line, indented by this.
const CODE_INDENT: &str = "    ";

/// The code of a code mail's text body: the first line that is [`CODE_INDENT`] and a code's digits.
fn code_in_text(text: &str) -> Option<&str> {
    text.lines().find_map(|line| {
        line.strip_prefix(CODE_INDENT)
            .filter(|code| code.len() == OTP_CODE_LEN && code.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// The message-id prefixes of the mails that carry a code.
const CODE_MAILS: [&str; 3] = ["mail-verify", "mail-reset", "mail-login"];

/// "386559 is your OTP Portal sign-in code" from the stored "Your OTP Portal sign-in code" and the text
/// body the code is read from, in the language the stored subject is written in; the stored subject
/// alone if the text holds no code.
pub fn subject_with_code(subject: &str, text: &str) -> String {
    let Some(code) = code_in_text(text) else {
        return subject.to_owned();
    };
    for lang in Language::all() {
        for mail in CODE_MAILS {
            if i18n::text(lang, &format!("{mail}-subject")) == subject {
                return i18n::format(
                    lang,
                    &format!("{mail}-subject-with-code"),
                    &[("code", code.into())],
                );
            }
        }
    }
    // A subject stored by an earlier version, or in a language since removed.
    match subject.strip_prefix("Your ") {
        Some(rest) => format!("{code} is your {rest}"),
        None => format!("{code}: {subject}"),
    }
}

/// The plain-text body: paragraphs separated by a blank line, and the signature.
fn text_body(lang: Language, paragraphs: &[String]) -> String {
    format!(
        "{}\n\n{}\n",
        paragraphs.join("\n\n"),
        i18n::text(lang, "mail-signature")
    )
}

/// `preheader`: the line a mail app shows under the subject in its list (and a phone in its notification),
/// hidden in the mail itself.
fn html_page(lang: Language, title: &str, preheader: Option<&str>, body: &str) -> String {
    let preheader = preheader.map_or_else(String::new, |text| {
        format!(
            "<div style=\"display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;\
             font-size:1px;line-height:1px;color:#f5f6f8;mso-hide:all\">{}</div>",
            escape(text)
        )
    });
    format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;\
         background:#f5f6f8;margin:0;padding:24px;color:#1f2328\">{preheader}\
         <div style=\"max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:32px\">\
         <h1 style=\"font-size:20px;margin:0 0 16px\">{title}</h1>{body}</div></body></html>",
        code = lang.code(),
        title = escape(title),
    )
}

/// A paragraph of the HTML body.
fn p(inner: &str) -> String {
    format!("<p>{inner}</p>")
}

/// A paragraph in small grey print: what to do if it was not you.
fn small(inner: &str) -> String {
    format!("<p style=\"color:#59636e;font-size:14px\">{inner}</p>")
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
    lang: Language,
    public_url: &str,
    email: &str,
    username: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let ttl = i18n::duration(lang, ttl.as_secs());
    let url = link(public_url, "verify", email, code, link_token);
    let name = ("username", Arg::Str(username));
    let expires = ("ttl", Arg::Str(&ttl));
    let preheader = text(
        lang,
        "mail-verify-preheader",
        &[("code", code.into()), expires],
    );
    Rendered {
        subject: text(lang, "mail-verify-subject", &[]),
        text: text_body(
            lang,
            &[
                text(lang, "mail-verify-code-is", &[]),
                format!("{CODE_INDENT}{code}"),
                format!(
                    "{}\n{url}",
                    text(lang, "mail-verify-expiry", &[name, expires])
                ),
                text(lang, "mail-verify-not-you", &[name]),
            ],
        ),
        html: html_page(
            lang,
            &text(lang, "mail-verify-title", &[]),
            Some(&preheader),
            &[
                p(&html(
                    lang,
                    "mail-verify-hello-html",
                    &[("username", Html::Text(username))],
                )),
                p(&html(lang, "mail-verify-code-is-html", &[])),
                code_block(code),
                p(&html(
                    lang,
                    "mail-verify-expiry-html",
                    &[
                        ("ttl", strong(&ttl)),
                        ("link", anchor(lang, &url, "mail-verify-link")),
                    ],
                )),
                small(&html(
                    lang,
                    "mail-verify-not-you",
                    &[("username", strong(username))],
                )),
            ]
            .concat(),
        ),
    }
}

/// A mail that carries a code to an account: `prefix` names its messages, `page` is the client page its
/// link opens.
fn account_code(
    lang: Language,
    (prefix, page): (&str, &str),
    public_url: &str,
    email: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let ttl = i18n::duration(lang, ttl.as_secs());
    let url = link(public_url, page, email, code, link_token);
    let id = |suffix: &str| format!("{prefix}-{suffix}");
    let expires = ("ttl", Arg::Str(&ttl));
    let address = ("email", Arg::Str(email));
    let preheader = text(lang, &id("preheader"), &[("code", code.into()), expires]);
    Rendered {
        subject: text(lang, &id("subject"), &[]),
        text: text_body(
            lang,
            &[
                text(lang, &id("code-is"), &[]),
                format!("{CODE_INDENT}{code}"),
                format!(
                    "{} {}\n{url}",
                    text(lang, &id("asked"), &[address]),
                    text(lang, &id("expiry"), &[expires])
                ),
                text(lang, &id("not-you"), &[]),
            ],
        ),
        html: html_page(
            lang,
            &text(lang, &id("title"), &[]),
            Some(&preheader),
            &[
                p(&html(lang, &id("asked"), &[("email", Html::Text(email))])),
                p(&html(lang, &id("code-is-html"), &[])),
                code_block(code),
                p(&html(
                    lang,
                    &id("expiry-html"),
                    &[
                        ("ttl", strong(&ttl)),
                        ("link", anchor(lang, &url, &id("link"))),
                    ],
                )),
                small(&html(lang, &id("not-you"), &[])),
            ]
            .concat(),
        ),
    }
}

pub fn password_reset(
    lang: Language,
    public_url: &str,
    email: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let words = ("mail-reset", "reset-password");
    account_code(lang, words, public_url, email, code, link_token, ttl)
}

/// A code to sign in with instead of the password.
pub fn login_code(
    lang: Language,
    public_url: &str,
    email: &str,
    code: &str,
    link_token: &str,
    ttl: Duration,
) -> Rendered {
    let words = ("mail-login", "login/code");
    account_code(lang, words, public_url, email, code, link_token, ttl)
}

pub fn account_exists(lang: Language, public_url: &str, email: &str) -> Rendered {
    let login = format!("{public_url}/login");
    let forgot = format!("{public_url}/forgot-password");
    Rendered {
        subject: text(lang, "mail-exists-subject", &[]),
        text: text_body(
            lang,
            &[
                text(lang, "mail-exists-tried", &[("email", email.into())]),
                format!(
                    "{}\n{}",
                    text(lang, "mail-exists-sign-in", &[("url", (&login).into())]),
                    text(lang, "mail-exists-forgot", &[("url", (&forgot).into())])
                ),
                text(lang, "mail-exists-not-you", &[]),
            ],
        ),
        html: html_page(
            lang,
            &text(lang, "mail-exists-title", &[]),
            None,
            &[
                p(&html(
                    lang,
                    "mail-exists-tried",
                    &[("email", Html::Text(email))],
                )),
                p(&html(
                    lang,
                    "mail-exists-if-you-html",
                    &[
                        ("login", anchor(lang, &login, "mail-exists-sign-in-link")),
                        ("forgot", anchor(lang, &forgot, "mail-exists-forgot-link")),
                    ],
                )),
                small(&html(lang, "mail-exists-not-you", &[])),
            ]
            .concat(),
        ),
    }
}

pub fn password_changed(lang: Language, public_url: &str, email: &str) -> Rendered {
    let forgot = format!("{public_url}/forgot-password");
    let title = text(lang, "mail-password-changed-subject", &[]);
    Rendered {
        subject: title.clone(),
        text: text_body(
            lang,
            &[
                text(
                    lang,
                    "mail-password-changed-what",
                    &[("email", email.into())],
                ),
                format!(
                    "{}\n{}",
                    text(lang, "mail-password-changed-if-you", &[]),
                    text(
                        lang,
                        "mail-password-changed-not-you",
                        &[("url", (&forgot).into())]
                    )
                ),
            ],
        ),
        html: html_page(
            lang,
            &title,
            None,
            &[
                p(&html(
                    lang,
                    "mail-password-changed-what",
                    &[("email", Html::Text(email))],
                )),
                p(&html(lang, "mail-password-changed-if-you", &[])),
                p(&html(
                    lang,
                    "mail-password-changed-not-you-html",
                    &[("link", anchor(lang, &forgot, "mail-reset-now-link"))],
                )),
            ]
            .concat(),
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
pub fn account_deleted(
    lang: Language,
    public_url: &str,
    email: &str,
    username: &str,
    by: DeletedBy,
) -> Rendered {
    let title = text(lang, "mail-deleted-subject", &[]);
    let by = match by {
        DeletedBy::Owner => "owner",
        DeletedBy::Admin => "admin",
    };
    let what = [
        ("username", Arg::Str(username)),
        ("email", Arg::Str(email)),
        ("by", Arg::Str(by)),
    ];
    Rendered {
        subject: title.clone(),
        text: text_body(
            lang,
            &[
                text(lang, "mail-deleted-what", &what),
                text(lang, "mail-deleted-contact", &[("url", public_url.into())]),
            ],
        ),
        html: html_page(
            lang,
            &title,
            None,
            &[
                p(&html(
                    lang,
                    "mail-deleted-what",
                    &[
                        ("username", Html::Text(username)),
                        ("email", Html::Text(email)),
                        ("by", Html::Plain(Arg::Str(by))),
                    ],
                )),
                p(&html(
                    lang,
                    "mail-deleted-contact",
                    &[("url", Html::Text(public_url))],
                )),
            ]
            .concat(),
        ),
    }
}

/// Tells the owner that an administrator disabled (or enabled again) their account.
pub fn account_disabled(lang: Language, public_url: &str, email: &str, disabled: bool) -> Rendered {
    let (subject, what) = if disabled {
        ("mail-disabled-subject", "mail-disabled-what")
    } else {
        ("mail-enabled-subject", "mail-enabled-what")
    };
    let title = text(lang, subject, &[]);
    Rendered {
        subject: title.clone(),
        text: text_body(
            lang,
            &[
                text(lang, what, &[("email", email.into())]),
                text(lang, "mail-questions", &[("url", public_url.into())]),
            ],
        ),
        html: html_page(
            lang,
            &title,
            None,
            &[
                p(&html(lang, what, &[("email", Html::Text(email))])),
                p(&html(
                    lang,
                    "mail-questions",
                    &[("url", Html::Text(public_url))],
                )),
            ]
            .concat(),
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
pub fn factor_changed(
    lang: Language,
    public_url: &str,
    email: &str,
    change: FactorChange,
) -> Rendered {
    let (name, remaining) = match change {
        FactorChange::Enabled => ("mail-factor-enabled", None),
        FactorChange::Disabled => ("mail-factor-disabled", None),
        FactorChange::RecoveryCodeUsed { remaining } => {
            ("mail-factor-recovery-used", Some(remaining))
        }
        FactorChange::RecoveryCodesRenewed => ("mail-factor-renewed", None),
    };
    let what = text(
        lang,
        &format!("{name}-what"),
        &[("remaining", remaining.unwrap_or_default().into())],
    );
    security_notice(lang, public_url, email, name, &what, "mail-factor-not-you")
}

/// A notice of a change to how the account signs in: `{id}-title` as the title, `what` happened, the
/// account and its security page, and `not_you` (with its `-html` twin): what to do if it was not them.
fn security_notice(
    lang: Language,
    public_url: &str,
    email: &str,
    id: &str,
    what: &str,
    not_you: &str,
) -> Rendered {
    let security = format!("{public_url}/security");
    let forgot = format!("{public_url}/forgot-password");
    let title = text(lang, &format!("{id}-title"), &[]);
    Rendered {
        subject: text(lang, "mail-notice-subject", &[("title", (&title).into())]),
        text: text_body(
            lang,
            &[
                what.to_owned(),
                format!(
                    "{}\n{}",
                    text(lang, "mail-account-line", &[("email", email.into())]),
                    text(lang, "mail-security-line", &[("url", (&security).into())])
                ),
                text(lang, not_you, &[("url", (&forgot).into())]),
            ],
        ),
        html: html_page(
            lang,
            &title,
            None,
            &[
                p(&escape(what)),
                p(&html(
                    lang,
                    "mail-account-line",
                    &[("email", Html::Text(email))],
                )),
                p(&a(lang, &security, "mail-security-link")),
                p(&html(
                    lang,
                    &format!("{not_you}-html"),
                    &[("link", anchor(lang, &forgot, "mail-reset-now-link"))],
                )),
            ]
            .concat(),
        ),
    }
}

pub fn login_throttled(
    lang: Language,
    public_url: &str,
    email: &str,
    failures: i32,
    pause: Duration,
) -> Rendered {
    let forgot = format!("{public_url}/forgot-password");
    let pause = i18n::duration(lang, pause.as_secs());
    let title = text(lang, "mail-throttled-subject", &[]);
    let reset = ("url", Arg::Str(&forgot));
    Rendered {
        subject: title.clone(),
        text: text_body(
            lang,
            &[
                text(
                    lang,
                    "mail-throttled-what",
                    &[
                        ("email", email.into()),
                        ("failures", failures.into()),
                        ("pause", (&pause).into()),
                    ],
                ),
                format!(
                    "{}\n{}",
                    text(lang, "mail-throttled-if-you", &[reset]),
                    text(lang, "mail-throttled-not-you", &[reset])
                ),
            ],
        ),
        html: html_page(
            lang,
            &title,
            None,
            &[
                p(&html(
                    lang,
                    "mail-throttled-what-html",
                    &[
                        ("email", Html::Text(email)),
                        ("failures", Html::Plain(failures.into())),
                        ("pause", strong(&pause)),
                    ],
                )),
                p(&html(
                    lang,
                    "mail-throttled-if-you-html",
                    &[("link", anchor(lang, &forgot, "mail-throttled-reset-link"))],
                )),
                p(&html(
                    lang,
                    "mail-throttled-not-you-html",
                    &[(
                        "link",
                        anchor(lang, &forgot, "mail-throttled-new-password-link"),
                    )],
                )),
            ]
            .concat(),
        ),
    }
}

/// What happened to a passkey, for the notice mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasskeyChange {
    Added,
    Used,
    Removed,
}

/// Tells the owner that a passkey of their account was added, used to sign in, or removed.
pub fn passkey_changed(
    lang: Language,
    public_url: &str,
    email: &str,
    name: &str,
    change: PasskeyChange,
) -> Rendered {
    let id = match change {
        PasskeyChange::Added => "mail-passkey-added",
        PasskeyChange::Used => "mail-passkey-used",
        PasskeyChange::Removed => "mail-passkey-removed",
    };
    let what = text(lang, &format!("{id}-what"), &[("name", name.into())]);
    security_notice(lang, public_url, email, id, &what, "mail-passkey-not-you")
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: Language = Language::ENGLISH;

    fn de() -> Language {
        Language::from_code("de").unwrap()
    }

    #[test]
    fn the_code_mail_states_code_expiry_link_and_what_to_do() {
        let m = verify_email(
            Language::ENGLISH,
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
                verify_email(EN, url, email, "alice", code, "LiNk", ttl),
            ),
            (
                "password reset",
                password_reset(EN, url, email, code, "LiNk", ttl),
            ),
            ("sign-in", login_code(EN, url, email, code, "LiNk", ttl)),
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
            EN,
            "https://portal.test",
            "a@example.com",
            123456,
            Duration::from_secs(60),
        );
        assert!(m.text.contains("123456"), "{}", m.text);
        assert_eq!(subject_with_code(&m.subject, &m.text), m.subject);
        let m = password_changed(EN, "https://portal.test", "a@example.com");
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
        let notice = account_exists(EN, "https://portal.test", "a@example.com");
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
            Language::ENGLISH,
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
            EN,
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
            EN,
            "http://x.test",
            "a@example.com",
            "<b>",
            "123456",
            "LiNk",
            Duration::from_secs(60),
        );
        assert!(m.html.contains("&lt;b&gt;") && !m.html.contains("<b>"));
    }

    /// Every mail in every language, with a 5-minute code lifetime and a 30-second pause.
    fn every_mail(lang: Language) -> Vec<Rendered> {
        let (url, email, ttl) = (
            "https://portal.test",
            "a@example.com",
            Duration::from_secs(300),
        );
        let mut mails = vec![
            verify_email(lang, url, email, "alice", "386559", "LiNk", ttl),
            password_reset(lang, url, email, "386559", "LiNk", ttl),
            login_code(lang, url, email, "386559", "LiNk", ttl),
            account_exists(lang, url, email),
            password_changed(lang, url, email),
            account_deleted(lang, url, email, "alice", DeletedBy::Owner),
            account_deleted(lang, url, email, "alice", DeletedBy::Admin),
            account_disabled(lang, url, email, true),
            account_disabled(lang, url, email, false),
            login_throttled(lang, url, email, 5, Duration::from_secs(30)),
            login_throttled(lang, url, email, 1, Duration::from_secs(90)),
        ];
        for change in [
            FactorChange::Enabled,
            FactorChange::Disabled,
            FactorChange::RecoveryCodeUsed { remaining: 1 },
            FactorChange::RecoveryCodeUsed { remaining: 9 },
            FactorChange::RecoveryCodesRenewed,
        ] {
            mails.push(factor_changed(lang, url, email, change));
        }
        for change in [
            PasskeyChange::Added,
            PasskeyChange::Used,
            PasskeyChange::Removed,
        ] {
            mails.push(passkey_changed(lang, url, email, "Laptop", change));
        }
        mails
    }

    #[test]
    fn a_passkey_notice_names_the_passkey_escaped_in_the_readers_language() {
        let m = passkey_changed(
            de(),
            "https://portal.test",
            "a@example.com",
            "<Mein> Laptop",
            PasskeyChange::Added,
        );
        assert_eq!(m.subject, "OTP Portal: Ein Passkey wurde hinzugefügt");
        assert!(m.text.contains("„<Mein> Laptop“"), "{}", m.text);
        assert!(m.html.contains("&lt;Mein&gt; Laptop"), "{}", m.html);
        assert!(!m.html.contains("<Mein>"));
        let used = passkey_changed(
            EN,
            "https://portal.test",
            "a@example.com",
            "Key",
            PasskeyChange::Used,
        );
        assert_eq!(used.subject, "OTP Portal: Signed in with a passkey");
    }

    #[test]
    fn every_mail_is_worded_in_every_language_without_isolation_marks() {
        for lang in Language::all() {
            for m in every_mail(lang) {
                for part in [&m.subject, &m.text, &m.html] {
                    // A message missing everywhere would show its id.
                    assert!(!part.contains("mail-"), "{lang}: {part}");
                    assert!(!part.contains(['\u{2068}', '\u{2069}']), "{lang}: {part}");
                    assert!(!part.contains(['\u{e000}', '\u{e001}']), "{lang}: {part}");
                }
                assert!(
                    m.html.contains(&format!("<html lang=\"{}\">", lang.code())),
                    "{}",
                    m.html
                );
                assert!(m.text.ends_with("\n\n-- OTP Portal\n"), "{}", m.text);
            }
        }
    }

    #[test]
    fn a_german_code_mail_is_german_and_keeps_its_shape() {
        let m = verify_email(
            de(),
            "https://portal.test",
            "a@example.com",
            "alice",
            "042917",
            "LiNk",
            Duration::from_secs(300),
        );
        assert_eq!(m.subject, "Ihr Bestätigungscode für OTP Portal");
        assert!(m.text.contains("läuft in 5 Minuten ab"), "{}", m.text);
        assert!(m.html.contains("<strong>5 Minuten</strong>"), "{}", m.html);
        assert_eq!(code_in_text(&m.text), Some("042917"));
        assert_eq!(
            subject_with_code(&m.subject, &m.text),
            "042917 ist Ihr Bestätigungscode für OTP Portal"
        );
        assert_eq!(
            preheader(&m.html).as_deref(),
            Some("042917 ist Ihr Bestätigungscode. Er läuft in 5 Minuten ab.")
        );
        assert_eq!(code_element(&m.html), "042917");
        let m = login_throttled(
            de(),
            "https://portal.test",
            "a@example.com",
            5,
            Duration::from_secs(299),
        );
        assert!(
            m.text.contains("5-mal hintereinander")
                && m.text.contains("für 4 Minuten 59 Sekunden pausiert"),
            "{}",
            m.text
        );
    }

    #[test]
    fn plurals_come_from_the_message_files() {
        let used = |remaining| {
            factor_changed(
                EN,
                "https://portal.test",
                "a@example.com",
                FactorChange::RecoveryCodeUsed { remaining },
            )
            .text
        };
        assert!(used(1).contains("1 unused code remains;"), "{}", used(1));
        assert!(used(9).contains("9 unused codes remain;"), "{}", used(9));
    }

    #[test]
    fn every_value_and_the_messages_own_words_are_escaped_in_html() {
        assert_eq!(
            html(
                EN,
                "mail-exists-tried",
                &[("email", Html::Text("<a@b>\u{e000}0\u{e001}"))]
            ),
            "Someone tried to create a new OTP Portal account with &lt;a@b&gt;\u{e000}0\u{e001}, \
             which already has one."
        );
        let m = password_changed(EN, "https://portal.test", "a@example.com");
        assert!(m.html.contains("mailbox&#39;s security"), "{}", m.html);
        assert!(
            m.html.contains(
                "<a href=\"https://portal.test/forgot-password\">reset your password now</a>"
            ),
            "{}",
            m.html
        );
    }
}
