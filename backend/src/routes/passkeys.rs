//! Passkeys: `/api/me/passkeys` (the signed-in account's), `/api/auth/passkey/…` (signing in with one,
//! or using one as the second step), and the admin's removal.

use actix_web::{web, HttpRequest, HttpResponse};
use shared::api::{LoginResponse, TokenResponse};
use shared::passkeys::{
    PasskeyInfo, PasskeyLoginRequest, PasskeyOptionsResponse, PasskeyRegistrationOptionsRequest,
    PasskeyRegistrationRequest, PasskeyRenameRequest, PasskeySecondFactorOptionsRequest,
    PasskeySecondFactorRequest,
};
use shared::problem::Problem;

use super::auth::{device_cookie, sign_in_response, signed_in};
use super::json::Json;
use super::{blocking, blocking_hashing, client_limit, client_meta};
use crate::auth::extractor::{AdminUser, AuthUser};
use crate::error::AppError;
use crate::services::flow::Flow;
use crate::services::limits::ClientBudget;
use crate::services::{now, passkeys, Ctx};

fn options(options: PasskeyOptionsResponse) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(options)
}

/// The account's passkeys, oldest first.
#[utoipa::path(get, path = "/api/me/passkeys", tag = "passkeys", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<PasskeyInfo>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(ctx: web::Data<Ctx>, AuthUser(auth): AuthUser) -> Result<HttpResponse, AppError> {
    let ctx = ctx.get_ref().clone();
    let list = blocking(move || passkeys::list(&ctx, &auth)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Start adding a passkey (the password confirms it is the owner): options for
/// `navigator.credentials.create()`, bound to this session, answerable once within 5 minutes.
#[utoipa::path(post, path = "/api/me/passkeys/options", tag = "passkeys", security(("bearer" = [])),
    request_body = PasskeyRegistrationOptionsRequest,
    responses(
        (status = 200, description = "`public_key` is `PublicKeyCredentialCreationOptionsJSON`", body = PasskeyOptionsResponse),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`passkeys_unavailable`: `PUBLIC_URL` is not an https:// domain (or localhost)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`too_many_passkeys`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the password is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn registration_options(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<PasskeyRegistrationOptionsRequest>,
) -> Result<HttpResponse, AppError> {
    let password = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let ctx = ctx.get_ref().clone();
    let started = blocking_hashing(ctx.hasher.admit()?, move || {
        passkeys::registration_options(Flow::new(&ctx, &meta, now()), &auth, &password)
    })
    .await?;
    Ok(options(started))
}

/// Finish adding a passkey with the browser's answer (`credential.toJSON()`); the owner gets a mail.
#[utoipa::path(post, path = "/api/me/passkeys", tag = "passkeys", security(("bearer" = [])),
    request_body = PasskeyRegistrationRequest,
    responses(
        (status = 201, description = "Added", body = PasskeyInfo),
        (status = 400, description = "`passkey_refused`: the answer did not verify (another origin, another challenge, a bad signature)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`passkeys_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`too_many_passkeys`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`passkey_challenge_invalid`: unknown, answered, expired, or another session's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a bad name, a malformed credential, or a passkey already registered", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<PasskeyRegistrationRequest>,
) -> Result<HttpResponse, AppError> {
    let (ceremony_id, name, credential) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    let added = blocking(move || {
        passkeys::register(
            Flow::new(&ctx, &meta, now()),
            &auth,
            &ceremony_id,
            &name,
            credential,
        )
    })
    .await?;
    Ok(HttpResponse::Created().json(added))
}

/// Rename one of the account's passkeys.
#[utoipa::path(patch, path = "/api/me/passkeys/{id}", tag = "passkeys", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Passkey id")),
    request_body = PasskeyRenameRequest,
    responses(
        (status = 200, description = "Renamed", body = PasskeyInfo),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such passkey of this account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn rename(
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    path: web::Path<String>,
    Json(body): Json<PasskeyRenameRequest>,
) -> Result<HttpResponse, AppError> {
    let name = body.validate().map_err(AppError::Validation)?;
    let id = path.into_inner();
    let ctx = ctx.get_ref().clone();
    let renamed = blocking(move || passkeys::rename(&ctx, &auth, &id, &name)).await?;
    Ok(HttpResponse::Ok().json(renamed))
}

/// Remove one of the account's passkeys; the owner gets a mail.
#[utoipa::path(delete, path = "/api/me/passkeys/{id}", tag = "passkeys", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Passkey id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such passkey of this account", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    blocking(move || passkeys::delete(Flow::new(&ctx, &meta, now()), &auth.user_id, &id, None))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start signing in with a passkey: options for `navigator.credentials.get()` with no username (the
/// browser offers the passkeys it has for this site; with `mediation: "conditional"` in the username
/// field's autofill). Answerable once within 5 minutes.
#[utoipa::path(post, path = "/api/auth/passkey/login/options", tag = "passkeys",
    responses(
        (status = 200, description = "`public_key` is `PublicKeyCredentialRequestOptionsJSON`", body = PasskeyOptionsResponse),
        (status = 404, description = "`passkeys_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login_options(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
) -> Result<HttpResponse, AppError> {
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Refreshes, &meta).await?;
    let ctx = ctx.get_ref().clone();
    let started = blocking(move || passkeys::sign_in_options(&ctx, now())).await?;
    Ok(options(started))
}

/// Sign in with the browser's answer (`credential.toJSON()`). A passkey that verified its user signs
/// in alone; one that did not, on an account with a second factor, answers `mfa_required` (finish with
/// the app or a recovery code).
#[utoipa::path(post, path = "/api/auth/passkey/login", tag = "passkeys", request_body = PasskeyLoginRequest,
    responses(
        (status = 200, description = "Signed in, or the second step is required", body = LoginResponse),
        (status = 400, description = "`passkey_refused`: unknown passkey, another origin, a replayed or cloned answer", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`account_disabled`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`passkeys_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`passkey_challenge_invalid`: unknown, answered or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a malformed credential", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<PasskeyLoginRequest>,
) -> Result<HttpResponse, AppError> {
    let (ceremony_id, credential) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let device = device_cookie(&req);
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    let sign_in = blocking(move || {
        passkeys::sign_in(
            Flow::new(&ctx2, &meta, now()),
            &ceremony_id,
            credential,
            device.as_deref(),
        )
    })
    .await?;
    Ok(sign_in_response(&ctx, &req, sign_in))
}

/// Start a passkey as the second step of a login: options allowing the account's passkeys, bound to
/// the `mfa_token`.
#[utoipa::path(post, path = "/api/auth/passkey/second-factor/options", tag = "passkeys",
    request_body = PasskeySecondFactorOptionsRequest,
    responses(
        (status = 200, description = "`public_key` is `PublicKeyCredentialRequestOptionsJSON`", body = PasskeyOptionsResponse),
        (status = 401, description = "`invalid_token`: the `mfa_token` is unknown, used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`passkeys_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`passkey_not_available`: the account has no passkey, or this login began with one", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn second_factor_options(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<PasskeySecondFactorOptionsRequest>,
) -> Result<HttpResponse, AppError> {
    let token = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Refreshes, &meta).await?;
    let ctx = ctx.get_ref().clone();
    let started = blocking(move || passkeys::second_factor_options(&ctx, &token, now())).await?;
    Ok(options(started))
}

/// Finish the second step of a login with a passkey.
#[utoipa::path(post, path = "/api/auth/passkey/second-factor", tag = "passkeys",
    request_body = PasskeySecondFactorRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "`passkey_refused` (counts as a wrong code)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_token`: the `mfa_token` is unknown, used, expired or void after 5 failures", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`passkeys_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`passkey_not_available`: this login began with a passkey", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`passkey_challenge_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn second_factor(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<PasskeySecondFactorRequest>,
) -> Result<HttpResponse, AppError> {
    let (token, ceremony_id, credential) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let device = device_cookie(&req);
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    let done = blocking(move || {
        passkeys::second_factor(
            Flow::new(&ctx2, &meta, now()),
            &token,
            &ceremony_id,
            credential,
            device.as_deref(),
        )
    })
    .await?;
    Ok(signed_in(&ctx, &req, done.tokens, done.device))
}

/// Remove a passkey of an account; its owner gets a mail.
#[utoipa::path(delete, path = "/api/admin/users/{id}/passkeys/{passkey_id}", tag = "admin", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Account id"),
        ("passkey_id" = uuid::Uuid, Path, description = "Passkey id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn admin_delete(
    AdminUser(admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (user_id, id) = path.into_inner();
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    blocking(move || {
        passkeys::delete(
            Flow::new(&ctx, &meta, now()),
            &user_id,
            &id,
            Some(&admin.user_id),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
