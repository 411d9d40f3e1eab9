//! Password policy after NIST SP 800-63B: length (checked by `shared::domain::Password`), no composition
//! rules, and no password that is common, guessable, or made of the account's own name or address.

use shared::domain::{Email, Password, Username};
use zxcvbn::Score;

/// Why a password was refused, in words for the person choosing it.
pub fn check(
    password: &Password,
    username: Option<&Username>,
    email: &Email,
    min_score: u8,
) -> Result<(), String> {
    let lower = password.expose().to_lowercase();
    let local_part = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or_default()
        .to_lowercase();
    if let Some(name) = username {
        let name = name.canonical();
        if name.len() >= 3 && lower.contains(&name) {
            return Err("must not contain your username".into());
        }
    }
    if local_part.len() >= 3 && lower.contains(&local_part) {
        return Err("must not contain your e-mail address".into());
    }
    let mut inputs = vec![email.as_str(), local_part.as_str()];
    let name = username.map(Username::as_str).unwrap_or_default();
    if !name.is_empty() {
        inputs.push(name);
    }
    let estimate = zxcvbn::zxcvbn(password.expose(), &inputs);
    if u8::from(estimate.score()) >= min_score.min(u8::from(Score::Four)) {
        return Ok(());
    }
    let mut why = String::from("is too easy to guess");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            why.push_str(&format!(": {}", warning.to_string().trim_end_matches('.')));
        }
        why.push('.');
        if let Some(suggestion) = feedback.suggestions().first() {
            why.push_str(&format!(" {suggestion}"));
        }
    } else {
        why.push_str(". Add another word or two; uncommon words are better.");
    }
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(password: &str, username: &str, email: &str) -> Result<(), String> {
        check(
            &Password::parse(password).unwrap(),
            Some(&Username::parse(username).unwrap()),
            &Email::parse(email).unwrap(),
            3,
        )
    }

    #[test]
    fn common_passwords_are_refused_with_a_reason() {
        for weak in [
            "password",
            "12345678",
            "qwertyuiop",
            "iloveyou1",
            "Password1!",
            "aaaaaaaa",
        ] {
            let why = verdict(weak, "alice", "alice@example.com").unwrap_err();
            assert!(why.starts_with("is too easy to guess"), "{weak}: {why}");
        }
    }

    #[test]
    fn passphrases_pass() {
        for strong in [
            "correct horse battery staple",
            "a brand new passphrase",
            "vP9#mQ2!xL7@",
        ] {
            assert_eq!(
                verdict(strong, "alice", "alice@example.com"),
                Ok(()),
                "{strong}"
            );
        }
    }

    #[test]
    fn the_username_or_address_inside_the_password_is_refused() {
        let why = verdict(
            "my name is alice-the-great",
            "alice-the-great",
            "a@example.com",
        )
        .unwrap_err();
        assert_eq!(why, "must not contain your username");
        let why = verdict("bobsmith rocks 2026!", "someone", "BobSmith@example.com").unwrap_err();
        assert_eq!(why, "must not contain your e-mail address");
    }
}
