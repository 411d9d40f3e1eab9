//! HTTP routes: thin handlers that extract, call one service, and shape the response.

pub mod auth;
pub mod captcha;
pub mod client;
pub mod headers;
pub mod health;
pub mod json;
pub mod me;
pub mod openapi;

use std::net::IpAddr;

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
            .service(resource("/me/password", M::POST).route(web::post().to(me::change_password)))
            .service(
                resource("/me/sessions/{id}", M::DELETE)
                    .route(web::delete().to(me::revoke_session)),
            )
            .service(resource("/health", M::GET).route(web::get().to(health::health)))
            .service(resource("/captcha", M::GET).route(web::get().to(captcha::challenge)))
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

/// Where the request came from: the socket's peer, or, when that peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not one of ours (anything further left could be forged).
pub fn client_meta(req: &HttpRequest) -> ClientMeta {
    let trusted: &[ipnet::IpNet] = req
        .app_data::<web::Data<crate::services::Ctx>>()
        .map(|ctx| ctx.settings.trusted_proxies.as_slice())
        .unwrap_or_default();
    let addr = req
        .peer_addr()
        .map(|peer| client_ip(peer.ip(), req.headers().get_all("x-forwarded-for"), trusted));
    ClientMeta {
        addr,
        ip: addr.map(|a| a.to_string()),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

fn client_ip<'a>(
    peer: IpAddr,
    forwarded: impl DoubleEndedIterator<Item = &'a HeaderValue>,
    trusted: &[ipnet::IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = forwarded
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| hop.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    hops.iter()
        .rev()
        .find(|ip| !is_trusted(ip))
        .or(hops.first())
        .copied()
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn resolve(peer: &str, xff: &[&str], trusted: &[&str]) -> IpAddr {
        let values: Vec<HeaderValue> = xff
            .iter()
            .map(|v| HeaderValue::from_str(v).unwrap())
            .collect();
        let trusted: Vec<ipnet::IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        client_ip(ip(peer), values.iter(), &trusted)
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        assert_eq!(resolve("203.0.113.9", &["1.2.3.4"], &[]), ip("203.0.113.9"));
        assert_eq!(
            resolve("203.0.113.9", &["1.2.3.4"], &["10.0.0.0/8"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let trusted = ["10.0.0.0/8"];
        assert_eq!(
            resolve("10.0.0.2", &["198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // The client forged a leftmost entry; the proxy appended the real one.
        assert_eq!(
            resolve("10.0.0.2", &["6.6.6.6, 198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve("10.0.0.2", &["198.51.100.7, 10.0.0.5"], &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve("10.0.0.2", &["6.6.6.6", "198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // Garbage in the header falls back to the peer.
        assert_eq!(
            resolve("10.0.0.2", &["not an ip"], &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(resolve("10.0.0.2", &[], &trusted), ip("10.0.0.2"));
    }
}
