//! `/api/me`: the signed-in account, its sessions and its second factor (the dashboard's data).

use actix_web::{web, HttpRequest, HttpResponse};
use shared::admin::AccountExport;
use shared::api::{
    ChangePasswordRequest, DeleteAccountRequest, LanguageChange, PasswordAndCodeRequest,
    RecoveryCodesResponse, SessionInfo, TotpCodeRequest, TotpSetupResponse, User,
};
use shared::problem::Problem;

use super::json::Json;
use super::{blocking, blocking_hashing, client_limit, client_meta};
use crate::auth::extractor::AuthUser;
use crate::error::AppError;
use crate::services::flow::Flow;
use crate::services::limits::ClientBudget;
use crate::services::{account, mfa, now, recovery, sessions, Ctx};

/// The signed-in account.
#[utoipa::path(get, path = "/api/me", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, body = User),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(ctx: web::Data<Ctx>, AuthUser(auth): AuthUser) -> Result<HttpResponse, AppError> {
    // Held in memory for a signed-in account: answered without a blocking task.
    if let Some(user) = ctx.auth.user_after_check(&auth.user_id) {
        return Ok(HttpResponse::Ok().json(user));
    }
    let ctx = ctx.get_ref().clone();
    let user = blocking(move || sessions::me(&ctx, &auth)).await?;
    Ok(HttpResponse::Ok().json(user))
}

/// The account's open sessions, most recently used first; `current` marks the caller's.
#[utoipa::path(get, path = "/api/me/sessions", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, body = Vec<SessionInfo>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sessions(
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let ctx = ctx.get_ref().clone();
    let list = blocking(move || sessions::list(&ctx, &auth, now())).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Sign out one of the account's sessions (a lost device, say).
#[utoipa::path(delete, path = "/api/me/sessions/{id}", tag = "account", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Session id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such open session of this account", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_session(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    blocking(move || sessions::revoke_own(Flow::new(&ctx, &meta, now()), &auth, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change the password: the current one is required; every other session is signed out and the owner
/// gets a mail.
#[utoipa::path(post, path = "/api/me/password", tag = "account", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; the other sessions are revoked"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the current password is wrong, or the new one is refused (`errors` says why)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<ChangePasswordRequest>,
) -> Result<HttpResponse, AppError> {
    let (current, new_password) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let ctx = ctx.get_ref().clone();
    blocking_hashing(ctx.hasher.admit()?, move || {
        recovery::change_password(
            Flow::new(&ctx, &meta, now()),
            &auth,
            &current,
            &new_password,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start setting up the authenticator app: a new secret, its `otpauth://` URI and QR code. Nothing is
/// on until `totp/enable` confirms a code; a second setup replaces an unconfirmed one.
#[utoipa::path(post, path = "/api/me/mfa/totp/setup", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, description = "A new secret to add to the app", body = TotpSetupResponse),
        (status = 409, description = "`mfa_already_enabled`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn totp_setup(
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let ctx = ctx.get_ref().clone();
    let setup = blocking(move || mfa::setup(&ctx, &auth, now())).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(setup))
}

/// Confirm the setup with a code from the app: the second factor is on; ten recovery codes, shown once.
#[utoipa::path(post, path = "/api/me/mfa/totp/enable", tag = "account", security(("bearer" = [])),
    request_body = TotpCodeRequest,
    responses(
        (status = 200, description = "On; keep these recovery codes", body = RecoveryCodesResponse),
        (status = 400, description = "`invalid_code`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_not_set_up` or `mfa_already_enabled`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn totp_enable(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<TotpCodeRequest>,
) -> Result<HttpResponse, AppError> {
    let code = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::CodeChecks, &meta).await?;
    let ctx = ctx.get_ref().clone();
    let codes = blocking(move || mfa::enable(Flow::new(&ctx, &meta, now()), &auth, &code)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(codes))
}

/// Turn the second factor off: the password and a code (from the app, or a recovery code).
#[utoipa::path(post, path = "/api/me/mfa/totp/disable", tag = "account", security(("bearer" = [])),
    request_body = PasswordAndCodeRequest,
    responses(
        (status = 204, description = "Off"),
        (status = 400, description = "`invalid_code`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_not_set_up`: the factor is not on", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the password is wrong (`errors.password`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many wrong passwords from this client or for this account (the login's pause)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn totp_disable(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<PasswordAndCodeRequest>,
) -> Result<HttpResponse, AppError> {
    let (password, code) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let ctx = ctx.get_ref().clone();
    blocking_hashing(ctx.hasher.admit()?, move || {
        mfa::disable(Flow::new(&ctx, &meta, now()), &auth, &password, &code)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Ten new recovery codes; every older one stops working. The password and a code are required.
#[utoipa::path(post, path = "/api/me/mfa/recovery-codes", tag = "account", security(("bearer" = [])),
    request_body = PasswordAndCodeRequest,
    responses(
        (status = 200, description = "New codes; keep them", body = RecoveryCodesResponse),
        (status = 400, description = "`invalid_code`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_not_set_up`: the factor is not on", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the password is wrong (`errors.password`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many wrong passwords from this client or for this account (the login's pause)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn recovery_codes(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<PasswordAndCodeRequest>,
) -> Result<HttpResponse, AppError> {
    let (password, code) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let ctx = ctx.get_ref().clone();
    let codes = blocking_hashing(ctx.hasher.admit()?, move || {
        mfa::regenerate_recovery_codes(Flow::new(&ctx, &meta, now()), &auth, &password, &code)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(codes))
}

/// Choose the language of the account's mails (and of the client once signed in); audited.
#[utoipa::path(put, path = "/api/me/language", tag = "account", security(("bearer" = [])),
    request_body = LanguageChange,
    responses(
        (status = 200, description = "Changed (or already so): the account as it is now", body = User),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: not one of the portal's languages (`errors.language`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_language(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<LanguageChange>,
) -> Result<HttpResponse, AppError> {
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    let user = blocking(move || {
        account::set_language(Flow::new(&ctx, &meta, now()), &auth, body.language)
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Everything kept about the account, as one JSON document: the user, sessions (open and ended), audit
/// events, mails and code events. Never a code, a hash or a secret.
#[utoipa::path(get, path = "/api/me/export", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, body = AccountExport, headers(("Content-Disposition" = String, description = "attachment; filename=\"otp-portal-export.json\""))),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    let export = blocking(move || account::export(Flow::new(&ctx, &meta, now()), &auth)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"otp-portal-export.json\"",
        ))
        .json(export))
}

/// Delete the account: the password, and a code of the second factor when it is on. The account, its
/// sessions and codes are gone at once; the username and address are free again; a goodbye mail is sent.
#[utoipa::path(delete, path = "/api/me", tag = "account", security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "`invalid_code`: not the app's current code nor an unused recovery code", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the password is wrong, or the code is missing while the second factor is on", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_account(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
    Json(body): Json<DeleteAccountRequest>,
) -> Result<HttpResponse, AppError> {
    let (password, code) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let ctx = ctx.get_ref().clone();
    blocking_hashing(ctx.hasher.admit()?, move || {
        account::delete_own(
            Flow::new(&ctx, &meta, now()),
            &auth,
            &password,
            code.as_ref(),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
