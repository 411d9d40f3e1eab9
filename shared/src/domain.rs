//! Domain values that are valid by construction: `parse` is the only way in, so a `Username` or an `Email`
//! held anywhere in the program has already passed every rule. The browser runs the same parsers.

use std::fmt;

/// Why a value was refused, in words meant for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

pub const USERNAME_MIN_LEN: usize = 3;
pub const USERNAME_MAX_LEN: usize = 32;
pub const PASSWORD_MIN_LEN: usize = 8;
pub const PASSWORD_MAX_LEN: usize = 128;
/// RFC 5321 limits a forward path to 256 octets including the angle brackets.
pub const EMAIL_MAX_LEN: usize = 254;
pub const OTP_CODE_LEN: usize = 6;

/// 3 to 32 of `[A-Za-z0-9_.-]`; unique ignoring case, so it also has a canonical lower-case key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        let len = name.chars().count();
        if !(USERNAME_MIN_LEN..=USERNAME_MAX_LEN).contains(&len) {
            return Err(Invalid::new(format!(
                "must be {USERNAME_MIN_LEN} to {USERNAME_MAX_LEN} characters long"
            )));
        }
        if let Some(bad) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        {
            return Err(Invalid::new(format!(
                "may only contain letters, digits, '_', '.' and '-' (found {bad:?})"
            )));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two usernames are compared by.
    pub fn canonical(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A deliverable-looking address: RFC 5322 syntax, no display name, no IP literal, a domain with a dot.
/// The domain is stored lower-cased; the whole address is compared ignoring case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let address = raw.trim();
        if address.is_empty() {
            return Err(Invalid::new("is required"));
        }
        if address.len() > EMAIL_MAX_LEN {
            return Err(Invalid::new(format!(
                "must be at most {EMAIL_MAX_LEN} characters long"
            )));
        }
        let options = email_address::Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
            allow_long_local_parts: false,
        };
        let parsed = email_address::EmailAddress::parse_with_options(address, options)
            .map_err(|_| Invalid::new("is not a valid e-mail address"))?;
        let (local, domain) = (parsed.local_part(), parsed.domain());
        if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
            return Err(Invalid::new("is not a valid e-mail address"));
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key two addresses are compared by.
    pub fn canonical(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key a login typed at sign-in (a username or an address) is looked up, throttled and recorded by:
/// trimmed, lower-cased and cut to [`EMAIL_MAX_LEN`] characters, so that no input of any length is stored.
/// No username or address is longer, so the cut never changes a real login.
pub fn login_key(login: &str) -> String {
    login
        .trim()
        .to_lowercase()
        .chars()
        .take(EMAIL_MAX_LEN)
        .collect()
}

/// 8 to 128 characters (not bytes), taken exactly as typed: no trimming, no composition rules
/// (NIST SP 800-63B). Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let len = raw.chars().count();
        if len < PASSWORD_MIN_LEN {
            return Err(Invalid::new(format!(
                "must be at least {PASSWORD_MIN_LEN} characters long"
            )));
        }
        if len > PASSWORD_MAX_LEN {
            return Err(Invalid::new(format!(
                "must be at most {PASSWORD_MAX_LEN} characters long"
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

/// Six decimal digits. Spaces and hyphens people type or paste between groups are dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let digits: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if digits.len() != OTP_CODE_LEN || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::new(format!("must be {OTP_CODE_LEN} digits")));
        }
        Ok(Self(digits))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OtpCode([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usernames_outside_the_length_bounds_are_refused() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert!(Username::parse(&"a".repeat(33)).is_err());
    }

    #[test]
    fn usernames_with_other_characters_are_refused() {
        for bad in ["al ice", "alice!", "élodie", "a/b/c", "名前名前"] {
            assert!(Username::parse(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(
            Username::parse("Alice.B_c-9").map(|u| u.canonical()),
            Ok("alice.b_c-9".into())
        );
    }

    #[test]
    fn emails_are_checked_and_their_domain_lowercased() {
        assert_eq!(
            Email::parse(" Alice@Example.COM ").map(|e| e.as_str().to_owned()),
            Ok("Alice@example.com".into())
        );
        assert_eq!(
            Email::parse("Alice@Example.COM").map(|e| e.canonical()),
            Ok("alice@example.com".into())
        );
        for bad in [
            "",
            "alice",
            "alice@",
            "@example.com",
            "alice@localhost",
            "alice@[127.0.0.1]",
            "Alice <alice@example.com>",
            "alice@example..com",
            "al ice@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn passwords_count_characters_not_bytes() {
        assert!(Password::parse("1234567").is_err());
        assert!(Password::parse("12345678").is_ok());
        // Eight characters, sixteen bytes.
        assert!(Password::parse("ééééßßßß").is_ok());
        assert!(Password::parse(&"x".repeat(128)).is_ok());
        assert!(Password::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let password = Password::parse("correct horse battery").unwrap();
        let code = OtpCode::parse("123456").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
        assert!(!format!("{code:?}").contains("123456"));
    }

    #[test]
    fn codes_are_six_digits_with_separators_dropped() {
        assert_eq!(
            OtpCode::parse("123 456").map(|c| c.expose().to_owned()),
            Ok("123456".into())
        );
        assert_eq!(
            OtpCode::parse("123-456").map(|c| c.expose().to_owned()),
            Ok("123456".into())
        );
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
            assert!(OtpCode::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_login_key_is_trimmed_and_lower_cased() {
        assert_eq!(login_key("  Alice@Example.COM \n"), "alice@example.com");
        assert_eq!(login_key("Bob_1"), "bob_1");
        assert_eq!(login_key(""), "");
    }

    #[test]
    fn a_login_key_is_cut_to_the_longest_address() {
        assert_eq!(login_key(&"A".repeat(10_000)), "a".repeat(EMAIL_MAX_LEN));
        // Cut on character boundaries, and counted after lower-casing (`İ` becomes two characters).
        assert_eq!(login_key(&"é".repeat(300)), "é".repeat(EMAIL_MAX_LEN));
        assert_eq!(login_key(&"İ".repeat(200)).chars().count(), EMAIL_MAX_LEN);
        let longest = format!("{}@example.com", "a".repeat(EMAIL_MAX_LEN - 12));
        assert_eq!(login_key(&longest), longest, "a real address is never cut");
    }

    proptest! {
        #[test]
        fn a_login_key_is_a_bounded_prefix_of_the_lower_cased_login(raw in "\\PC{0,400}") {
            let key = login_key(&raw);
            prop_assert!(key.chars().count() <= EMAIL_MAX_LEN);
            prop_assert!(raw.trim().to_lowercase().starts_with(&key));
        }

        #[test]
        fn any_valid_username_round_trips(name in "[A-Za-z0-9_.-]{3,32}") {
            let parsed = Username::parse(&name).unwrap();
            prop_assert_eq!(parsed.as_str(), name.as_str());
            prop_assert_eq!(parsed.canonical(), name.to_ascii_lowercase());
        }

        #[test]
        fn username_parsing_never_panics(raw in "\\PC{0,64}") {
            let _ = Username::parse(&raw);
        }

        #[test]
        fn email_parsing_never_panics_and_accepted_addresses_reparse(raw in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
        }

        #[test]
        fn plausible_addresses_are_accepted(
            local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]",
            domain in "[a-z0-9]{1,20}\\.[a-z]{2,10}",
        ) {
            prop_assume!(!local.contains(".."));
            let raw = format!("{local}@{domain}");
            prop_assert!(Email::parse(&raw).is_ok(), "{} refused", raw);
        }

        #[test]
        fn any_six_digits_are_a_code(code in "[0-9]{6}") {
            let parsed = OtpCode::parse(&code).unwrap();
            prop_assert_eq!(parsed.expose(), code.as_str());
        }

        #[test]
        fn password_length_rule_matches_character_count(raw in "\\PC{0,140}") {
            let n = raw.chars().count();
            prop_assert_eq!(Password::parse(&raw).is_ok(), (8..=128).contains(&n));
        }
    }
}
