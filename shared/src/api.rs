//! Request and response bodies of the HTTP contract. Requests carry raw strings (so a bad value is reported
//! per field rather than as a decoding failure) and turn into domain values through `validate`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Email, Invalid, OtpCode, Password, Username};
use crate::i18n::Language;

/// Messages per field, as in the `errors` member of a `validation_failed` problem.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// What `Debug` prints in place of a password, code or token, so none reaches a log.
const REDACTED: &str = "[REDACTED]";

/// Collects the errors of several fields so one response reports all of them.
#[derive(Default)]
pub(crate) struct Checker {
    errors: FieldErrors,
}

impl Checker {
    pub(crate) fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        result
            .map_err(|e| self.errors.entry(field.to_owned()).or_default().push(e.0))
            .ok()
    }

    pub(crate) fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3 to 32 of `A-Z a-z 0-9 _ . -`, unique ignoring case (surrounding spaces are dropped).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice", pattern = r"^\s*[A-Za-z0-9_.-]{3,32}\s*$")
    )]
    pub username: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice@example.com", format = "email", max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "correct horse battery staple",
            min_length = 8,
            max_length = 128
        )
    )]
    pub password: String,
}

impl fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password", &REDACTED)
            .finish()
    }
}

pub struct Registration {
    pub username: Username,
    pub email: Email,
    pub password: Password,
}

impl RegisterRequest {
    pub fn validate(&self) -> Result<Registration, FieldErrors> {
        let mut c = Checker::default();
        let username = c.check("username", Username::parse(&self.username));
        let email = c.check("email", Email::parse(&self.email));
        let password = c.check("password", Password::parse(&self.password));
        let all = username
            .zip(email)
            .zip(password)
            .map(|((username, email), password)| Registration {
                username,
                email,
                password,
            });
        c.finish(all)
    }
}

/// Confirms a registration. Only the party that chose the password can: the browser that registered sends
/// the `registration_token` it was given; on another device (the mailed link) the person types the
/// password instead.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice@example.com", format = "email", max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "042917", pattern = "^[0-9]{6}$")
    )]
    pub code: String,
    /// The `registration_token` the registration answered; give it or `password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub registration_token: Option<String>,
    /// The password chosen at registration, when the token is not at hand (another device).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: Option<String>,
    /// The `link` value of the mailed link's fragment, when the code came by that link: it proves the
    /// mailbox even while the address is locked against guessing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub link_token: Option<String>,
}

impl fmt::Debug for VerifyEmailRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyEmailRequest")
            .field("email", &self.email)
            .field("code", &REDACTED)
            .field(
                "registration_token",
                &self.registration_token.as_ref().map(|_| REDACTED),
            )
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .field("link_token", &self.link_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// What proves that the caller is the party that registered.
#[derive(Clone, PartialEq, Eq)]
pub enum RegistrationProof {
    Token(String),
    Password(String),
}

impl fmt::Debug for RegistrationProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Token(_) => f.write_str("Token([REDACTED])"),
            Self::Password(_) => f.write_str("Password([REDACTED])"),
        }
    }
}

pub struct EmailVerification {
    pub email: Email,
    pub code: OtpCode,
    pub proof: RegistrationProof,
    pub link_token: Option<String>,
}

impl fmt::Debug for EmailVerification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailVerification")
            .field("email", &self.email)
            .field("code", &self.code)
            .field("proof", &self.proof)
            .field("link_token", &self.link_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// The longest `registration_token` or password accepted on the wire; real tokens are 43 characters.
const MAX_PROOF_LEN: usize = 128;

impl VerifyEmailRequest {
    pub fn validate(&self) -> Result<EmailVerification, FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        let code = c.check("code", OtpCode::parse(&self.code));
        let token = self.registration_token.as_deref().filter(|t| !t.is_empty());
        let password = self.password.as_deref().filter(|p| !p.is_empty());
        let proof = match (token, password) {
            (Some(token), None) => c
                .check("registration_token", bounded(token))
                .map(|t| RegistrationProof::Token(t.to_owned())),
            (None, Some(password)) => c
                .check("password", bounded(password))
                .map(|p| RegistrationProof::Password(p.to_owned())),
            (Some(_), Some(_)) => c.check(
                "password",
                Err(Invalid(
                    "give either registration_token or password, not both".into(),
                )),
            ),
            (None, None) => c.check(
                "registration_token",
                Err(Invalid(
                    "is required (or the password chosen at registration)".into(),
                )),
            ),
        };
        let link_token = c.check("link_token", link_token(self.link_token.as_deref()));
        let all = email.zip(code).zip(proof).zip(link_token).map(
            |(((email, code), proof), link_token)| EmailVerification {
                email,
                code,
                proof,
                link_token,
            },
        );
        c.finish(all)
    }
}

/// An optional link token: empty means absent.
fn link_token(token: Option<&str>) -> Result<Option<String>, Invalid> {
    match token.filter(|t| !t.is_empty()) {
        Some(t) => bounded(t).map(|t| Some(t.to_owned())),
        None => Ok(None),
    }
}

pub(crate) fn bounded(s: &str) -> Result<&str, Invalid> {
    if s.chars().count() > MAX_PROOF_LEN {
        Err(Invalid(format!(
            "must be at most {MAX_PROOF_LEN} characters"
        )))
    } else {
        Ok(s)
    }
}

/// Body of `resend-code`: with the `registration_token`, the code of that registration is sent again;
/// without it, the code of the newest pending registration of the address.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResendCodeRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice@example.com", format = "email", max_length = 254)
    )]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub registration_token: Option<String>,
}

impl fmt::Debug for ResendCodeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResendCodeRequest")
            .field("email", &self.email)
            .field(
                "registration_token",
                &self.registration_token.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

impl ResendCodeRequest {
    pub fn validate(&self) -> Result<(Email, Option<String>), FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        let token = match self.registration_token.as_deref().filter(|t| !t.is_empty()) {
            Some(token) => c
                .check("registration_token", bounded(token))
                .map(|t| Some(t.to_owned())),
            None => Some(None),
        };
        c.finish(email.zip(token))
    }
}

/// Body of `resend-code` and `password/forgot`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice@example.com", format = "email", max_length = 254)
    )]
    pub email: String,
}

impl EmailRequest {
    pub fn validate(&self) -> Result<Email, FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        c.finish(email)
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The username or the e-mail address, either ignoring case.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice", min_length = 1, pattern = r"\S")
    )]
    pub login: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("login", &self.login)
            .field("password", &REDACTED)
            .finish()
    }
}

impl LoginRequest {
    /// Only emptiness is checked: telling a person that their login "is not a valid username" would
    /// reveal nothing useful and would refuse logins made before a rule changed.
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut c = Checker::default();
        let login = c.check("login", non_empty(self.login.trim()));
        let password = c.check("password", non_empty(&self.password));
        c.finish(login.zip(password))
    }
}

pub(crate) fn non_empty(s: &str) -> Result<String, Invalid> {
    if s.is_empty() {
        Err(Invalid("is required".into()))
    } else {
        Ok(s.to_owned())
    }
}

#[derive(Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// Omit it to use the `refresh_token` cookie instead.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshRequest")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice@example.com", format = "email", max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "042917", pattern = "^[0-9]{6}$")
    )]
    pub code: String,
    /// 8 to 128 characters, not common or guessable, not containing the username or address.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
    /// The `link` value of the mailed link's fragment, when the code came by that link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub link_token: Option<String>,
}

impl fmt::Debug for ResetPasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResetPasswordRequest")
            .field("email", &self.email)
            .field("code", &REDACTED)
            .field("new_password", &REDACTED)
            .field("link_token", &self.link_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

#[derive(Debug)]
pub struct PasswordReset {
    pub email: Email,
    pub code: OtpCode,
    pub new_password: Password,
    pub link_token: Option<String>,
}

impl ResetPasswordRequest {
    pub fn validate(&self) -> Result<PasswordReset, FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        let code = c.check("code", OtpCode::parse(&self.code));
        let password = c.check("new_password", Password::parse(&self.new_password));
        let link_token = c.check("link_token", link_token(self.link_token.as_deref()));
        let all = email.zip(code).zip(password).zip(link_token).map(
            |(((email, code), new_password), link_token)| PasswordReset {
                email,
                code,
                new_password,
                link_token,
            },
        );
        c.finish(all)
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub current_password: String,
    /// 8 to 128 characters, not common or guessable, not containing the username or address.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

impl fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChangePasswordRequest")
            .field("current_password", &REDACTED)
            .field("new_password", &REDACTED)
            .finish()
    }
}

impl ChangePasswordRequest {
    pub fn validate(&self) -> Result<(String, Password), FieldErrors> {
        let mut c = Checker::default();
        let current = c.check("current_password", non_empty(&self.current_password));
        let new = c.check("new_password", Password::parse(&self.new_password));
        c.finish(current.zip(new))
    }
}

/// Answer to register: a code has been queued for e-mail, and the token that proves who registered.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisteredResponse {
    pub email: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// Seconds from now until `expires_at`.
    pub expires_in: i64,
    /// The earliest time another code may be requested.
    pub resend_after: DateTime<Utc>,
    /// Opaque; send it with the code to `verify-email` (and to `resend-code`). Only this registration's
    /// code, with this token or the password chosen here, activates it.
    pub registration_token: String,
}

impl fmt::Debug for RegisteredResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredResponse")
            .field("email", &self.email)
            .field("expires_at", &self.expires_at)
            .field("resend_after", &self.resend_after)
            .field("registration_token", &REDACTED)
            .finish_non_exhaustive()
    }
}

impl RegisteredResponse {
    pub fn new(sent: CodeSentResponse, registration_token: String) -> Self {
        Self {
            email: sent.email,
            expires_at: sent.expires_at,
            expires_in: sent.expires_in,
            resend_after: sent.resend_after,
            registration_token,
        }
    }

    /// The code part of the answer, as resend-code gives it.
    pub fn sent(&self) -> CodeSentResponse {
        CodeSentResponse {
            email: self.email.clone(),
            expires_at: self.expires_at,
            expires_in: self.expires_in,
            resend_after: self.resend_after,
        }
    }
}

/// Answer to `POST /api/me/mfa/totp/setup`: a new secret, not active until confirmed with a code.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetupResponse {
    /// The secret in base32, for typing into the app (shown in groups of four).
    pub secret: String,
    /// `otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
    pub otpauth_uri: String,
    /// The URI as a QR code, an SVG document made by the server.
    pub qr_svg: String,
}

impl fmt::Debug for TotpSetupResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpSetupResponse").finish_non_exhaustive()
    }
}

/// Body of `totp/enable`: a code from the app, proving the setup worked.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TotpCodeRequest {
    /// Six digits; spaces and dashes are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "123456", pattern = r"^[\s-]*(?:[0-9][\s-]*){6}$")
    )]
    pub code: String,
}

impl fmt::Debug for TotpCodeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TotpCodeRequest")
            .field("code", &REDACTED)
            .finish()
    }
}

/// A code of the second factor as typed: six digits from the app, or a recovery code.
#[derive(Clone, PartialEq, Eq)]
pub enum FactorCode {
    Totp(String),
    Recovery(String),
}

impl fmt::Debug for FactorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Totp(_) => f.write_str("Totp([REDACTED])"),
            Self::Recovery(_) => f.write_str("Recovery([REDACTED])"),
        }
    }
}

impl FactorCode {
    /// Six digits (spaces ignored) are an app code; ten letters and digits (dashes and spaces ignored,
    /// any case) a recovery code.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.len() == 6 && compact.chars().all(|c| c.is_ascii_digit()) {
            return Ok(Self::Totp(compact));
        }
        if compact.len() == RECOVERY_CODE_LEN && compact.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Ok(Self::Recovery(compact.to_ascii_lowercase()));
        }
        Err(Invalid(
            "must be the 6 digits from your authenticator app or a recovery code".into(),
        ))
    }
}

/// Characters of a recovery code, dashes left out.
pub const RECOVERY_CODE_LEN: usize = 10;

impl TotpCodeRequest {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut c = Checker::default();
        let code = match FactorCode::parse(&self.code) {
            Ok(FactorCode::Totp(code)) => Some(code),
            _ => c.check(
                "code",
                Err::<String, _>(Invalid(
                    "must be the 6 digits from your authenticator app".into(),
                )),
            ),
        };
        c.finish(code)
    }
}

/// Body of `totp/disable` and `recovery-codes`: the password and a code of the factor.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordAndCodeRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
    /// Six digits from the app, or a ten-character recovery code; spaces and dashes are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "123456",
            max_length = 64,
            pattern = r"^[\s-]*(?:(?:[0-9][\s-]*){6}|(?:[A-Za-z0-9][\s-]*){10})$"
        )
    )]
    pub code: String,
}

impl fmt::Debug for PasswordAndCodeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordAndCodeRequest")
            .field("password", &REDACTED)
            .field("code", &REDACTED)
            .finish()
    }
}

impl PasswordAndCodeRequest {
    pub fn validate(&self) -> Result<(String, FactorCode), FieldErrors> {
        let mut c = Checker::default();
        let password = c.check("password", non_empty(&self.password));
        let code = c.check("code", FactorCode::parse(&self.code));
        c.finish(password.zip(code))
    }
}

/// Body of `DELETE /api/me`: the password, and a code of the second factor when it is on.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub password: String,
    /// Six digits from the app, or a recovery code; required when the second factor is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "123456", max_length = 64))]
    pub code: Option<String>,
}

impl fmt::Debug for DeleteAccountRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeleteAccountRequest")
            .field("password", &REDACTED)
            .field("code", &self.code.as_ref().map(|_| REDACTED))
            .finish()
    }
}

impl DeleteAccountRequest {
    pub fn validate(&self) -> Result<(String, Option<FactorCode>), FieldErrors> {
        let mut c = Checker::default();
        let password = c.check("password", non_empty(&self.password));
        let code = match self.code.as_deref() {
            None => Some(None),
            Some(code) => c.check("code", FactorCode::parse(code)).map(Some),
        };
        c.finish(password.zip(code))
    }
}

/// Ten single-use recovery codes, shown this once.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCodesResponse {
    #[cfg_attr(feature = "openapi", schema(example = json!(["k7qm-2xw9p", "…"])))]
    pub recovery_codes: Vec<String>,
}

impl fmt::Debug for RecoveryCodesResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecoveryCodesResponse")
            .field("recovery_codes", &self.recovery_codes.len())
            .finish()
    }
}

/// Body of `POST /api/auth/login/mfa`: the second step of a login.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MfaLoginRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub mfa_token: String,
    /// Six digits from the app, or a ten-character recovery code; spaces and dashes are ignored.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "123456",
            max_length = 64,
            pattern = r"^[\s-]*(?:(?:[0-9][\s-]*){6}|(?:[A-Za-z0-9][\s-]*){10})$"
        )
    )]
    pub code: String,
}

impl fmt::Debug for MfaLoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaLoginRequest")
            .field("mfa_token", &REDACTED)
            .field("code", &REDACTED)
            .finish()
    }
}

impl MfaLoginRequest {
    pub fn validate(&self) -> Result<(String, FactorCode), FieldErrors> {
        let mut c = Checker::default();
        let token = c.check(
            "mfa_token",
            non_empty(&self.mfa_token).and_then(|t| bounded(&t).map(str::to_owned)),
        );
        let code = c.check("code", FactorCode::parse(&self.code));
        c.finish(token.zip(code))
    }
}

/// Body of `POST /api/auth/login/code/verify`: sign in with an e-mailed code instead of a password.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginCodeRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice@example.com", format = "email", max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "042917", pattern = "^[0-9]{6}$")
    )]
    pub code: String,
    /// The `link` value of the mailed link's fragment, when the code came by that link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub link_token: Option<String>,
}

impl fmt::Debug for LoginCodeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginCodeRequest")
            .field("email", &self.email)
            .field("code", &REDACTED)
            .field("link_token", &self.link_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

#[derive(Debug)]
pub struct LoginByCode {
    pub email: Email,
    pub code: OtpCode,
    pub link_token: Option<String>,
}

impl LoginCodeRequest {
    pub fn validate(&self) -> Result<LoginByCode, FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        let code = c.check("code", OtpCode::parse(&self.code));
        let link_token = c.check("link_token", link_token(self.link_token.as_deref()));
        let all = email
            .zip(code)
            .zip(link_token)
            .map(|((email, code), link_token)| LoginByCode {
                email,
                code,
                link_token,
            });
        c.finish(all)
    }
}

/// Answer to register, resend-code and password/forgot: a code has been queued for e-mail.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeSentResponse {
    pub email: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// Seconds from now until `expires_at`.
    pub expires_in: i64,
    /// The earliest time another code may be requested.
    pub resend_after: DateTime<Utc>,
}

/// What a mailed code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CodePurpose {
    VerifyEmail,
    PasswordReset,
    Login,
}

/// Body of `POST /api/auth/code-status`: the address, code and link token of a mailed link, so a page
/// opened from it in another browser can show how long the code has left.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeStatusRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "alice@example.com", format = "email", max_length = 254)
    )]
    pub email: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "042917", pattern = "^[0-9]{6}$")
    )]
    pub code: String,
    /// The `link` value of the mailed link's fragment.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub link_token: String,
    pub purpose: CodePurpose,
}

impl fmt::Debug for CodeStatusRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CodeStatusRequest")
            .field("email", &self.email)
            .field("code", &REDACTED)
            .field("link_token", &REDACTED)
            .field("purpose", &self.purpose)
            .finish()
    }
}

/// A checked [`CodeStatusRequest`].
#[derive(Debug)]
pub struct CodeStatusQuery {
    pub email: Email,
    pub code: OtpCode,
    pub link_token: String,
    pub purpose: CodePurpose,
}

impl CodeStatusRequest {
    pub fn validate(&self) -> Result<CodeStatusQuery, FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        let code = c.check("code", OtpCode::parse(&self.code));
        let token = c.check(
            "link_token",
            link_token(Some(&self.link_token)).and_then(|t| {
                t.ok_or_else(|| Invalid("is required: the `link` value of the mailed link".into()))
            }),
        );
        let all = email.zip(code).zip(token);
        c.finish(all.map(|((email, code), link_token)| CodeStatusQuery {
            email,
            code,
            link_token,
            purpose: self.purpose,
        }))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub mfa_enabled: bool,
    #[cfg_attr(feature = "openapi", schema(example = "user"))]
    pub role: String,
    pub created_at: DateTime<Utc>,
    /// The language of the account's mails (and of the client, once signed in): chosen from the
    /// browser's at registration, changed with `PUT /api/me/language`.
    #[serde(default)]
    pub language: Language,
}

/// Body of `PUT /api/me/language`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageChange {
    /// One of the portal's language codes (a tag such as `de-AT` names its language); an unknown one is
    /// `422 validation_failed` with `errors.language`.
    pub language: Language,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer`: EdDSA, verifiable with `/.well-known/jwks.json` (HS256 when the
    /// server is configured with a shared `JWT_SECRET`).
    pub access_token: String,
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    /// Seconds the access token stays valid.
    pub expires_in: i64,
    /// Opaque, single use: each refresh returns a new one. Also set as an HttpOnly cookie.
    pub refresh_token: String,
    pub user: User,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &REDACTED)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("refresh_token", &REDACTED)
            .field("user", &self.user)
            .finish()
    }
}

/// Answer to a login whose password was right but whose account needs a second factor.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MfaRequiredResponse {
    pub mfa_required: bool,
    pub mfa_token: String,
    /// How the second step can be made: `totp`, `recovery_code`, and `passkey` when the account has one
    /// (`POST /api/auth/passkey/second-factor/options`).
    pub methods: Vec<String>,
}

impl fmt::Debug for MfaRequiredResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MfaRequiredResponse")
            .field("mfa_required", &self.mfa_required)
            .field("mfa_token", &REDACTED)
            .field("methods", &self.methods)
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum LoginResponse {
    Tokens(TokenResponse),
    MfaRequired(MfaRequiredResponse),
}

/// One signed-in device or client, as listed on the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session the request was made with.
    pub current: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    #[cfg_attr(feature = "openapi", schema(example = "ok"))]
    pub status: String,
    #[cfg_attr(feature = "openapi", schema(example = "ok"))]
    pub database: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_reports_every_bad_field_at_once() {
        let req = RegisterRequest {
            username: "a!".into(),
            email: "nope".into(),
            password: "short".into(),
        };
        let errors = req.validate().err().unwrap();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["email", "password", "username"]
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let raw = r#"{"email":"a@example.com","admin":true}"#;
        let err = serde_json::from_str::<EmailRequest>(raw).unwrap_err();
        assert!(err.to_string().contains("unknown field `admin`"), "{err}");
    }

    #[test]
    fn secrets_never_reach_debug_output() {
        let register = RegisterRequest {
            username: "alice".into(),
            email: "alice@example.com".into(),
            password: "hunter2hunter2".into(),
        };
        let verify = VerifyEmailRequest {
            email: "alice@example.com".into(),
            code: "123456".into(),
            registration_token: Some("tok3n-value".into()),
            password: Some("hunter2hunter2".into()),
            link_token: None,
        };
        let printed = format!("{register:?} {verify:?} {:?}", verify.validate());
        for secret in ["hunter2hunter2", "123456", "tok3n-value"] {
            assert!(!printed.contains(secret), "{secret} printed in {printed}");
        }
        assert!(printed.contains("alice@example.com"));
    }

    fn verify_request(token: Option<&str>, password: Option<&str>) -> VerifyEmailRequest {
        VerifyEmailRequest {
            email: "alice@example.com".into(),
            code: "123456".into(),
            registration_token: token.map(str::to_owned),
            password: password.map(str::to_owned),
            link_token: None,
        }
    }

    #[test]
    fn verification_needs_the_token_or_the_password_but_not_both() {
        let by_token = verify_request(Some("t"), None).validate().unwrap();
        assert_eq!(by_token.proof, RegistrationProof::Token("t".into()));
        let by_password = verify_request(None, Some("pw")).validate().unwrap();
        assert_eq!(by_password.proof, RegistrationProof::Password("pw".into()));
        let neither = verify_request(None, None).validate().unwrap_err();
        assert!(neither.contains_key("registration_token"), "{neither:?}");
        let empty = verify_request(Some(""), Some("")).validate().unwrap_err();
        assert!(empty.contains_key("registration_token"), "{empty:?}");
        let both = verify_request(Some("t"), Some("pw"))
            .validate()
            .unwrap_err();
        assert!(both.contains_key("password"), "{both:?}");
        let long = "x".repeat(129);
        let too_long = verify_request(Some(&long), None).validate().unwrap_err();
        assert!(too_long.contains_key("registration_token"), "{too_long:?}");
    }

    #[test]
    fn a_factor_code_is_six_digits_or_a_recovery_code() {
        assert_eq!(
            FactorCode::parse(" 123 456 ").unwrap(),
            FactorCode::Totp("123456".into())
        );
        assert_eq!(
            FactorCode::parse("K7QM2-XW9PA").unwrap(),
            FactorCode::Recovery("k7qm2xw9pa".into())
        );
        for bad in ["12345", "1234567", "abc", "k7qm2-xw9p!", ""] {
            assert!(FactorCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn refresh_body_may_omit_the_token() {
        let req: RefreshRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(req.refresh_token, None);
    }
}
