//! `/api/openapi.json`, generated from the handlers' annotations and the shared types.

use actix_web::{web, HttpResponse};

use crate::services::Ctx;
use shared::api::{
    ChangePasswordRequest, CodeSentResponse, EmailRequest, HealthResponse, LoginCodeRequest,
    LoginRequest, LoginResponse, MfaLoginRequest, MfaRequiredResponse, PasswordAndCodeRequest,
    RecoveryCodesResponse, RefreshRequest, RegisterRequest, RegisteredResponse, ResendCodeRequest,
    ResetPasswordRequest, SessionInfo, TokenResponse, TotpCodeRequest, TotpSetupResponse, User,
    VerifyEmailRequest,
};
use shared::problem::{Problem, ProblemCode};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ObjectBuilder, OneOf, Schema, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "OTP Portal", description = "Registration with e-mailed one-time codes, login and sessions. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`."),
    paths(
        super::auth::register, super::auth::verify_email, super::auth::resend_code, super::auth::login,
        super::auth::refresh, super::auth::logout, super::auth::forgot_password, super::auth::reset_password,
        super::auth::login_mfa, super::auth::login_code, super::auth::login_code_verify,
        super::me::me, super::me::sessions, super::me::revoke_session, super::me::change_password,
        super::me::totp_setup, super::me::totp_enable, super::me::totp_disable, super::me::recovery_codes,
        super::me::export, super::me::delete_account, super::me::set_language,
        super::admin::users, super::admin::user, super::admin::disable, super::admin::enable,
        super::admin::revoke_sessions, super::admin::delete_user, super::admin::mail, super::admin::codes,
        super::admin::audit, super::admin::stats,
        super::health::health, super::captcha::challenge, super::jwks::jwks, super::auth::check, super::docs::page, super::docs::init, super::metrics::metrics, super::auth::code_status, openapi_json,
        super::passkeys::list, super::passkeys::registration_options, super::passkeys::register,
        super::passkeys::rename, super::passkeys::delete, super::passkeys::login_options, super::passkeys::login,
        super::passkeys::second_factor_options, super::passkeys::second_factor, super::passkeys::admin_delete,
    ),
    components(schemas(
        RegisterRequest, RegisteredResponse, VerifyEmailRequest, ResendCodeRequest, EmailRequest, ChangePasswordRequest, LoginRequest, RefreshRequest, ResetPasswordRequest,
        CodeSentResponse, TokenResponse, MfaRequiredResponse, LoginResponse, User, SessionInfo, HealthResponse,
        TotpSetupResponse, TotpCodeRequest, PasswordAndCodeRequest, RecoveryCodesResponse, MfaLoginRequest, LoginCodeRequest,
        Problem, ProblemCode, crate::captcha::Challenge, crate::captcha::Solution,
        shared::api::DeleteAccountRequest, shared::api::LanguageChange, shared::i18n::Language, shared::admin::AccountExport, shared::admin::AdminUser,
        shared::admin::AdminUserDetail, shared::admin::AuditEntry, shared::admin::MailEntry, shared::admin::CodeEntry,
        shared::admin::Stats, shared::admin::DayStats, shared::admin::AccountState, shared::admin::MailStatus,
        shared::admin::CodeEvent, shared::admin::Channel,
        shared::passkeys::PasskeyInfo, shared::passkeys::PasskeyOptionsResponse,
        shared::passkeys::PasskeyRegistrationOptionsRequest, shared::passkeys::PasskeyRegistrationRequest,
        shared::passkeys::PasskeyRenameRequest, shared::passkeys::PasskeyLoginRequest,
        shared::passkeys::PasskeySecondFactorOptionsRequest, shared::passkeys::PasskeySecondFactorRequest,
    )),
    modifiers(&BearerAuth, &CommonProblems, &VerificationProofs),
    tags(
        (name = "auth", description = "Registration, verification, login, sessions and recovery"),
        (name = "account", description = "The signed-in account"),
        (name = "passkeys", description = "Passkeys (WebAuthn): adding them, signing in with one, one as the second step"),
        (name = "admin", description = "Administration: needs an admin whose second factor is on"),
        (name = "operations", description = "Health and description"),
        (name = "integration", description = "What the product behind the portal uses to trust it"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// `VerifyEmailRequest` takes the registration token or the password, never both and never neither: one
/// struct carries both fields in Rust, so its schema is rewritten here as the two bodies a client can send.
struct VerificationProofs;

impl Modify for VerificationProofs {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let Some(RefOr::T(Schema::Object(object))) =
            components.schemas.get("VerifyEmailRequest").cloned()
        else {
            return;
        };
        let variant = |proof: &str, other: &str, title: &str| {
            let mut body = object.clone();
            body.properties.remove(other);
            // Required here, so a string (the struct's field is an `Option`, which allows null).
            let described = body.properties.get(proof).and_then(|p| match p {
                RefOr::T(Schema::Object(o)) => o.description.clone(),
                _ => None,
            });
            let string = ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(128))
                .description(described);
            body.properties
                .insert(proof.into(), RefOr::T(Schema::Object(string.build())));
            body.required = vec!["email".into(), "code".into(), proof.into()];
            body.title = Some(title.into());
            RefOr::T(Schema::Object(body))
        };
        let mut one_of = OneOf::new();
        one_of.items = vec![
            variant(
                "registration_token",
                "password",
                "With the registration token (the browser that registered)",
            ),
            variant(
                "password",
                "registration_token",
                "With the password chosen at registration (another device)",
            ),
        ];
        one_of.description = object.description.clone();
        components
            .schemas
            .insert("VerifyEmailRequest".into(), RefOr::T(Schema::OneOf(one_of)));
    }
}

/// The problems any JSON endpoint can answer with, whatever its handler does: they come from the body
/// extractor (`routes/json.rs`), the validation of the fields, the rate limits, the `AuthUser` extractor
/// and the database (`error.rs`). Documented once here instead of on every handler.
struct CommonProblems;

const PROBLEM_JSON: &str = "application/problem+json";

/// `(status, description)` of the problems every operation with a JSON request body can answer with.
const BODY_PROBLEMS: [(&str, &str); 7] = [
    ("400", "`malformed_json`: the body is not valid JSON"),
    ("413", "`payload_too_large`: the body is over 16 KiB"),
    ("415", "`unsupported_media_type`: the body is not sent as `application/json`"),
    ("422", "`validation_failed`: a field is missing, unknown, of the wrong type or not valid; `errors` names it"),
    ("429", "Rate limited (`rate_limited`, `resend_cooldown` or `too_many_attempts`); see `Retry-After`"),
    ("500", "`internal_error`"),
    ("503", "`service_unavailable`: the database is busy or unreachable; see `Retry-After`"),
];

/// `(status, description)` of the problems every operation behind the bearer token can answer with.
const AUTH_PROBLEMS: [(&str, &str); 3] = [
    (
        "401",
        "`unauthorized`: the bearer access token is missing, invalid, expired or revoked",
    ),
    ("500", "`internal_error`"),
    (
        "503",
        "`service_unavailable`: the database is busy or unreachable; see `Retry-After`",
    ),
];

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                if operation.request_body.is_some() {
                    add_problems(operation, &BODY_PROBLEMS);
                }
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add_problems(operation, &AUTH_PROBLEMS);
                }
            }
        }
    }
}

/// Adds each problem the operation does not document yet; a status it documents with another `code`
/// (`400 invalid_code`, say) gets this one appended to its description. `429` and `503` carry `Retry-After`.
fn add_problems(operation: &mut Operation, problems: &[(&str, &str)]) {
    for (status, description) in problems {
        let responses = &mut operation.responses.responses;
        let response = responses
            .entry((*status).to_owned())
            .or_insert_with(|| RefOr::T(problem_response(description)));
        let RefOr::T(response) = response else {
            continue;
        };
        // "`malformed_json`: ..." → "`malformed_json`", the part an existing description would mention.
        let code = description.split(':').next().unwrap_or(description);
        if code.starts_with('`') && !response.description.contains(code) {
            response.description = format!("{}; or {description}", response.description);
        }
        if matches!(*status, "429" | "503") {
            response
                .headers
                .entry("Retry-After".to_owned())
                .or_insert_with(|| {
                    HeaderBuilder::new()
                        .schema(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .minimum(Some(0)),
                        )
                        .description(Some("Seconds to wait before trying again"))
                        .build()
                });
        }
    }
}

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            Content::new(Some(Ref::from_schema_name("Problem"))),
        )
        .build()
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 description of the API", content_type = "application/json")))]
pub async fn openapi_json(ctx: web::Data<Ctx>) -> HttpResponse {
    HttpResponse::Ok().json(document(&ctx.settings.public_url))
}

/// The description, with this installation's `PUBLIC_URL` as its server: a client that imports it
/// (Postman, an OpenAPI generator) calls the right host as is.
pub fn document(public_url: &str) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.servers = Some(vec![utoipa::openapi::Server::new(public_url)]);
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_the_server_serves_is_described() {
        let doc = document("http://127.0.0.1:8080");
        let mut missing = Vec::new();
        for (method, path) in super::super::ENDPOINTS {
            let described = doc.paths.paths.get(*path).is_some_and(|item| {
                let json = serde_json::to_value(item).unwrap_or_default();
                json.get(method.to_ascii_lowercase()).is_some()
            });
            if !described {
                missing.push(format!("{method} {path}"));
            }
        }
        assert!(
            missing.is_empty(),
            "served but not in the OpenAPI document: {missing:?}"
        );
        // And nothing is described that is not served.
        let served: Vec<&str> = super::super::ENDPOINTS.iter().map(|(_, p)| *p).collect();
        let extra: Vec<&String> = doc
            .paths
            .paths
            .keys()
            .filter(|p| !served.contains(&p.as_str()))
            .collect();
        assert!(extra.is_empty(), "described but not served: {extra:?}");
    }

    #[test]
    fn the_document_names_this_installation_as_its_server() {
        let doc = serde_json::to_value(document("https://portal.example.com")).unwrap();
        assert_eq!(doc["servers"][0]["url"], "https://portal.example.com");
    }
}
