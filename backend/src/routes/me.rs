//! `/api/me`: the signed-in account and its sessions (the dashboard's data).

use actix_web::{web, HttpRequest, HttpResponse};
use shared::api::{ChangePasswordRequest, SessionInfo, User};
use shared::problem::Problem;

use super::json::Json;
use super::{blocking, client_meta};
use crate::auth::extractor::AuthUser;
use crate::error::AppError;
use crate::services::{now, recovery, sessions, Ctx};

/// The signed-in account.
#[utoipa::path(get, path = "/api/me", tag = "account", security(("bearer" = [])),
    responses(
        (status = 200, body = User),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(ctx: web::Data<Ctx>, AuthUser(auth): AuthUser) -> Result<HttpResponse, AppError> {
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
    blocking(move || sessions::revoke_own(&ctx, &auth, &id, &meta, now())).await?;
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
    ctx.limits.login(meta.addr)?;
    let ctx = ctx.get_ref().clone();
    blocking(move || recovery::change_password(&ctx, &auth, &current, &new_password, &meta, now()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
