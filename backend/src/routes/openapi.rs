//! `/api/openapi.json`, generated from the handlers' annotations and the shared types.

use actix_web::HttpResponse;
use shared::api::{
    CodeSentResponse, EmailRequest, HealthResponse, LoginRequest, LoginResponse,
    MfaRequiredResponse, RefreshRequest, RegisterRequest, ResetPasswordRequest, SessionInfo,
    TokenResponse, User, VerifyEmailRequest,
};
use shared::problem::{Problem, ProblemCode};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "OTP Portal", description = "Registration with e-mailed one-time codes, login and sessions. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`."),
    paths(
        super::auth::register, super::auth::verify_email, super::auth::resend_code, super::auth::login,
        super::auth::refresh, super::auth::logout, super::auth::forgot_password, super::auth::reset_password,
        super::me::me, super::me::sessions, super::me::revoke_session,
        super::health::health, openapi_json,
    ),
    components(schemas(
        RegisterRequest, VerifyEmailRequest, EmailRequest, LoginRequest, RefreshRequest, ResetPasswordRequest,
        CodeSentResponse, TokenResponse, MfaRequiredResponse, LoginResponse, User, SessionInfo, HealthResponse,
        Problem, ProblemCode,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Registration, verification, login, sessions and recovery"),
        (name = "account", description = "The signed-in account"),
        (name = "operations", description = "Health and description"),
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

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3.1 description of the API", content_type = "application/json")))]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
