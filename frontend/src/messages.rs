//! Words for the person at the keyboard: a message for every problem `code` the server can send, the
//! field it belongs next to, and the live checks of the form fields (the shared crate's own parsers).

use shared::api::FactorCode;
use shared::domain::{Email, Invalid, OtpCode, Password, Username};
use shared::problem::{Problem, ProblemCode};

use crate::factor::CodeKind;
use crate::i18n::{Language, Words};
use shared::i18n::Arg;

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

/// "in 42 seconds", or "in a moment" when the server named no wait.
fn wait(lang: Language, problem: &Problem) -> String {
    match problem.retry_after {
        Some(secs) if secs > 0 => {
            let duration = lang.duration(secs);
            lang.tf("wait-in", &[("duration", (&duration).into())])
        }
        _ => lang.t("wait-moment"),
    }
}

/// A wait of up to a day in the words a person would use: minutes under two hours, hours after.
fn roughly(lang: Language, secs: u64) -> String {
    if secs < 2 * 3600 {
        lang.duration(secs.div_ceil(60) * 60)
    } else {
        let duration = lang.duration(secs.div_ceil(3600) * 3600);
        lang.tf("wait-about", &[("duration", (&duration).into())])
    }
}

/// A message that says how many tries are left, or the one without a count.
fn with_attempts(lang: Language, id: &str, attempts: Option<u32>) -> String {
    match attempts {
        Some(n) => lang.tf(&format!("{id}-attempts"), &[("attempts", n.into())]),
        None => lang.t(id),
    }
}

/// The message id of every problem code: `problem-invalid_code`, …
pub fn problem_id(code: ProblemCode) -> String {
    format!("problem-{}", code.as_str())
}

/// One sentence or two for `problem`, in plain words, naming what to do next.
pub fn problem_message(lang: Language, problem: &Problem) -> String {
    if problem.status == NETWORK_STATUS {
        return lang.t("problem-network");
    }
    let id = problem_id(problem.code);
    match problem.code {
        ProblemCode::RateLimited | ProblemCode::ResendCooldown => {
            let wait = wait(lang, problem);
            lang.tf(&id, &[("wait", (&wait).into())])
        }
        ProblemCode::InvalidCode => with_attempts(lang, &id, problem.attempts_remaining),
        // With `attempts_remaining: 0` this code had its five wrong tries; without it the address had
        // its twenty a day, and refuses 6-digit codes alone until then. The mailed link's token still
        // gets through, so that is what the person is sent to.
        ProblemCode::TooManyAttempts => match (problem.attempts_remaining, problem.retry_after) {
            (Some(_), _) | (None, Some(0)) => lang.t(&id),
            (None, None) => lang.t("problem-too_many_attempts-address"),
            (None, Some(secs)) => {
                let wait = roughly(lang, secs);
                lang.tf(
                    "problem-too_many_attempts-address-wait",
                    &[("wait", (&wait).into())],
                )
            }
        },
        // `Unknown`, and the codes the server learns before this client does: its own words.
        ProblemCode::Unknown => problem.detail.clone().unwrap_or_else(|| lang.t(&id)),
        _ => lang.t(&id),
    }
}

/// Every problem code this client has words for: the list the tests hold the message files to.
#[cfg(test)]
const EVERY_CODE: [ProblemCode; 33] = [
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
    ProblemCode::PasskeysUnavailable,
    ProblemCode::PasskeyChallengeInvalid,
    ProblemCode::PasskeyRefused,
    ProblemCode::TooManyPasskeys,
    ProblemCode::PasskeyNotAvailable,
    ProblemCode::MethodNotAllowed,
    ProblemCode::ServiceUnavailable,
    ProblemCode::InternalError,
    ProblemCode::Unknown,
];

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
pub fn verify_problem_message(lang: Language, problem: &Problem, proof: Proof) -> String {
    match (problem.code, proof) {
        (ProblemCode::UsernameTaken, _) => lang.t("verify-problem-username_taken"),
        (ProblemCode::InvalidCode, Proof::Password) => with_attempts(
            lang,
            "verify-problem-invalid_code-password",
            problem.attempts_remaining,
        ),
        _ => problem_message(lang, problem),
    }
}

/// `problem_message` for an answer to a call that took a code of the second factor (signing in, turning
/// the app on or off, new recovery codes): a wrong code is the app's or a recovery code, not a mailed one.
pub fn factor_problem_message(lang: Language, problem: &Problem, kind: CodeKind) -> String {
    match problem.code {
        ProblemCode::InvalidCode => {
            let what = lang.t(match kind {
                CodeKind::App => "factor-problem-invalid_code-app",
                CodeKind::Recovery => "factor-problem-invalid_code-recovery",
            });
            // Only the second step of a sign-in counts its tries; elsewhere the server says 0.
            match problem.attempts_remaining {
                Some(n) if n > 0 => lang.tf(
                    "factor-attempts-left",
                    &[("what", (&what).into()), ("attempts", n.into())],
                ),
                _ => what,
            }
        }
        ProblemCode::InvalidToken => lang.t("factor-problem-invalid_token"),
        _ => problem_message(lang, problem),
    }
}

/// The messages of a `validation_failed` answer to a call that took the password and a code of the
/// second factor: the server refuses a wrong password that way.
pub fn password_and_code_errors(lang: Language, problem: &Problem) -> Vec<(String, String)> {
    problem
        .errors
        .iter()
        .map(|(field, messages)| {
            let text = match field.as_str() {
                "password" if messages.iter().all(|m| m == "is required") => {
                    field_sentence(lang, "password", "is required")
                }
                "password" => lang.t("factor-password-wrong"),
                "code" => lang.t("factor-code-hint"),
                _ => messages
                    .iter()
                    .map(|m| field_sentence(lang, field, m))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            (field.clone(), text)
        })
        .collect()
}

/// How a request field is named on the page.
pub fn label_of(lang: Language, field: &str) -> String {
    lang.t(match field {
        "username" => "field-name-username",
        "email" => "field-name-email",
        "password" | "new_password" => "field-name-password",
        "current_password" => "field-name-current_password",
        "code" => "field-name-code",
        "login" => "field-name-login",
        "name" => "field-name-passkey_name",
        _ => "field-name-other",
    })
}

/// The numbers in a parser's message, in order: "must be 3 to 32 characters long" gives 3 and 32.
fn numbers_in(message: &str) -> Vec<u64> {
    message
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|part| part.parse().ok())
        .collect()
}

/// "Username must be 3 to 32 characters long." from the parser's "must be 3 to 32 characters long":
/// the shared parsers' English reasons are recognised and said in the page's language; a reason this
/// client does not know keeps the server's words.
pub fn field_sentence(lang: Language, field: &str, message: &str) -> String {
    let label = label_of(lang, field);
    let name = || Arg::from(&label);
    let numbers = numbers_in(message);
    match (field, message, numbers.as_slice()) {
        ("email", "is not a valid e-mail address", _) => lang.t("field-email-invalid"),
        ("code", _, _) => lang.t("field-code-digits"),
        ("current_password", "is not your current password", _) => {
            lang.t("field-current-password-wrong")
        }
        (_, "is required", _) => lang.tf("field-required", &[("field", name())]),
        (_, m, [min, max]) if m.starts_with("must be ") && m.ends_with(" characters long") => lang
            .tf(
                "field-length-between",
                &[
                    ("field", name()),
                    ("min", (*min).into()),
                    ("max", (*max).into()),
                ],
            ),
        (_, m, [min]) if m.starts_with("must be at least ") => lang.tf(
            "field-length-min",
            &[("field", name()), ("min", (*min).into())],
        ),
        (_, m, [max]) if m.starts_with("must be at most ") => lang.tf(
            "field-length-max",
            &[("field", name()), ("max", (*max).into())],
        ),
        (_, m, _) if m.starts_with("may only contain letters, digits") => {
            lang.tf("field-username-characters", &[("field", name())])
        }
        _ => format!("{} {message}.", label_of(lang, field)),
    }
}

/// The messages of a `validation_failed` problem, one sentence per field.
pub fn field_errors(lang: Language, problem: &Problem) -> Vec<(String, String)> {
    problem
        .errors
        .iter()
        .map(|(field, messages)| {
            let text = messages
                .iter()
                .map(|m| field_sentence(lang, field, m))
                .collect::<Vec<_>>()
                .join(" ");
            (field.clone(), text)
        })
        .collect()
}

fn check<T>(lang: Language, field: &str, result: Result<T, Invalid>) -> Option<String> {
    result.err().map(|e| field_sentence(lang, field, &e.0))
}

/// Live checks as the person types: the very rules the server applies.
pub fn check_username(lang: Language, value: &str) -> Option<String> {
    check(lang, "username", Username::parse(value))
}

pub fn check_email(lang: Language, value: &str) -> Option<String> {
    check(lang, "email", Email::parse(value))
}

pub fn check_password(lang: Language, value: &str) -> Option<String> {
    check(lang, "password", Password::parse(value))
}

pub fn check_code(lang: Language, value: &str) -> Option<String> {
    check(lang, "code", OtpCode::parse(value))
}

/// A recovery code as typed: ten letters and digits, dashes and blanks aside (the shared parser's rule).
pub fn check_recovery_code(lang: Language, value: &str) -> Option<String> {
    FactorCode::parse(value)
        .is_err()
        .then(|| lang.t("factor-recovery-code-invalid"))
}

pub fn check_required(lang: Language, field: &str, value: &str) -> Option<String> {
    value
        .trim()
        .is_empty()
        .then(|| field_sentence(lang, field, "is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: Language = Language::ENGLISH;

    fn de() -> Language {
        crate::i18n::tests::german()
    }

    #[test]
    fn every_problem_code_has_its_message_in_every_language() {
        for code in EVERY_CODE {
            crate::i18n::tests::defined_in_every_language(&problem_id(code));
        }
        for id in [
            "problem-network",
            "problem-invalid_code-attempts",
            "problem-too_many_attempts-address",
            "problem-too_many_attempts-address-wait",
        ] {
            crate::i18n::tests::defined_in_every_language(id);
        }
        for code in EVERY_CODE {
            let english = problem_message(EN, &Problem::new(code));
            let german = problem_message(de(), &Problem::new(code));
            assert!(german.ends_with('.'), "{code:?}: {german:?}");
            // The same words in both would mean a message was left untranslated.
            assert_ne!(english, german, "{code:?}");
        }
    }

    #[test]
    fn german_messages_count_and_wait_in_german() {
        let mut p = Problem::new(ProblemCode::InvalidCode);
        p.attempts_remaining = Some(1);
        assert_eq!(
            problem_message(de(), &p),
            "Dieser Code stimmt nicht. 1 Versuch übrig für diesen Code."
        );
        p.attempts_remaining = Some(4);
        assert!(problem_message(de(), &p).contains("4 Versuche übrig"));
        let mut p = Problem::new(ProblemCode::ResendCooldown);
        p.retry_after = Some(299);
        assert_eq!(
            problem_message(de(), &p),
            "Gerade wurde ein Code verschickt. Einen weiteren können Sie in 4 Minuten 59 Sekunden \
             anfordern."
        );
        assert_eq!(
            check_username(de(), "al").as_deref(),
            Some("Benutzername muss 3 bis 32 Zeichen lang sein.")
        );
        assert_eq!(
            check_required(de(), "login", "").as_deref(),
            Some("Benutzername oder E-Mail-Adresse fehlt noch.")
        );
    }

    #[test]
    fn every_code_has_a_human_message() {
        for code in EVERY_CODE {
            let message = problem_message(EN, &Problem::new(code));
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
                let message = verify_problem_message(EN, &Problem::new(code), proof);
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
                let message = factor_problem_message(EN, &Problem::new(code), kind);
                assert!(message.len() > 10, "{code:?}: {message:?}");
                assert!(message.ends_with('.'), "{code:?}: {message:?}");
                assert!(!message.contains('_'), "{code:?}: {message:?}");
            }
        }
    }

    #[test]
    fn the_authenticator_set_up_problems_say_what_to_do() {
        let on = problem_message(EN, &Problem::new(ProblemCode::MfaAlreadyEnabled));
        assert!(on.contains("already on"), "{on}");
        assert!(on.contains("turn it off first"), "{on}");
        let gone = problem_message(EN, &Problem::new(ProblemCode::MfaNotSetUp));
        assert!(gone.contains("start again"), "{gone}");
        assert!(gone.contains("scan the new QR code"), "{gone}");
    }

    #[test]
    fn a_wrong_second_factor_code_blames_the_app_or_the_recovery_code_not_the_mail() {
        let mut p = Problem::new(ProblemCode::InvalidCode);
        let app = factor_problem_message(EN, &p, CodeKind::App);
        assert!(app.contains("authenticator app shows now"), "{app}");
        assert!(!app.contains("e-mail"), "{app}");
        let recovery = factor_problem_message(EN, &p, CodeKind::Recovery);
        assert!(recovery.contains("recovery code"), "{recovery}");
        assert!(recovery.contains("works once"), "{recovery}");
        p.attempts_remaining = Some(3);
        assert!(factor_problem_message(EN, &p, CodeKind::App).ends_with(" 3 attempts left."));
        p.attempts_remaining = Some(1);
        assert!(factor_problem_message(EN, &p, CodeKind::Recovery).ends_with(" 1 attempt left."));
        // The set-up and the security page's confirmations answer 0: no count to tell.
        p.attempts_remaining = Some(0);
        assert_eq!(
            factor_problem_message(EN, &p, CodeKind::App),
            factor_problem_message(EN, &Problem::new(ProblemCode::InvalidCode), CodeKind::App)
        );
    }

    #[test]
    fn a_second_step_that_ran_out_says_to_start_again() {
        let message =
            factor_problem_message(EN, &Problem::new(ProblemCode::InvalidToken), CodeKind::App);
        assert!(
            message.contains("took too long or had too many wrong codes"),
            "{message}"
        );
        assert!(message.contains("start again"), "{message}");
        // Anything else reads as it does everywhere.
        let mut busy = Problem::new(ProblemCode::RateLimited);
        busy.retry_after = Some(30);
        assert_eq!(
            factor_problem_message(EN, &busy, CodeKind::App),
            problem_message(EN, &busy)
        );
    }

    #[test]
    fn a_wrong_password_beside_a_factor_code_reads_as_a_sentence() {
        let mut errors = shared::api::FieldErrors::new();
        errors.insert("password".into(), vec!["is not your password".into()]);
        errors.insert("code".into(), vec!["must be the 6 digits …".into()]);
        let p = Problem::new(ProblemCode::ValidationFailed).with_errors(errors);
        assert_eq!(
            password_and_code_errors(EN, &p),
            [
                ("code".to_owned(), EN.t("factor-code-hint")),
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
            password_and_code_errors(EN, &p),
            [("password".to_owned(), "Password is required.".to_owned())]
        );
    }

    #[test]
    fn a_recovery_code_is_checked_by_the_servers_rule() {
        assert!(check_recovery_code(EN, "k7qm2-xw9pa").is_none());
        assert!(check_recovery_code(EN, "K7QM2 XW9PA").is_none());
        assert!(check_recovery_code(EN, "k7qm2")
            .unwrap()
            .contains("like k7qm2-xw9pa"));
        assert!(check_recovery_code(EN, "").is_some());
    }

    #[test]
    fn a_username_lost_at_verification_says_to_register_again() {
        let p = Problem::new(ProblemCode::UsernameTaken);
        for proof in [Proof::Token, Proof::Password] {
            let message = verify_problem_message(EN, &p, proof);
            assert!(message.contains("confirmed an account with this username first"));
            assert!(message.contains("register again with another username"));
        }
        // On the registration form it is the plain "taken".
        assert!(problem_message(EN, &p).contains("already taken"));
    }

    #[test]
    fn an_address_that_got_an_account_leads_to_sign_in() {
        let message = problem_message(EN, &Problem::new(ProblemCode::AlreadyRegistered));
        assert!(message.contains("already has an account"));
        assert!(message.contains("Sign in"));
        assert!(message.contains("reset the password"));
    }

    #[test]
    fn with_a_password_a_refusal_blames_the_code_or_the_password() {
        let mut p = Problem::new(ProblemCode::InvalidCode);
        p.attempts_remaining = Some(4);
        assert_eq!(
            verify_problem_message(EN, &p, Proof::Password),
            "The code or the password is not right. 4 attempts left for this code."
        );
        assert_eq!(
            verify_problem_message(EN, &p, Proof::Token),
            "That code is not right. 4 attempts left for this code."
        );
        p.attempts_remaining = Some(1);
        assert!(verify_problem_message(EN, &p, Proof::Password).contains("1 attempt left"));
        p.attempts_remaining = None;
        assert!(verify_problem_message(EN, &p, Proof::Password).contains("Check both"));
    }

    #[test]
    fn a_wrong_code_says_how_many_attempts_are_left() {
        let mut p = Problem::new(ProblemCode::InvalidCode);
        p.attempts_remaining = Some(4);
        assert_eq!(
            problem_message(EN, &p),
            "That code is not right. 4 attempts left for this code."
        );
        p.attempts_remaining = Some(1);
        assert!(problem_message(EN, &p).contains("1 attempt left"));
    }

    #[test]
    fn waits_are_spelled_out_from_retry_after() {
        let mut p = Problem::new(ProblemCode::ResendCooldown);
        p.retry_after = Some(42);
        assert_eq!(
            problem_message(EN, &p),
            "A code was sent a moment ago. You can ask for another one in 42 seconds."
        );
        let mut p = Problem::new(ProblemCode::RateLimited);
        p.retry_after = Some(120);
        assert!(problem_message(EN, &p).contains("in 2 minutes"));
    }

    #[test]
    fn an_address_locked_for_hours_says_so() {
        let mut p = Problem::new(ProblemCode::TooManyAttempts);
        p.retry_after = Some(3600);
        assert!(problem_message(EN, &p).contains("in 1 hour."));
        p.retry_after = Some(0);
        assert!(problem_message(EN, &p).contains("Send a new code"));
    }

    #[test]
    fn an_address_refusing_codes_alone_sends_the_person_to_the_mailed_link() {
        // What the server answers a 6-digit code without its link token past twenty wrong codes.
        let mut p = Problem::new(ProblemCode::TooManyAttempts);
        p.retry_after = Some(23 * 3600 + 59);
        let expected = "Too many wrong codes for this address. Open the link in the newest e-mail we \
                        sent (or ask for a new code and open its link). Codes typed in by hand work \
                        again in about 24 hours.";
        assert_eq!(problem_message(EN, &p), expected);
        // The verify page, with either proof, says the same.
        for proof in [Proof::Token, Proof::Password] {
            assert_eq!(verify_problem_message(EN, &p, proof), expected);
        }
        p.retry_after = Some(90);
        assert!(problem_message(EN, &p).ends_with("work again in 2 minutes."));
        p.retry_after = None;
        assert!(problem_message(EN, &p).ends_with("open its link)."));

        // One code's five wrong tries are another matter: that code is void, a new one works.
        let mut voided = Problem::new(ProblemCode::TooManyAttempts);
        voided.attempts_remaining = Some(0);
        voided.retry_after = Some(3600);
        let message = problem_message(EN, &voided);
        assert!(message.contains("this code no longer works"), "{message}");
        assert!(!message.contains("link"), "{message}");
    }

    #[test]
    fn an_unknown_code_falls_back_to_the_server_detail() {
        let p = Problem::new(ProblemCode::Unknown).with_detail("Something new happened.");
        assert_eq!(problem_message(EN, &p), "Something new happened.");
    }

    #[test]
    fn a_lost_connection_is_not_blamed_on_the_server() {
        assert!(problem_message(EN, &network_problem()).contains("Could not reach the server"));
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
            field_errors(EN, &p),
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
            field_errors(EN, &p),
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
            field_sentence(EN, "current_password", "is required"),
            "Current password is required."
        );
    }

    #[test]
    fn captcha_failures_ask_to_try_again() {
        for code in [ProblemCode::CaptchaRequired, ProblemCode::CaptchaInvalid] {
            assert!(problem_message(EN, &Problem::new(code)).contains("try again"));
        }
    }

    #[test]
    fn live_checks_apply_the_server_rules() {
        assert_eq!(
            check_username(EN, "al").as_deref(),
            Some("Username must be 3 to 32 characters long.")
        );
        assert!(check_username(EN, "alice").is_none());
        assert!(check_username(EN, "al ice")
            .unwrap()
            .contains("may only contain"));
        assert!(check_email(EN, "alice@localhost").is_some());
        assert!(check_email(EN, "alice@example.com").is_none());
        assert_eq!(
            check_password(EN, "short").as_deref(),
            Some("Password must be at least 8 characters long.")
        );
        assert!(check_password(EN, "long enough").is_none());
        assert!(check_code(EN, "12345").is_some());
        assert!(check_code(EN, "123456").is_none());
        assert_eq!(
            check_required(EN, "login", " ").as_deref(),
            Some("Username or e-mail address is required.")
        );
    }
}
