//! Request and response bodies of the HTTP contract. Requests carry raw strings (so a bad value is reported
//! per field rather than as a decoding failure) and turn into domain values through `validate`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{Email, Invalid, OtpCode, Password, Username};

/// Messages per field, as in the `errors` member of a `validation_failed` problem.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Collects the errors of several fields so one response reports all of them.
#[derive(Default)]
struct Checker {
    errors: FieldErrors,
}

impl Checker {
    fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        result
            .map_err(|e| self.errors.entry(field.to_owned()).or_default().push(e.0))
            .ok()
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, FieldErrors> {
        match value {
            Some(v) if self.errors.is_empty() => Ok(v),
            _ => Err(self.errors),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
}

impl VerifyEmailRequest {
    pub fn validate(&self) -> Result<(Email, OtpCode), FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        let code = c.check("code", OtpCode::parse(&self.code));
        c.finish(email.zip(code))
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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

fn non_empty(s: &str) -> Result<String, Invalid> {
    if s.is_empty() {
        Err(Invalid("is required".into()))
    } else {
        Ok(s.to_owned())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// Omit it to use the `refresh_token` cookie instead.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
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
}

impl ResetPasswordRequest {
    pub fn validate(&self) -> Result<(Email, OtpCode, Password), FieldErrors> {
        let mut c = Checker::default();
        let email = c.check("email", Email::parse(&self.email));
        let code = c.check("code", OtpCode::parse(&self.code));
        let password = c.check("new_password", Password::parse(&self.new_password));
        let all = email.zip(code).zip(password).map(|((e, c), p)| (e, c, p));
        c.finish(all)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub current_password: String,
    /// 8 to 128 characters, not common or guessable, not containing the username or address.
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

impl ChangePasswordRequest {
    pub fn validate(&self) -> Result<(String, Password), FieldErrors> {
        let mut c = Checker::default();
        let current = c.check("current_password", non_empty(&self.current_password));
        let new = c.check("new_password", Password::parse(&self.new_password));
        c.finish(current.zip(new))
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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// HS256 JWT for `Authorization: Bearer`.
    pub access_token: String,
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    /// Seconds the access token stays valid.
    pub expires_in: i64,
    /// Opaque, single use: each refresh returns a new one. Also set as an HttpOnly cookie.
    pub refresh_token: String,
    pub user: User,
}

/// Answer to a login whose password was right but whose account needs a second factor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MfaRequiredResponse {
    pub mfa_required: bool,
    pub mfa_token: String,
    pub methods: Vec<String>,
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
    fn refresh_body_may_omit_the_token() {
        let req: RefreshRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(req.refresh_token, None);
    }
}
