//! Passkeys (WebAuthn): the bodies of `/api/me/passkeys` and `/api/auth/passkey/…`.
//!
//! The options the server hands out are the WebAuthn JSON forms, exactly what the browser's
//! `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON` take; the
//! credential sent back is what `PublicKeyCredential.toJSON()` gives (binary fields as base64url).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::api::{bounded, non_empty, Checker, FieldErrors};
use crate::domain::Invalid;

pub const PASSKEY_NAME_MAX_LEN: usize = 64;
/// Generous for any real authenticator's answer, small enough that nobody stores megabytes.
pub const CREDENTIAL_JSON_MAX_LEN: usize = 8 * 1024;
const CEREMONY_ID_MAX_LEN: usize = 128;

/// A passkey's name: trimmed, 1 to 64 characters, no control characters.
pub fn passkey_name(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Invalid("is required".into()));
    }
    if name.chars().count() > PASSKEY_NAME_MAX_LEN {
        return Err(Invalid(format!(
            "must be at most {PASSKEY_NAME_MAX_LEN} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid("must not contain control characters".into()));
    }
    Ok(name.to_owned())
}

fn ceremony_id(raw: &str) -> Result<String, Invalid> {
    if raw.is_empty() {
        Err(Invalid("is required".into()))
    } else if raw.len() > CEREMONY_ID_MAX_LEN {
        Err(Invalid(format!(
            "must be at most {CEREMONY_ID_MAX_LEN} characters"
        )))
    } else {
        Ok(raw.to_owned())
    }
}

fn credential(raw: &Value) -> Result<Value, Invalid> {
    if !raw.is_object() {
        return Err(Invalid(
            "must be the object PublicKeyCredential.toJSON() gives".into(),
        ));
    }
    if raw.to_string().len() > CREDENTIAL_JSON_MAX_LEN {
        return Err(Invalid(format!(
            "must be at most {CREDENTIAL_JSON_MAX_LEN} bytes of JSON"
        )));
    }
    Ok(raw.clone())
}

/// One of the account's passkeys.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyInfo {
    pub id: Uuid,
    #[cfg_attr(feature = "openapi", schema(example = "Laptop"))]
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// The last sign-in or second step it served; `null` if never.
    pub last_used_at: Option<DateTime<Utc>>,
    /// It verified its user (PIN, fingerprint, face) when it was added: such a passkey signs in alone,
    /// even where the account has a second factor.
    pub user_verified: bool,
}

/// A WebAuthn ceremony the server started: pass `public_key` to the browser, send back `ceremony_id`
/// with the browser's answer within 5 minutes. Each ceremony serves one answer.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasskeyOptionsResponse {
    pub ceremony_id: String,
    /// `PublicKeyCredentialCreationOptionsJSON` (adding a passkey) or
    /// `PublicKeyCredentialRequestOptionsJSON` (signing in).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub public_key: Value,
    /// Seconds left to answer.
    pub expires_in: u64,
}

impl fmt::Debug for PasskeyOptionsResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeyOptionsResponse")
            .field("ceremony_id", &"[REDACTED]")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

/// Body of `POST /api/me/passkeys/options`: adding a sign-in method needs the password.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyRegistrationOptionsRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub password: String,
}

impl fmt::Debug for PasskeyRegistrationOptionsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeyRegistrationOptionsRequest")
            .field("password", &"[REDACTED]")
            .finish()
    }
}

impl PasskeyRegistrationOptionsRequest {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut c = Checker::default();
        let password = c.check(
            "password",
            non_empty(&self.password).and_then(|p| bounded(&p).map(str::to_owned)),
        );
        c.finish(password)
    }
}

/// Body of `POST /api/me/passkeys`: the browser's answer to the options, and the passkey's name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyRegistrationRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub ceremony_id: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Laptop", min_length = 1, max_length = 64)
    )]
    pub name: String,
    /// `RegistrationResponseJSON`: what `credential.toJSON()` gives after `navigator.credentials.create()`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: Value,
}

impl PasskeyRegistrationRequest {
    pub fn validate(&self) -> Result<(String, String, Value), FieldErrors> {
        let mut c = Checker::default();
        let id = c.check("ceremony_id", ceremony_id(&self.ceremony_id));
        let name = c.check("name", passkey_name(&self.name));
        let credential = c.check("credential", credential(&self.credential));
        c.finish(
            id.zip(name)
                .zip(credential)
                .map(|((id, name), credential)| (id, name, credential)),
        )
    }
}

/// Body of `PATCH /api/me/passkeys/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyRenameRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Phone", min_length = 1, max_length = 64)
    )]
    pub name: String,
}

impl PasskeyRenameRequest {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut c = Checker::default();
        let name = c.check("name", passkey_name(&self.name));
        c.finish(name)
    }
}

/// Body of `POST /api/auth/passkey/login`: the browser's answer to the sign-in options.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeyLoginRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub ceremony_id: String,
    /// `AuthenticationResponseJSON`: what `credential.toJSON()` gives after `navigator.credentials.get()`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: Value,
}

impl PasskeyLoginRequest {
    pub fn validate(&self) -> Result<(String, Value), FieldErrors> {
        let mut c = Checker::default();
        let id = c.check("ceremony_id", ceremony_id(&self.ceremony_id));
        let credential = c.check("credential", credential(&self.credential));
        c.finish(id.zip(credential))
    }
}

/// Body of `POST /api/auth/passkey/second-factor/options`: the login whose second step this is.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeySecondFactorOptionsRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub mfa_token: String,
}

impl fmt::Debug for PasskeySecondFactorOptionsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeySecondFactorOptionsRequest")
            .field("mfa_token", &"[REDACTED]")
            .finish()
    }
}

impl PasskeySecondFactorOptionsRequest {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut c = Checker::default();
        let token = c.check("mfa_token", ceremony_id(&self.mfa_token));
        c.finish(token)
    }
}

/// Body of `POST /api/auth/passkey/second-factor`: a passkey as the second step of a login.
#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasskeySecondFactorRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub mfa_token: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub ceremony_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub credential: Value,
}

impl fmt::Debug for PasskeySecondFactorRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasskeySecondFactorRequest")
            .field("mfa_token", &"[REDACTED]")
            .field("ceremony_id", &self.ceremony_id)
            .finish()
    }
}

impl PasskeySecondFactorRequest {
    pub fn validate(&self) -> Result<(String, String, Value), FieldErrors> {
        let mut c = Checker::default();
        let token = c.check("mfa_token", ceremony_id(&self.mfa_token));
        let id = c.check("ceremony_id", ceremony_id(&self.ceremony_id));
        let credential = c.check("credential", credential(&self.credential));
        c.finish(
            token
                .zip(id)
                .zip(credential)
                .map(|((token, id), credential)| (token, id, credential)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(passkey_name("  Laptop ").unwrap(), "Laptop");
        assert!(passkey_name("   ").is_err());
        assert!(passkey_name(&"x".repeat(65)).is_err());
        assert_eq!(passkey_name(&"ä".repeat(64)).unwrap().chars().count(), 64);
        assert!(passkey_name("a\u{7}b").is_err());
    }

    #[test]
    fn a_registration_reports_every_bad_field() {
        let request = PasskeyRegistrationRequest {
            ceremony_id: String::new(),
            name: " ".into(),
            credential: Value::String("nope".into()),
        };
        let errors = request.validate().unwrap_err();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["ceremony_id", "credential", "name"]
        );
    }

    #[test]
    fn an_oversized_credential_is_refused() {
        let request = PasskeyLoginRequest {
            ceremony_id: "c".into(),
            credential: serde_json::json!({ "id": "x".repeat(CREDENTIAL_JSON_MAX_LEN) }),
        };
        assert!(request.validate().unwrap_err().contains_key("credential"));
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let request = PasskeySecondFactorRequest {
            mfa_token: "secret-token".into(),
            ceremony_id: "c".into(),
            credential: serde_json::json!({}),
        };
        assert!(!format!("{request:?}").contains("secret-token"));
        let request = PasskeyRegistrationOptionsRequest {
            password: "hunter22".into(),
        };
        assert!(!format!("{request:?}").contains("hunter22"));
    }
}
