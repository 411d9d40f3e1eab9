//! One module per route.

mod change_password;
mod dashboard;
mod forgot_password;
mod login;
mod not_found;
mod register;
mod reset_password;
mod verify;

pub use dashboard::Dashboard;
pub use forgot_password::ForgotPassword;
pub use login::Login;
pub use not_found::NotFound;
pub use register::Register;
pub use reset_password::ResetPassword;
pub use verify::Verify;

use serde::{Deserialize, Serialize};
use yew_router::history::Location;

/// What `/verify` and `/reset-password` are opened with: the client's own redirects put the address
/// (and a reason) in the query; the e-mailed links put the address and code in the fragment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why the person was sent here: `unverified` after a sign-in of an unconfirmed account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl CodeQuery {
    /// Reads a URL's query (`?…`) and fragment (`#…`), each with or without its leading character. The
    /// address and code come from the fragment (`#email=…&code=…`, which never reaches a server), or,
    /// for links mailed before, from the query; `reason` only from the query. Blank values count as
    /// absent; anything unreadable is ignored.
    pub fn from_url(query: &str, fragment: &str) -> Self {
        let query = Self::parse(query.strip_prefix('?').unwrap_or(query));
        let fragment = Self::parse(fragment.strip_prefix('#').unwrap_or(fragment));
        let link = if fragment.email.is_some() || fragment.code.is_some() {
            fragment
        } else {
            query.clone()
        };
        Self {
            email: link.email,
            code: link.code,
            reason: query.reason,
        }
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
            reason: present(parsed.reason),
        }
    }
}

/// The query of `/login`: a message to show after a redirect.
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
            reason: reason.map(str::to_owned),
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
