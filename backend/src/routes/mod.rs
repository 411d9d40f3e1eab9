//! HTTP routes: thin handlers that extract, call one service, and shape the response.

pub mod auth;
pub mod client;
pub mod headers;
pub mod health;
pub mod json;
pub mod me;
pub mod openapi;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{web, HttpRequest, Resource};
use shared::problem::{Problem, ProblemCode};

use crate::error::{problem_response, AppError};
use crate::services::ClientMeta;

pub fn configure(cfg: &mut web::ServiceConfig) {
    use Method as M;
    cfg.service(
        web::scope("/api")
            .service(
                web::scope("/auth")
                    .service(resource("/register", M::POST).route(web::post().to(auth::register)))
                    .service(
                        resource("/verify-email", M::POST)
                            .route(web::post().to(auth::verify_email)),
                    )
                    .service(
                        resource("/resend-code", M::POST).route(web::post().to(auth::resend_code)),
                    )
                    .service(resource("/login", M::POST).route(web::post().to(auth::login)))
                    .service(resource("/refresh", M::POST).route(web::post().to(auth::refresh)))
                    .service(resource("/logout", M::POST).route(web::post().to(auth::logout)))
                    .service(
                        resource("/password/forgot", M::POST)
                            .route(web::post().to(auth::forgot_password)),
                    )
                    .service(
                        resource("/password/reset", M::POST)
                            .route(web::post().to(auth::reset_password)),
                    ),
            )
            .service(resource("/me", M::GET).route(web::get().to(me::me)))
            .service(resource("/me/sessions", M::GET).route(web::get().to(me::sessions)))
            .service(
                resource("/me/sessions/{id}", M::DELETE)
                    .route(web::delete().to(me::revoke_session)),
            )
            .service(resource("/health", M::GET).route(web::get().to(health::health)))
            .service(resource("/openapi.json", M::GET).route(web::get().to(openapi::openapi_json)))
            .default_service(web::to(not_found)),
    )
    .default_service(web::to(client::serve));
}

/// A resource that answers other methods with `405` and an `Allow` header.
fn resource(path: &str, allowed: Method) -> Resource {
    web::resource(path).default_service(web::to(move |req: HttpRequest| {
        let allowed = allowed.clone();
        async move {
            let problem = Problem::new(ProblemCode::MethodNotAllowed).with_detail(format!(
                "{} is not allowed here; use {allowed}.",
                req.method()
            ));
            let mut response = problem_response(&problem);
            if let Ok(value) = HeaderValue::from_str(allowed.as_str()) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
    }))
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
