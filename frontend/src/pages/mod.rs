//! One module per route (the admin pages in their own folder).

mod account_data;
pub mod admin;
mod change_password;
mod dashboard;
mod forgot_password;
mod login;
mod login_code;
mod not_found;
mod register;
mod reset_password;
mod second_factor;
mod security;
mod verify;

pub use dashboard::Dashboard;
pub use forgot_password::ForgotPassword;
pub use login::Login;
pub use login_code::LoginCode;
pub use not_found::NotFound;
pub use register::Register;
pub use reset_password::ResetPassword;
pub use security::Security;
pub use verify::Verify;

use std::fmt;

use serde::{Deserialize, Serialize};
use shared::domain::Email;
use yew::prelude::*;
use yew_router::history::Location;
use yew_router::hooks::use_location;

use crate::code::{boxes_from, joined};

/// What `/verify` and `/reset-password` are opened with: the client's own redirects put the address
/// (and a reason) in the query; the e-mailed links put the address, the code and the link token in the
/// fragment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The mailed link's `link` value: the token the server derived from the code, which lets that code
    /// through even while the address refuses 6-digit codes alone (see [`LinkToken`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Why the person was sent here: `unverified` after a sign-in of an unconfirmed account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl CodeQuery {
    /// Reads a URL's query (`?…`) and fragment (`#…`), each with or without its leading character. The
    /// address, code and link token come from the fragment (`#email=…&code=…&link=…`, which never
    /// reaches a server), or, for links mailed before, the address and code from the query (those links
    /// had no token, and a token is never read from a query, which servers log); `reason` only from the
    /// query. Blank values count as absent, and so does a `link` that cannot be a token; anything
    /// unreadable is ignored.
    pub fn from_url(query: &str, fragment: &str) -> Self {
        let query = Self::parse(query.strip_prefix('?').unwrap_or(query));
        let fragment = Self::parse(fragment.strip_prefix('#').unwrap_or(fragment));
        let link = if fragment.email.is_some() || fragment.code.is_some() {
            fragment
        } else {
            Self {
                link: None,
                ..query.clone()
            }
        };
        Self {
            email: link.email,
            code: link.code,
            link: link.link,
            reason: query.reason,
        }
    }

    /// A mailed link's fragment (one with an address or a code) without its `#`; `None` for any other
    /// fragment, such as the skip link's `#main`.
    pub fn mailed_link_fragment(fragment: &str) -> Option<String> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let parsed = Self::parse(fragment);
        (parsed.email.is_some() || parsed.code.is_some()).then(|| fragment.to_owned())
    }

    /// The query and fragment of the current page.
    pub fn of(location: Option<&Location>) -> Self {
        location
            .map(|l| Self::from_url(l.query_str(), l.hash()))
            .unwrap_or_default()
    }

    fn parse(text: &str) -> Self {
        let parsed: Self = serde_urlencoded::from_str(text).unwrap_or_default();
        let present = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        Self {
            email: present(parsed.email),
            code: present(parsed.code),
            link: present(parsed.link).filter(|t| could_be_link_token(t)),
            reason: present(parsed.reason),
        }
    }
}

/// A key for a page that mailed links open, which changes with each mailed link opened in this tab. A
/// link opened while its page is showing (pasted into the address bar, say) changes only the fragment, so
/// the browser loads nothing and the page, which reads its link once, would keep the previous code and
/// state; keyed by this, it starts afresh from the new link. Other fragments (`#main`) keep the key.
#[hook]
pub fn use_mailed_link_key() -> String {
    let location = use_location();
    let latest = use_mut_ref(String::new);
    if let Some(fragment) = location
        .as_ref()
        .and_then(|l| CodeQuery::mailed_link_fragment(l.hash()))
    {
        *latest.borrow_mut() = fragment;
    }
    let key = latest.borrow().clone();
    key
}

/// The longest link token the server reads (its real ones are 22 characters of base64url).
const LINK_TOKEN_MAX_LEN: usize = 128;

/// Base64url of at most the length the server accepts: anything else is a mangled link, and sending it
/// would only earn a refusal of the whole request.
fn could_be_link_token(text: &str) -> bool {
    text.len() <= LINK_TOKEN_MAX_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The mailed link's token with the address and code it came with. The server derives the token from
/// that one code of that one address, so it goes out only beside that code: once the person types
/// another code, or another address, it stays home; once a new code is sent, the page drops it.
#[derive(Clone, PartialEq)]
pub struct LinkToken {
    /// The address as the server compares it.
    email: String,
    /// The code as the code boxes hold it.
    code: String,
    token: String,
}

impl LinkToken {
    /// The token of a link that carries an address, a code and a token; `None` for anything less.
    pub fn of(query: &CodeQuery) -> Option<Self> {
        let email = Email::parse(query.email.as_deref()?).ok()?.canonical();
        let code = joined(&boxes_from(query.code.as_deref()?));
        let token = query.link.clone()?;
        Some(Self { email, code, token })
    }

    /// The `link_token` to send with `code` for `email`: this token while they are still the link's
    /// address and code, else none.
    pub fn for_code(&self, email: &str, code: &str) -> Option<String> {
        let same_address = Email::parse(email).is_ok_and(|e| e.canonical() == self.email);
        (same_address && code == self.code).then(|| self.token.clone())
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkToken")
            .field("email", &self.email)
            .field("code", &"[REDACTED]")
            .field("token", &"[REDACTED]")
            .finish()
    }
}

/// The query of `/login` and `/register`: a message to show after a redirect.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(email: Option<&str>, code: Option<&str>, reason: Option<&str>) -> CodeQuery {
        CodeQuery {
            email: email.map(str::to_owned),
            code: code.map(str::to_owned),
            link: None,
            reason: reason.map(str::to_owned),
        }
    }

    const TOKEN: &str = "q3Zr-8_Jx0bWfTnK2LmP4A";

    fn with_link(query: CodeQuery, link: &str) -> CodeQuery {
        CodeQuery {
            link: Some(link.to_owned()),
            ..query
        }
    }

    #[test]
    fn a_mailed_link_carries_address_and_code_in_the_fragment() {
        assert_eq!(
            CodeQuery::from_url("", "#email=a%2Bb%40example.com&code=042917"),
            query(Some("a+b@example.com"), Some("042917"), None)
        );
        // The leading '#' is optional, and the order does not matter.
        assert_eq!(
            CodeQuery::from_url("", "code=042917&email=ada%40example.com"),
            query(Some("ada@example.com"), Some("042917"), None)
        );
    }

    #[test]
    fn a_mailed_link_carries_its_link_token_in_the_fragment() {
        assert_eq!(
            CodeQuery::from_url(
                "",
                &format!("#email=ada%40example.com&code=042917&link={TOKEN}")
            ),
            with_link(query(Some("ada@example.com"), Some("042917"), None), TOKEN)
        );
        // Beside a reason from the query, and in any order.
        assert_eq!(
            CodeQuery::from_url(
                "?reason=unverified",
                &format!("link={TOKEN}&code=042917&email=ada%40example.com")
            ),
            with_link(
                query(Some("ada@example.com"), Some("042917"), Some("unverified")),
                TOKEN
            )
        );
    }

    #[test]
    fn a_link_token_is_never_read_from_the_query() {
        assert_eq!(
            CodeQuery::from_url(
                &format!("?email=ada%40example.com&code=042917&link={TOKEN}"),
                ""
            ),
            query(Some("ada@example.com"), Some("042917"), None)
        );
        // Nor from a fragment that is no mailed link (no address, no code).
        assert_eq!(
            CodeQuery::from_url("?email=ada%40example.com", &format!("#link={TOKEN}")),
            query(Some("ada@example.com"), None, None)
        );
    }

    #[test]
    fn a_link_value_that_cannot_be_a_token_is_left_out() {
        let long = "A".repeat(129);
        for bad in [
            "%20",
            "not+a+token",
            "abc%2Fdef",
            "abc%3D",
            "%C3%A9t%C3%A9",
            long.as_str(),
        ] {
            assert_eq!(
                CodeQuery::from_url(
                    "",
                    &format!("#email=ada%40example.com&code=042917&link={bad}")
                ),
                query(Some("ada@example.com"), Some("042917"), None),
                "{bad:?}"
            );
        }
        let longest = "A".repeat(128);
        assert_eq!(
            CodeQuery::from_url(
                "",
                &format!("#email=ada%40example.com&code=042917&link={longest}")
            )
            .link
            .as_deref(),
            Some(longest.as_str())
        );
    }

    fn mailed_link() -> LinkToken {
        let query = CodeQuery::from_url(
            "",
            &format!("#email=Ada%40Example.com&code=042917&link={TOKEN}"),
        );
        LinkToken::of(&query).expect("a link with address, code and token")
    }

    #[test]
    fn the_link_token_goes_with_the_code_of_its_link() {
        let link = mailed_link();
        assert_eq!(
            link.for_code("Ada@Example.com", "042917").as_deref(),
            Some(TOKEN)
        );
        // The server compares addresses ignoring case and surrounding blanks; so does the client.
        assert_eq!(
            link.for_code(" ada@example.COM ", "042917").as_deref(),
            Some(TOKEN)
        );
    }

    #[test]
    fn the_link_token_stays_home_once_the_code_or_address_is_not_the_links() {
        let link = mailed_link();
        // An edited code, a half-typed one, an emptied one: the token is not theirs.
        for code in ["042918", "04291", "", "142917"] {
            assert_eq!(link.for_code("ada@example.com", code), None, "{code:?}");
        }
        // Another address (or no valid one): the token is bound to the link's address too.
        for email in ["bob@example.com", "ada@example.org", "ada", ""] {
            assert_eq!(link.for_code(email, "042917"), None, "{email:?}");
        }
    }

    #[test]
    fn only_a_link_with_address_code_and_token_has_a_link_token() {
        for fragment in [
            "#email=ada%40example.com&code=042917".to_owned(),
            format!("#email=ada%40example.com&link={TOKEN}"),
            format!("#code=042917&link={TOKEN}"),
            format!("#email=not-an-address&code=042917&link={TOKEN}"),
        ] {
            assert_eq!(
                LinkToken::of(&CodeQuery::from_url("", &fragment)),
                None,
                "{fragment}"
            );
        }
        // The code is compared as the boxes hold it: a link's "042 917" is the code 042917.
        let spaced = CodeQuery::from_url(
            "",
            &format!("#email=ada%40example.com&code=042%20917&link={TOKEN}"),
        );
        let link = LinkToken::of(&spaced).unwrap();
        assert_eq!(
            link.for_code("ada@example.com", "042917").as_deref(),
            Some(TOKEN)
        );
    }

    #[test]
    fn a_link_token_never_shows_in_debug_output() {
        let shown = format!("{:?}", mailed_link());
        assert!(!shown.contains(TOKEN), "{shown}");
        assert!(!shown.contains("042917"), "{shown}");
    }

    #[test]
    fn only_a_mailed_links_fragment_keys_its_page() {
        let link = format!("email=ada%40example.com&code=042917&link={TOKEN}");
        assert_eq!(
            CodeQuery::mailed_link_fragment(&format!("#{link}")),
            Some(link.clone())
        );
        assert_eq!(
            CodeQuery::mailed_link_fragment("code=042917").as_deref(),
            Some("code=042917")
        );
        for other in ["", "#", "#main", &format!("#link={TOKEN}"), "#email=&code="] {
            assert_eq!(CodeQuery::mailed_link_fragment(other), None, "{other:?}");
        }
    }

    #[test]
    fn links_mailed_before_the_fragment_still_prefill_from_the_query() {
        assert_eq!(
            CodeQuery::from_url("?email=ada%40example.com&code=042917", ""),
            query(Some("ada@example.com"), Some("042917"), None)
        );
    }

    #[test]
    fn the_fragment_wins_over_the_query_as_a_whole() {
        assert_eq!(
            CodeQuery::from_url(
                "?email=old%40example.com&code=111111&reason=unverified",
                "#email=new%40example.com"
            ),
            query(Some("new@example.com"), None, Some("unverified"))
        );
    }

    #[test]
    fn the_reason_comes_only_from_the_query() {
        assert_eq!(
            CodeQuery::from_url("?email=ada%40example.com&reason=unverified", ""),
            query(Some("ada@example.com"), None, Some("unverified"))
        );
        assert_eq!(
            CodeQuery::from_url("", "#reason=unverified&code=123456"),
            query(None, Some("123456"), None)
        );
    }

    #[test]
    fn blank_unrelated_or_unreadable_urls_prefill_nothing() {
        for (q, f) in [
            ("", ""),
            ("?", "#"),
            ("", "#main"),
            ("?email=&code=%20", ""),
            ("", "#email=a%40example.com&email=b%40example.com"),
        ] {
            assert_eq!(
                CodeQuery::from_url(q, f),
                CodeQuery::default(),
                "{q:?} {f:?}"
            );
        }
    }

    #[test]
    fn the_clients_own_redirects_still_write_a_query() {
        let redirect = query(Some("ada@example.com"), None, Some("unverified"));
        let written = serde_urlencoded::to_string(&redirect).unwrap();
        assert_eq!(written, "email=ada%40example.com&reason=unverified");
        assert_eq!(CodeQuery::from_url(&written, ""), redirect);
    }
}
