//! `/api/admin/…`: the administration API. Every handler takes [`AdminUser`] first, so a caller who is
//! not an admin with a second factor is refused before anything else of the request is looked at.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use shared::admin::AdminUser as AdminUserView;
use shared::admin::{
    AdminUserDetail, AuditEntry, AuditQuery, CodeEntry, CodesQuery, MailEntry, MailQuery, Page,
    Stats, StatsQuery, UsersQuery,
};
use shared::problem::Problem;

use super::{blocking, client_meta};
use crate::auth::extractor::AdminUser;
use crate::error::AppError;
use crate::services::flow::Flow;
use crate::services::{admin, now, Ctx};

/// The query string as `T`; a parameter that is unknown or of the wrong type is a `422` naming it.
fn query<T: DeserializeOwned>(req: &HttpRequest) -> Result<T, AppError> {
    web::Query::<T>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| {
            let why = match e {
                actix_web::error::QueryPayloadError::Deserialize(e) => e.to_string(),
                other => other.to_string(),
            };
            AppError::validation("query", why)
        })
}

/// Accounts and pending registrations, newest first.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    params(UsersQuery),
    responses(
        (status = 200, body = Page<AdminUserView>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` (not an admin) or `mfa_required` (an admin without a second factor)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a bad query parameter", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn users(
    AdminUser(_admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
) -> Result<HttpResponse, AppError> {
    let (q, state, paging) = query::<UsersQuery>(&req)?
        .validate()
        .map_err(AppError::Validation)?;
    let ctx = ctx.get_ref().clone();
    let page = blocking(move || admin::users(&ctx, q.as_deref(), state, paging, now())).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One account's (or pending registration's) page: its state, open sessions, timeline, mails and codes.
#[utoipa::path(get, path = "/api/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account or registration id")),
    responses(
        (status = 200, body = AdminUserDetail),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn user(
    AdminUser(admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    let detail = blocking(move || admin::user(Flow::new(&ctx, &meta, now()), &admin, &id)).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Disable the account: every session ends at once and its sign-in answers `403 account_disabled`.
#[utoipa::path(post, path = "/api/admin/users/{id}/disable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 204, description = "Disabled (or already was)"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the admin's own account, or a pending registration", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn disable(
    AdminUser(admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(admin, req, ctx, path.into_inner(), true).await
}

/// Enable the account again.
#[utoipa::path(post, path = "/api/admin/users/{id}/enable", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 204, description = "Enabled (or already was)"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the admin's own account, or a pending registration", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn enable(
    AdminUser(admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(admin, req, ctx, path.into_inner(), false).await
}

async fn set_disabled(
    admin: admin::Admin,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    id: String,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    blocking(move || admin::set_disabled(Flow::new(&ctx, &meta, now()), &admin, &id, disabled))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sign the account out everywhere.
#[utoipa::path(post, path = "/api/admin/users/{id}/sessions/revoke", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 204, description = "Every session ended"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the admin's own account, or a pending registration", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_sessions(
    AdminUser(admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    blocking(move || admin::revoke_sessions(Flow::new(&ctx, &meta, now()), &admin, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Delete the account (its owner gets a goodbye mail) or the pending registration.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Account or registration id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the admin's own account", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_user(
    AdminUser(admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    blocking(move || admin::delete(Flow::new(&ctx, &meta, now()), &admin, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The outbox, newest first: mails (recipient, kind, delivery; never a subject line or a body) and
/// webhooks (URL, event type, delivery).
#[utoipa::path(get, path = "/api/admin/mail", tag = "admin", security(("bearer" = [])),
    params(MailQuery),
    responses(
        (status = 200, body = Page<MailEntry>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mail(
    AdminUser(_admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
) -> Result<HttpResponse, AppError> {
    let filter = query::<MailQuery>(&req)?
        .validate()
        .map_err(AppError::Validation)?;
    let ctx = ctx.get_ref().clone();
    let page = blocking(move || admin::mail_log(&ctx, &filter)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The code log, newest first: issued, replaced, verified, failed and expired codes, never a code.
#[utoipa::path(get, path = "/api/admin/codes", tag = "admin", security(("bearer" = [])),
    params(CodesQuery),
    responses(
        (status = 200, body = Page<CodeEntry>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn codes(
    AdminUser(_admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
) -> Result<HttpResponse, AppError> {
    let (email, purpose, paging) = query::<CodesQuery>(&req)?
        .validate()
        .map_err(AppError::Validation)?;
    let ctx = ctx.get_ref().clone();
    let page =
        blocking(move || admin::code_log(&ctx, email.as_deref(), purpose.as_deref(), paging))
            .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The audit trail, newest first.
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin", security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = Page<AuditEntry>),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn audit(
    AdminUser(_admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
) -> Result<HttpResponse, AppError> {
    let (user_id, kind, paging) = query::<AuditQuery>(&req)?
        .validate()
        .map_err(AppError::Validation)?;
    let ctx = ctx.get_ref().clone();
    let page =
        blocking(move || admin::audit_log(&ctx, user_id.as_deref(), kind.as_deref(), paging))
            .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Daily numbers (UTC days, oldest first, today last).
#[utoipa::path(get, path = "/api/admin/stats", tag = "admin", security(("bearer" = [])),
    params(StatsQuery),
    responses(
        (status = 200, body = Stats),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` or `mfa_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `days` out of 1..=365", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stats(
    AdminUser(_admin): AdminUser,
    req: HttpRequest,
    ctx: web::Data<Ctx>,
) -> Result<HttpResponse, AppError> {
    let days = query::<StatsQuery>(&req)?
        .validate()
        .map_err(AppError::Validation)?;
    let ctx = ctx.get_ref().clone();
    let stats = blocking(move || admin::stats(&ctx, days, now())).await?;
    Ok(HttpResponse::Ok().json(stats))
}
