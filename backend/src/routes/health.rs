//! `/api/health`: up, and able to reach the database.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use shared::api::HealthResponse;

use super::blocking;
use crate::error::AppError;
use crate::services::Ctx;

/// Liveness and database reachability.
#[utoipa::path(get, path = "/api/health", tag = "operations",
    responses(
        (status = 200, body = HealthResponse),
        (status = 503, description = "The database cannot be reached", body = HealthResponse),
    ))]
pub async fn health(ctx: web::Data<Ctx>) -> HttpResponse {
    let ctx = ctx.get_ref().clone();
    let database = blocking(move || {
        ctx.conn()?
            .batch_execute("SELECT 1")
            .map_err(AppError::from)
    })
    .await;
    match database {
        Ok(()) => HttpResponse::Ok().json(HealthResponse {
            status: "ok".into(),
            database: "ok".into(),
        }),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            HttpResponse::ServiceUnavailable().json(HealthResponse {
                status: "degraded".into(),
                database: "unavailable".into(),
            })
        }
    }
}
