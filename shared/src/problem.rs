//! RFC 9457 problem details and the stable `code` values clients switch on.

use serde::{Deserialize, Serialize};

use crate::api::FieldErrors;

/// Every `code` the server can answer with. Clients match on these, never on `title` or `detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    ValidationFailed,
    UsernameTaken,
    /// `totp/setup` while the authenticator is already on: disable it first.
    MfaAlreadyEnabled,
    /// `totp/enable` without a `totp/setup` (or after it expired).
    MfaNotSetUp,
    /// The address of this registration got an account meanwhile (another registration of it was
    /// verified first): sign in, or reset the password. Only the mailbox's owner can get this answer.
    AlreadyRegistered,
    RateLimited,
    /// Too much traffic from this client or to this address: solve a CAPTCHA (`GET /api/captcha`) and
    /// send the solution in the `X-Captcha` header.
    CaptchaRequired,
    /// The `X-Captcha` solution is malformed, wrong, expired or already used.
    CaptchaInvalid,
    InvalidCode,
    CodeExpired,
    TooManyAttempts,
    ResendCooldown,
    InvalidCredentials,
    EmailNotVerified,
    /// The account was disabled by an administrator: no sign-in until it is enabled again.
    AccountDisabled,
    /// The caller is signed in but its role may not do this (an `/api/admin/` call by a `user`).
    Forbidden,
    /// An admin whose second factor is off: every `/api/admin/` call needs it on.
    MfaRequired,
    InvalidToken,
    Unauthorized,
    /// A cookie-authenticated call came without the `X-Requested-With` header (CSRF protection).
    CsrfHeaderRequired,
    MalformedJson,
    PayloadTooLarge,
    UnsupportedMediaType,
    NotFound,
    /// Passkeys are off because `PUBLIC_URL` is not an https:// domain (or localhost).
    PasskeysUnavailable,
    /// The passkey ceremony (`ceremony_id`) is unknown, already answered, expired or not this session's.
    PasskeyChallengeInvalid,
    /// The passkey's answer did not verify (unknown passkey, another origin, replayed, cloned).
    PasskeyRefused,
    /// The account already has the most passkeys it may keep.
    TooManyPasskeys,
    /// No passkey can serve this second step (none registered, or the login began with one).
    PasskeyNotAvailable,
    MethodNotAllowed,
    ServiceUnavailable,
    InternalError,
    /// A code this version of the client does not know yet.
    #[serde(other)]
    Unknown,
}

impl ProblemCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValidationFailed => "validation_failed",
            Self::UsernameTaken => "username_taken",
            Self::MfaAlreadyEnabled => "mfa_already_enabled",
            Self::MfaNotSetUp => "mfa_not_set_up",
            Self::AlreadyRegistered => "already_registered",
            Self::RateLimited => "rate_limited",
            Self::CaptchaRequired => "captcha_required",
            Self::CaptchaInvalid => "captcha_invalid",
            Self::InvalidCode => "invalid_code",
            Self::CodeExpired => "code_expired",
            Self::TooManyAttempts => "too_many_attempts",
            Self::ResendCooldown => "resend_cooldown",
            Self::InvalidCredentials => "invalid_credentials",
            Self::EmailNotVerified => "email_not_verified",
            Self::AccountDisabled => "account_disabled",
            Self::Forbidden => "forbidden",
            Self::MfaRequired => "mfa_required",
            Self::InvalidToken => "invalid_token",
            Self::Unauthorized => "unauthorized",
            Self::CsrfHeaderRequired => "csrf_header_required",
            Self::MalformedJson => "malformed_json",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::NotFound => "not_found",
            Self::PasskeysUnavailable => "passkeys_unavailable",
            Self::PasskeyChallengeInvalid => "passkey_challenge_invalid",
            Self::PasskeyRefused => "passkey_refused",
            Self::TooManyPasskeys => "too_many_passkeys",
            Self::PasskeyNotAvailable => "passkey_not_available",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::ServiceUnavailable => "service_unavailable",
            Self::InternalError => "internal_error",
            Self::Unknown => "unknown",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Self::ValidationFailed => 422,
            Self::UsernameTaken
            | Self::AlreadyRegistered
            | Self::MfaAlreadyEnabled
            | Self::MfaNotSetUp => 409,
            Self::RateLimited | Self::TooManyAttempts | Self::ResendCooldown => 429,
            Self::InvalidCode | Self::MalformedJson | Self::CaptchaInvalid => 400,
            Self::CaptchaRequired => 428,
            Self::CodeExpired => 410,
            Self::InvalidCredentials | Self::InvalidToken | Self::Unauthorized => 401,
            Self::EmailNotVerified
            | Self::CsrfHeaderRequired
            | Self::AccountDisabled
            | Self::Forbidden
            | Self::MfaRequired => 403,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::NotFound | Self::PasskeysUnavailable => 404,
            Self::PasskeyRefused => 400,
            Self::PasskeyChallengeInvalid => 410,
            Self::TooManyPasskeys | Self::PasskeyNotAvailable => 409,
            Self::MethodNotAllowed => 405,
            Self::ServiceUnavailable => 503,
            Self::InternalError | Self::Unknown => 500,
        }
    }

    /// A short, human summary that does not change from occurrence to occurrence (RFC 9457 `title`).
    pub fn title(self) -> &'static str {
        match self {
            Self::ValidationFailed => "Some fields are not valid",
            Self::UsernameTaken => "That username is taken",
            Self::MfaAlreadyEnabled => "The authenticator app is already on",
            Self::MfaNotSetUp => "Set up the authenticator app first",
            Self::AlreadyRegistered => "This address already has an account",
            Self::RateLimited => "Too many requests",
            Self::CaptchaRequired => "Please prove you are not a robot",
            Self::CaptchaInvalid => "The CAPTCHA solution was not accepted",
            Self::InvalidCode => "That code is not right",
            Self::CodeExpired => "That code has expired",
            Self::TooManyAttempts => "Too many wrong codes",
            Self::ResendCooldown => "Please wait before asking for another code",
            Self::InvalidCredentials => "Wrong login or password",
            Self::EmailNotVerified => "E-mail address not verified yet",
            Self::AccountDisabled => "This account is disabled",
            Self::Forbidden => "Not allowed",
            Self::MfaRequired => "Turn on a second factor first",
            Self::InvalidToken => "The session token is not valid",
            Self::Unauthorized => "Sign-in required",
            Self::CsrfHeaderRequired => "Cross-site request refused",
            Self::MalformedJson => "The request body is not valid JSON",
            Self::PayloadTooLarge => "The request body is too large",
            Self::UnsupportedMediaType => "The request body must be JSON",
            Self::NotFound => "Not found",
            Self::PasskeysUnavailable => "Passkeys are not available here",
            Self::PasskeyChallengeInvalid => "Passkey request expired",
            Self::PasskeyRefused => "Passkey refused",
            Self::TooManyPasskeys => "Too many passkeys",
            Self::PasskeyNotAvailable => "No passkey for this step",
            Self::MethodNotAllowed => "Method not allowed",
            Self::ServiceUnavailable => "Service unavailable",
            Self::InternalError => "Something went wrong on our side",
            Self::Unknown => "Unexpected error",
        }
    }
}

/// An `application/problem+json` body.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// `urn:otp-portal:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Messages per request field, for `validation_failed`.
    #[serde(default, skip_serializing_if = "FieldErrors::is_empty")]
    pub errors: FieldErrors,
    /// Wrong tries left on the current code, for `invalid_code` and `too_many_attempts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_remaining: Option<u32>,
    /// Seconds to wait, mirroring the `Retry-After` header of a `429`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(code: ProblemCode) -> Self {
        Self {
            kind: format!("urn:otp-portal:problem:{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status(),
            code,
            detail: None,
            errors: FieldErrors::new(),
            attempts_remaining: None,
            retry_after: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_errors(mut self, errors: FieldErrors) -> Self {
        self.errors = errors;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_stable_strings() {
        for code in [
            ProblemCode::ValidationFailed,
            ProblemCode::InvalidCode,
            ProblemCode::TooManyAttempts,
            ProblemCode::EmailNotVerified,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
    }

    #[test]
    fn an_unknown_code_from_a_newer_server_still_decodes() {
        let p: Problem =
            serde_json::from_str(r#"{"type":"x","title":"t","status":418,"code":"brand_new"}"#)
                .unwrap();
        assert_eq!(p.code, ProblemCode::Unknown);
    }

    #[test]
    fn a_problem_has_type_title_status_and_code() {
        let json = serde_json::to_value(Problem::new(ProblemCode::CodeExpired)).unwrap();
        assert_eq!(json["type"], "urn:otp-portal:problem:code_expired");
        assert_eq!(json["status"], 410);
        assert_eq!(json["code"], "code_expired");
        assert!(json.get("errors").is_none());
    }
}
