//! The registration token of each address this tab registered, kept in sessionStorage under the
//! lower-cased address: the verify page sends it to prove that it is the party that chose the password.
//! Tab-scoped (another tab or device asks for the password instead), it survives a reload of the verify
//! page and is removed once the address is verified. Never in localStorage.

use gloo_storage::{SessionStorage, Storage};

const PREFIX: &str = "otp-portal.registration-token.";

/// The storage key of `email`'s token: addresses are compared ignoring case, as the server does.
pub fn key(email: &str) -> String {
    format!("{PREFIX}{}", email.trim().to_lowercase())
}

pub fn save(email: &str, token: &str) {
    // Storage can be full or disabled (private windows): the page then asks for the password instead.
    let _ = SessionStorage::set(key(email), token);
}

/// The token of the registration this tab made for `email`, if any.
pub fn load(email: &str) -> Option<String> {
    if email.trim().is_empty() {
        return None;
    }
    SessionStorage::get::<String>(key(email))
        .ok()
        .filter(|token| !token.is_empty())
}

/// The registration is done with (verified, or lost to another one): its token is of no more use.
pub fn forget(email: &str) {
    SessionStorage::delete(key(email));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_has_one_key_whatever_its_case_and_surrounding_blanks() {
        assert_eq!(
            key("Ada.Lovelace@Example.COM"),
            "otp-portal.registration-token.ada.lovelace@example.com"
        );
        assert_eq!(key(" ada@example.com\t"), key("ADA@EXAMPLE.COM"));
        assert_ne!(key("ada@example.com"), key("bob@example.com"));
    }

    #[test]
    fn non_ascii_letters_are_lower_cased_too() {
        assert_eq!(key("ÅSA@example.com"), key("åsa@example.com"));
    }
}
