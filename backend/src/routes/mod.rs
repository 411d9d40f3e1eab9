//! HTTP routes: thin handlers that extract, call one service, and shape the response.

pub mod auth;
pub mod health;
pub mod json;
pub mod me;
pub mod openapi;

use actix_web::{web, HttpRequest};

use crate::error::AppError;
use crate::services::ClientMeta;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api")
            .service(
                web::scope("/auth")
                    .route("/register", web::post().to(auth::register))
                    .route("/verify-email", web::post().to(auth::verify_email))
                    .route("/resend-code", web::post().to(auth::resend_code))
                    .route("/login", web::post().to(auth::login))
                    .route("/refresh", web::post().to(auth::refresh))
                    .route("/logout", web::post().to(auth::logout))
                    .route("/password/forgot", web::post().to(auth::forgot_password))
                    .route("/password/reset", web::post().to(auth::reset_password)),
            )
            .route("/me", web::get().to(me::me))
            .route("/me/sessions", web::get().to(me::sessions))
            .route("/me/sessions/{id}", web::delete().to(me::revoke_session))
            .route("/health", web::get().to(health::health))
            .route("/openapi.json", web::get().to(openapi::openapi_json))
            .default_service(web::to(not_found)),
    )
    .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Runs blocking work (diesel, argon2) on the blocking pool, inside the request's tracing span.
pub async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    let span = tracing::Span::current();
    web::block(move || span.in_scope(f)).await?
}

pub fn client_meta(req: &HttpRequest) -> ClientMeta {
    ClientMeta {
        ip: req.peer_addr().map(|a| a.ip().to_string()),
        user_agent: req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}
