//! Words for the person at the keyboard: a message for every problem `code` the server can send, the
//! field it belongs next to, and the live checks of the form fields (the shared crate's own parsers).

use shared::api::FactorCode;
use shared::domain::{Email, Invalid, OtpCode, Password, Username};
use shared::problem::{Problem, ProblemCode};

use crate::countdown::spoken;
use crate::factor::CodeKind;

/// The status the client gives a problem it made itself because the server could not be reached.
pub const NETWORK_STATUS: u16 = 0;

/// A problem for a request that never got an answer.
pub fn network_problem() -> Problem {
    let mut problem = Problem::new(ProblemCode::ServiceUnavailable);
    problem.status = NETWORK_STATUS;
    problem
}

/// A problem for an error answer without a readable problem body (a proxy's HTML page, say).
pub fn problem_for_status(status: u16) -> Problem {
    let code = match status {
        400 => ProblemCode::MalformedJson,
        401 => ProblemCode::Unauthorized,
        404 => ProblemCode::NotFound,
        405 => ProblemCode::MethodNotAllowed,
        413 => ProblemCode::PayloadTooLarge,
        415 => ProblemCode::UnsupportedMediaType,
        428 => ProblemCode::CaptchaRequired,
        429 => ProblemCode::RateLimited,
        502..=504 => ProblemCode::ServiceUnavailable,
        _ => ProblemCode::InternalError,
    };
    let mut problem = Problem::new(code);
    problem.status = status;
    problem
}

/// The form field a problem is about, so that its message is shown next to it; `None` for a banner.
pub fn field_of(code: ProblemCode) -> Option<&'static str> {
    match code {
        ProblemCode::UsernameTaken => Some("username"),
        ProblemCode::InvalidCode | ProblemCode::CodeExpired | ProblemCode::TooManyAttempts => {
            Some("code")
        }
        ProblemCode::InvalidCredentials => Some("password"),
        _ => None,
    }
}

fn wait(problem: &Problem) -> String {
    match problem.retry_after {
        Some(secs) if secs > 0 => format!("in {}", spoken(secs)),
        _ => "in a moment".to_owned(),
    }
}

/// A wait of up to a day in the words a person would use: minutes under two hours, hours after.
fn roughly(secs: u64) -> String {
    if secs < 2 * 3600 {
        spoken(secs.div_ceil(60) * 60)
    } else {
        format!("about {} hours", secs.div_ceil(3600))
    }
}

/// One sentence or two for `problem`, in plain words, naming what to do next.
pub fn problem_message(problem: &Problem) -> String {
    if problem.status == NETWORK_STATUS {
        return "Could not reach the server. Check your connection and try again.".to_owned();
    }
    match problem.code {
        ProblemCode::ValidationFailed => "Please correct the fields marked below.".to_owned(),
        ProblemCode::UsernameTaken => {
            "This username is already taken. Please choose another one.".to_owned()
        }
        ProblemCode::AlreadyRegistered => {
            "This address already has an account. Sign in, or reset the password if you forgot it."
                .to_owned()
        }
        ProblemCode::MfaAlreadyEnabled => {
            "The authenticator app is already on for this account. To set up another one, turn it off \
             first."
                .to_owned()
        }
        ProblemCode::MfaNotSetUp => {
            "This set-up has expired or was replaced. Please start again and scan the new QR code."
                .to_owned()
        }
        ProblemCode::RateLimited => format!(
            "Too many attempts in a short time. Please try again {}.",
            wait(problem)
        ),
        ProblemCode::InvalidCode => match problem.attempts_remaining {
            Some(1) => "That code is not right. 1 attempt left for this code.".to_owned(),
            Some(n) => format!("That code is not right. {n} attempts left for this code."),
            None => "That code is not right. Check the e-mail and try again.".to_owned(),
        },
        ProblemCode::CodeExpired => {
            "This code has expired or was replaced by a newer one. Send a new code, or start over."
                .to_owned()
        }
        // With `attempts_remaining: 0` this code had its five wrong tries; without it the address had
        // its twenty a day, and refuses 6-digit codes alone until then. The mailed link's token still
        // gets through, so that is what the person is sent to.
        ProblemCode::TooManyAttempts => match (problem.attempts_remaining, problem.retry_after) {
            (Some(_), _) | (None, Some(0)) => {
                "Too many wrong codes: this code no longer works. Send a new code.".to_owned()
            }
            (None, wait) => {
                let mut message = "Too many wrong codes for this address. Open the link in the newest \
                                   e-mail we sent (or ask for a new code and open its link)."
                    .to_owned();
                if let Some(secs) = wait {
                    message.push_str(&format!(
                        " Codes typed in by hand work again in {}.",
                        roughly(secs)
                    ));
                }
                message
            }
        },
        ProblemCode::ResendCooldown => format!(
            "A code was sent a moment ago. You can ask for another one {}.",
            wait(problem)
        ),
        ProblemCode::InvalidCredentials => {
            "The username, e-mail address or password is not right.".to_owned()
        }
        ProblemCode::EmailNotVerified => {
            "Your e-mail address is not confirmed yet. Enter the code we sent you, or send a new one."
                .to_owned()
        }
        ProblemCode::InvalidToken | ProblemCode::Unauthorized => {
            "Your session has ended. Please sign in again.".to_owned()
        }
        ProblemCode::AccountDisabled => {
            "This account has been disabled by an administrator, so it cannot sign in.".to_owned()
        }
        ProblemCode::Forbidden => "This page is for administrators only.".to_owned(),
        ProblemCode::MfaRequired => {
            "Administration needs the authenticator app on your account. Turn it on on the security \
             page, then come back."
                .to_owned()
        }
        // The client solves the puzzle by itself; these reach the person only when that failed.
        ProblemCode::CaptchaRequired => {
            "We could not finish checking that you're not a robot. Please wait a minute and try again."
                .to_owned()
        }
        ProblemCode::CaptchaInvalid => {
            "The check that you're not a robot did not go through. Please try again.".to_owned()
        }
        ProblemCode::CsrfHeaderRequired
        | ProblemCode::MalformedJson
        | ProblemCode::PayloadTooLarge
        | ProblemCode::UnsupportedMediaType
        | ProblemCode::MethodNotAllowed => {
            "The server could not read this request. Reload the page and try again.".to_owned()
        }
        ProblemCode::NotFound => "That no longer exists. Reload the page.".to_owned(),
        ProblemCode::ServiceUnavailable => {
            "The service is busy right now. Please try again in a few seconds.".to_owned()
        }
        ProblemCode::InternalError => {
            "Something went wrong on our side. Please try again.".to_owned()
        }
        // `Unknown`, and the codes the server learns before this client does: its own words.
        #[allow(unreachable_patterns)]
        _ => problem
            .detail
            .clone()
            .unwrap_or_else(|| "Something unexpected happened. Please try again.".to_owned()),
    }
}

/// How the proof that this is the registering party is given on the verify page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// The registration token this tab keeps.
    Token,
    /// The password chosen at registration, typed on another device.
    Password,
}

/// `problem_message` for an answer to verify-email, where some codes mean something more precise: a
/// taken username means another registration of that name was confirmed first, and with a password
/// a wrong one is refused like a wrong code.
pub fn verify_problem_message(problem: &Problem, proof: Proof) -> String {
    match (problem.code, proof) {
        (ProblemCode::UsernameTaken, _) => {
            "Someone else confirmed an account with this username first, so this registration cannot \
             be completed. Please register again with another username."
                .to_owned()
        }
        (ProblemCode::InvalidCode, Proof::Password) => match problem.attempts_remaining {
            Some(1) => {
                "The code or the password is not right. 1 attempt left for this code.".to_owned()
            }
            Some(n) => {
                format!("The code or the password is not right. {n} attempts left for this code.")
            }
            None => "The code or the password is not right. Check both and try again.".to_owned(),
        },
        _ => problem_message(problem),
    }
}

/// `problem_message` for an answer to a call that took a code of the second factor (signing in, turning
/// the app on or off, new recovery codes): a wrong code is the app's or a recovery code, not a mailed one.
pub fn factor_problem_message(problem: &Problem, kind: CodeKind) -> String {
    match problem.code {
        ProblemCode::InvalidCode => {
            let what = match kind {
                CodeKind::App => {
                    "That code is not right. Enter the code your authenticator app shows now (it changes \
                     every 30 seconds)."
                }
                CodeKind::Recovery => {
                    "That recovery code is not right, or it was used before. Each one works once."
                }
            };
            // Only the second step of a sign-in counts its tries; elsewhere the server says 0.
            match problem.attempts_remaining {
                Some(1) => format!("{what} 1 attempt left."),
                Some(n) if n > 1 => format!("{what} {n} attempts left."),
                _ => what.to_owned(),
            }
        }
        ProblemCode::InvalidToken => {
            "This sign-in took too long or had too many wrong codes. Please start again.".to_owned()
        }
        _ => problem_message(problem),
    }
}

/// The messages of a `validation_failed` answer to a call that took the password and a code of the
/// second factor: the server refuses a wrong password that way.
pub fn password_and_code_errors(problem: &Problem) -> Vec<(String, String)> {
    problem
        .errors
        .iter()
        .map(|(field, messages)| {
            let text = match field.as_str() {
                "password" if messages.iter().all(|m| m == "is required") => {
                    "Password is required.".to_owned()
                }
                "password" => "That is not your password.".to_owned(),
                "code" => FACTOR_CODE_SENTENCE.to_owned(),
                _ => messages
                    .iter()
                    .map(|m| field_sentence(field, m))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            (field.clone(), text)
        })
        .collect()
}

const FACTOR_CODE_SENTENCE: &str =
    "Enter the 6 digits from your authenticator app, or one of your recovery codes.";

/// How a request field is named on the page.
pub fn label_of(field: &str) -> &'static str {
    match field {
        "username" => "Username",
        "email" => "E-mail address",
        "password" | "new_password" => "Password",
        "current_password" => "Current password",
        "code" => "Code",
        "login" => "Username or e-mail address",
        _ => "This field",
    }
}

/// "Username must be 3 to 32 characters long." from the parser's "must be 3 to 32 characters long".
pub fn field_sentence(field: &str, message: &str) -> String {
    match (field, message) {
        ("email", "is not a valid e-mail address") => {
            "Enter an e-mail address like name@example.com.".to_owned()
        }
        ("code", _) => "Enter the 6 digits of the code.".to_owned(),
        ("current_password", "is not your current password") => {
            "That is not your current password.".to_owned()
        }
        _ => format!("{} {message}.", label_of(field)),
    }
}

/// The messages of a `validation_failed` problem, one sentence per field.
pub fn field_errors(problem: &Problem) -> Vec<(String, String)> {
    problem
        .errors
        .iter()
        .map(|(field, messages)| {
            let text = messages
                .iter()
                .map(|m| field_sentence(field, m))
                .collect::<Vec<_>>()
                .join(" ");
            (field.clone(), text)
        })
        .collect()
}

fn check<T>(field: &str, result: Result<T, Invalid>) -> Option<String> {
    result.err().map(|e| field_sentence(field, &e.0))
}

/// Live checks as the person types: the very rules the server applies.
pub fn check_username(value: &str) -> Option<String> {
    check("username", Username::parse(value))
}

pub fn check_email(value: &str) -> Option<String> {
    check("email", Email::parse(value))
}

pub fn check_password(value: &str) -> Option<String> {
    check("password", Password::parse(value))
}

pub fn check_code(value: &str) -> Option<String> {
    check("code", OtpCode::parse(value))
}

/// A recovery code as typed: ten letters and digits, dashes and blanks aside (the shared parser's rule).
pub fn check_recovery_code(value: &str) -> Option<String> {
    FactorCode::parse(value).is_err().then(|| {
        "Enter one of your recovery codes: ten letters and digits, like k7qm2-xw9pa.".to_owned()
    })
}

pub fn check_required(field: &str, value: &str) -> Option<String> {
    value
        .trim()
        .is_empty()
        .then(|| format!("{} is required.", label_of(field)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY_CODE: [ProblemCode; 28] = [
        ProblemCode::ValidationFailed,
        ProblemCode::UsernameTaken,
        ProblemCode::MfaAlreadyEnabled,
        ProblemCode::MfaNotSetUp,
        ProblemCode::AlreadyRegistered,
        ProblemCode::RateLimited,
        ProblemCode::CaptchaRequired,
        ProblemCode::CaptchaInvalid,
        ProblemCode::InvalidCode,
        ProblemCode::CodeExpired,
        ProblemCode::TooManyAttempts,
        ProblemCode::ResendCooldown,
        ProblemCode::InvalidCredentials,
        ProblemCode::EmailNotVerified,
        ProblemCode::AccountDisabled,
        ProblemCode::Forbidden,
        ProblemCode::MfaRequired,
        ProblemCode::InvalidToken,
        ProblemCode::Unauthorized,
        ProblemCode::CsrfHeaderRequired,
        ProblemCode::MalformedJson,
        ProblemCode::PayloadTooLarge,
        ProblemCode::UnsupportedMediaType,
        ProblemCode::NotFound,
        ProblemCode::MethodNotAllowed,
        ProblemCode::ServiceUnavailable,
        ProblemCode::InternalError,
        ProblemCode::Unknown,
    ];

    #[test]
    fn every_code_has_a_human_message() {
        for code in EVERY_CODE {
            let message = problem_message(&Problem::new(code));
            assert!(message.len() > 10, "{code:?}: {message:?}");
            assert!(message.ends_with('.'), "{code:?}: {message:?}");
            // Machine words never reach the person.
            assert!(!message.contains('_'), "{code:?}: {message:?}");
            assert!(!message.contains("Bearer"), "{code:?}: {message:?}");
        }
    }

    #[test]
    fn every_code_has_a_human_message_on_the_verify_page_too() {
        for code in EVERY_CODE {
            for proof in [Proof::Token, Proof::Password] {
                let message = verify_problem_message(&Problem::new(code), proof);
                assert!(message.len() > 10, "{code:?}: {message:?}");
                assert!(message.ends_with('.'), "{code:?}: {message:?}");
                assert!(!message.contains('_'), "{code:?}: {message:?}");
            }
        }
    }

    #[test]
    fn every_code_has_a_human_message_after_a_second_factor_code_too() {
        for code in EVERY_CODE {
            for kind in [CodeKind::App, CodeKind::Recovery] {
                let message = factor_problem_message(&Problem::new(code), kind);
                assert!(message.len() > 10, "{code:?}: {message:?}");
                assert!(message.ends_with('.'), "{code:?}: {message:?}");
                assert!(!message.contains('_'), "{code:?}: {message:?}");
            }
        }
    }

    #[test]
    fn the_authenticator_set_up_problems_say_what_to_do() {
        let on = problem_message(&Problem::new(ProblemCode::MfaAlreadyEnabled));
        assert!(on.contains("already on"), "{on}");
        assert!(on.contains("turn it off first"), "{on}");
        let gone = problem_message(&Problem::new(ProblemCode::MfaNotSetUp));
        assert!(gone.contains("start again"), "{gone}");
        assert!(gone.contains("scan the new QR code"), "{gone}");
    }

    #[test]
    fn a_wrong_second_factor_code_blames_the_app_or_the_recovery_code_not_the_mail() {
        let mut p = Problem::new(ProblemCode::InvalidCode);
        let app = factor_problem_message(&p, CodeKind::App);
        assert!(app.contains("authenticator app shows now"), "{app}");
        assert!(!app.contains("e-mail"), "{app}");
        let recovery = factor_problem_message(&p, CodeKind::Recovery);
        assert!(recovery.contains("recovery code"), "{recovery}");
        assert!(recovery.contains("works once"), "{recovery}");
        p.attempts_remaining = Some(3);
        assert!(factor_problem_message(&p, CodeKind::App).ends_with(" 3 attempts left."));
        p.attempts_remaining = Some(1);
        assert!(factor_problem_message(&p, CodeKind::Recovery).ends_with(" 1 attempt left."));
        // The set-up and the security page's confirmations answer 0: no count to tell.
        p.attempts_remaining = Some(0);
        assert_eq!(
            factor_problem_message(&p, CodeKind::App),
            factor_problem_message(&Problem::new(ProblemCode::InvalidCode), CodeKind::App)
        );
    }

    #[test]
    fn a_second_step_that_ran_out_says_to_start_again() {
        let message =
            factor_problem_message(&Problem::new(ProblemCode::InvalidToken), CodeKind::App);
        assert!(
            message.contains("took too long or had too many wrong codes"),
            "{message}"
        );
        assert!(message.contains("start again"), "{message}");
        // Anything else reads as it does everywhere.
        let mut busy = Problem::new(ProblemCode::RateLimited);
        busy.retry_after = Some(30);
        assert_eq!(
            factor_problem_message(&busy, CodeKind::App),
            problem_message(&busy)
        );
    }

    #[test]
    fn a_wrong_password_beside_a_factor_code_reads_as_a_sentence() {
        let mut errors = shared::api::FieldErrors::new();
        errors.insert("password".into(), vec!["is not your password".into()]);
        errors.insert("code".into(), vec!["must be the 6 digits …".into()]);
        let p = Problem::new(ProblemCode::ValidationFailed).with_errors(errors);
        assert_eq!(
            password_and_code_errors(&p),
            [
                ("code".to_owned(), FACTOR_CODE_SENTENCE.to_owned()),
                (
                    "password".to_owned(),
                    "That is not your password.".to_owned()
                ),
            ]
        );
        let mut errors = shared::api::FieldErrors::new();
        errors.insert("password".into(), vec!["is required".into()]);
        let p = Problem::new(ProblemCode::ValidationFailed).with_errors(errors);
        assert_eq!(
            password_and_code_errors(&p),
            [("password".to_owned(), "Password is required.".to_owned())]
        );
    }

    #[test]
    fn a_recovery_code_is_checked_by_the_servers_rule() {
        assert!(check_recovery_code("k7qm2-xw9pa").is_none());
        assert!(check_recovery_code("K7QM2 XW9PA").is_none());
        assert!(check_recovery_code("k7qm2")
            .unwrap()
            .contains("like k7qm2-xw9pa"));
        assert!(check_recovery_code("").is_some());
    }

    #[test]
    fn a_username_lost_at_verification_says_to_register_again() {
        let p = Problem::new(ProblemCode::UsernameTaken);
        for proof in [Proof::Token, Proof::Password] {
            let message = verify_problem_message(&p, proof);
            assert!(message.contains("confirmed an account with this username first"));
            assert!(message.contains("register again with another username"));
        }
        // On the registration form it is the plain "taken".
        assert!(problem_message(&p).contains("already taken"));
    }

    #[test]
    fn an_address_that_got_an_account_leads_to_sign_in() {
        let message = problem_message(&Problem::new(ProblemCode::AlreadyRegistered));
        assert!(message.contains("already has an account"));
        assert!(message.contains("Sign in"));
        assert!(message.contains("reset the password"));
    }

    #[test]
    fn with_a_password_a_refusal_blames_the_code_or_the_password() {
        let mut p = Problem::new(ProblemCode::InvalidCode);
        p.attempts_remaining = Some(4);
        assert_eq!(
            verify_problem_message(&p, Proof::Password),
            "The code or the password is not right. 4 attempts left for this code."
        );
        assert_eq!(
            verify_problem_message(&p, Proof::Token),
            "That code is not right. 4 attempts left for this code."
        );
        p.attempts_remaining = Some(1);
        assert!(verify_problem_message(&p, Proof::Password).contains("1 attempt left"));
        p.attempts_remaining = None;
        assert!(verify_problem_message(&p, Proof::Password).contains("Check both"));
    }

    #[test]
    fn a_wrong_code_says_how_many_attempts_are_left() {
        let mut p = Problem::new(ProblemCode::InvalidCode);
        p.attempts_remaining = Some(4);
        assert_eq!(
            problem_message(&p),
            "That code is not right. 4 attempts left for this code."
        );
        p.attempts_remaining = Some(1);
        assert!(problem_message(&p).contains("1 attempt left"));
    }

    #[test]
    fn waits_are_spelled_out_from_retry_after() {
        let mut p = Problem::new(ProblemCode::ResendCooldown);
        p.retry_after = Some(42);
        assert_eq!(
            problem_message(&p),
            "A code was sent a moment ago. You can ask for another one in 42 seconds."
        );
        let mut p = Problem::new(ProblemCode::RateLimited);
        p.retry_after = Some(120);
        assert!(problem_message(&p).contains("in 2 minutes"));
    }

    #[test]
    fn an_address_locked_for_hours_says_so() {
        let mut p = Problem::new(ProblemCode::TooManyAttempts);
        p.retry_after = Some(3600);
        assert!(problem_message(&p).contains("60 minutes"));
        p.retry_after = Some(0);
        assert!(problem_message(&p).contains("Send a new code"));
    }

    #[test]
    fn an_address_refusing_codes_alone_sends_the_person_to_the_mailed_link() {
        // What the server answers a 6-digit code without its link token past twenty wrong codes.
        let mut p = Problem::new(ProblemCode::TooManyAttempts);
        p.retry_after = Some(23 * 3600 + 59);
        let expected = "Too many wrong codes for this address. Open the link in the newest e-mail we \
                        sent (or ask for a new code and open its link). Codes typed in by hand work \
                        again in about 24 hours.";
        assert_eq!(problem_message(&p), expected);
        // The verify page, with either proof, says the same.
        for proof in [Proof::Token, Proof::Password] {
            assert_eq!(verify_problem_message(&p, proof), expected);
        }
        p.retry_after = Some(90);
        assert!(problem_message(&p).ends_with("work again in 2 minutes."));
        p.retry_after = None;
        assert!(problem_message(&p).ends_with("open its link)."));

        // One code's five wrong tries are another matter: that code is void, a new one works.
        let mut voided = Problem::new(ProblemCode::TooManyAttempts);
        voided.attempts_remaining = Some(0);
        voided.retry_after = Some(3600);
        let message = problem_message(&voided);
        assert!(message.contains("this code no longer works"), "{message}");
        assert!(!message.contains("link"), "{message}");
    }

    #[test]
    fn an_unknown_code_falls_back_to_the_server_detail() {
        let p = Problem::new(ProblemCode::Unknown).with_detail("Something new happened.");
        assert_eq!(problem_message(&p), "Something new happened.");
    }

    #[test]
    fn a_lost_connection_is_not_blamed_on_the_server() {
        assert!(problem_message(&network_problem()).contains("Could not reach the server"));
    }

    #[test]
    fn code_problems_belong_next_to_the_code_boxes() {
        assert_eq!(field_of(ProblemCode::InvalidCode), Some("code"));
        assert_eq!(field_of(ProblemCode::CodeExpired), Some("code"));
        assert_eq!(field_of(ProblemCode::TooManyAttempts), Some("code"));
        assert_eq!(field_of(ProblemCode::UsernameTaken), Some("username"));
        assert_eq!(field_of(ProblemCode::RateLimited), None);
    }

    #[test]
    fn answers_without_a_problem_body_still_get_a_code() {
        assert_eq!(problem_for_status(401).code, ProblemCode::Unauthorized);
        assert_eq!(
            problem_for_status(502).code,
            ProblemCode::ServiceUnavailable
        );
        assert_eq!(problem_for_status(500).code, ProblemCode::InternalError);
        assert_eq!(problem_for_status(429).status, 429);
    }

    #[test]
    fn server_field_errors_become_sentences() {
        let mut errors = shared::api::FieldErrors::new();
        errors.insert(
            "username".into(),
            vec!["must be 3 to 32 characters long".into()],
        );
        errors.insert("email".into(), vec!["is not a valid e-mail address".into()]);
        let p = Problem::new(ProblemCode::ValidationFailed).with_errors(errors);
        assert_eq!(
            field_errors(&p),
            [
                (
                    "email".to_owned(),
                    "Enter an e-mail address like name@example.com.".to_owned()
                ),
                (
                    "username".to_owned(),
                    "Username must be 3 to 32 characters long.".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_wrong_current_password_reads_as_a_sentence() {
        let mut errors = shared::api::FieldErrors::new();
        errors.insert(
            "current_password".into(),
            vec!["is not your current password".into()],
        );
        errors.insert(
            "new_password".into(),
            vec!["must be at least 8 characters long".into()],
        );
        let p = Problem::new(ProblemCode::ValidationFailed).with_errors(errors);
        assert_eq!(
            field_errors(&p),
            [
                (
                    "current_password".to_owned(),
                    "That is not your current password.".to_owned()
                ),
                (
                    "new_password".to_owned(),
                    "Password must be at least 8 characters long.".to_owned()
                ),
            ]
        );
        assert_eq!(
            field_sentence("current_password", "is required"),
            "Current password is required."
        );
    }

    #[test]
    fn captcha_failures_ask_to_try_again() {
        for code in [ProblemCode::CaptchaRequired, ProblemCode::CaptchaInvalid] {
            assert!(problem_message(&Problem::new(code)).contains("try again"));
        }
    }

    #[test]
    fn live_checks_apply_the_server_rules() {
        assert_eq!(
            check_username("al").as_deref(),
            Some("Username must be 3 to 32 characters long.")
        );
        assert!(check_username("alice").is_none());
        assert!(check_username("al ice")
            .unwrap()
            .contains("may only contain"));
        assert!(check_email("alice@localhost").is_some());
        assert!(check_email("alice@example.com").is_none());
        assert_eq!(
            check_password("short").as_deref(),
            Some("Password must be at least 8 characters long.")
        );
        assert!(check_password("long enough").is_none());
        assert!(check_code("12345").is_some());
        assert!(check_code("123456").is_none());
        assert_eq!(
            check_required("login", " ").as_deref(),
            Some("Username or e-mail address is required.")
        );
    }
}
