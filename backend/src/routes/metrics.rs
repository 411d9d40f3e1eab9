//! `GET /metrics`: Prometheus' scrape, behind a Bearer token of its own (`METRICS_TOKEN`).

use actix_web::{web, HttpRequest, HttpResponse};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use super::blocking;
use crate::error::AppError;
use crate::services::{now, Ctx};
use crate::store::outbox;

/// The metrics in the Prometheus text format. `404` unless `METRICS_TOKEN` is set; then `401` without
/// `Authorization: Bearer <METRICS_TOKEN>`.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(("bearer" = [])),
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", content_type = "text/plain"),
        (status = 401, description = "`unauthorized`: not the metrics token", body = shared::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: metrics are off (no `METRICS_TOKEN`)", body = shared::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn metrics(req: HttpRequest, ctx: web::Data<Ctx>) -> Result<HttpResponse, AppError> {
    let Some(expected) = &ctx.settings.metrics_token else {
        return Err(AppError::NotFound);
    };
    let presented = crate::auth::extractor::bearer_token(&req).unwrap_or_default();
    if !bool::from(
        presented
            .as_bytes()
            .ct_eq(expected.expose_secret().as_bytes()),
    ) {
        return Err(AppError::Unauthorized);
    }
    let ctx = ctx.get_ref().clone();
    let text = blocking(move || {
        let queue = outbox::queue_stats(&mut *ctx.conn()?, now())?;
        let (running, waiting) = ctx.hasher.load();
        Ok(ctx
            .metrics
            .render(&queue, running, waiting, ctx.auth.stats()))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(text))
}
