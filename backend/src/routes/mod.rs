//! HTTP routes: thin handlers that extract, call one service, and shape the response.

pub mod admin;
pub mod auth;
pub mod captcha;
pub mod client;
pub mod docs;
pub mod headers;
pub mod health;
pub mod json;
pub mod jwks;
pub mod me;
pub mod metrics;
pub mod openapi;
pub mod passkeys;

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{web, HttpRequest};
use shared::problem::{Problem, ProblemCode};

pub use crate::blocking::{blocking, blocking_hashing};
use crate::error::{problem_response, AppError};
use crate::services::limits::{self, ClientBudget, UNKNOWN_CLIENT};
use crate::services::{ClientMeta, Ctx};

/// Every endpoint in one table: each path with its methods and handlers. It makes the router (other
/// methods on a path get `405` with `Allow`) and [`ENDPOINTS`], which a test holds against the OpenAPI
/// document, so a route cannot be served without being described.
macro_rules! endpoints {
    ($( $path:literal => { $( $method:ident => $handler:path ),+ $(,)? } ),+ $(,)?) => {
        /// `(method, path)` of every endpoint the router serves.
        pub const ENDPOINTS: &[(&str, &str)] = &[ $( $( (stringify!($method), $path), )+ )+ ];

        fn register_endpoints(cfg: &mut web::ServiceConfig) {
            $(
                cfg.service(
                    web::resource($path)
                        $( .route(web::method(Method::$method).to($handler)) )+
                        .default_service(web::to(|req: HttpRequest| async move {
                            method_not_allowed(&req, &[$( stringify!($method) ),+].join(", "))
                        })),
                );
            )+
        }
    };
}

endpoints! {
    "/api/auth/register" => { POST => auth::register },
    "/api/auth/verify-email" => { POST => auth::verify_email },
    "/api/auth/resend-code" => { POST => auth::resend_code },
    "/api/auth/code-status" => { POST => auth::code_status },
    "/api/auth/login" => { POST => auth::login },
    "/api/auth/login/mfa" => { POST => auth::login_mfa },
    "/api/auth/login/code" => { POST => auth::login_code },
    "/api/auth/login/code/verify" => { POST => auth::login_code_verify },
    "/api/auth/refresh" => { POST => auth::refresh },
    "/api/auth/logout" => { POST => auth::logout },
    "/api/auth/check" => { GET => auth::check },
    "/api/auth/password/forgot" => { POST => auth::forgot_password },
    "/api/auth/password/reset" => { POST => auth::reset_password },
    "/api/auth/passkey/login/options" => { POST => passkeys::login_options },
    "/api/auth/passkey/login" => { POST => passkeys::login },
    "/api/auth/passkey/second-factor/options" => { POST => passkeys::second_factor_options },
    "/api/auth/passkey/second-factor" => { POST => passkeys::second_factor },
    "/api/me" => { GET => me::me, DELETE => me::delete_account },
    "/api/me/export" => { GET => me::export },
    "/api/me/language" => { PUT => me::set_language },
    "/api/me/sessions" => { GET => me::sessions },
    "/api/me/sessions/{id}" => { DELETE => me::revoke_session },
    "/api/me/password" => { POST => me::change_password },
    "/api/me/mfa/totp/setup" => { POST => me::totp_setup },
    "/api/me/mfa/totp/enable" => { POST => me::totp_enable },
    "/api/me/mfa/totp/disable" => { POST => me::totp_disable },
    "/api/me/mfa/recovery-codes" => { POST => me::recovery_codes },
    "/api/me/passkeys" => { GET => passkeys::list, POST => passkeys::register },
    "/api/me/passkeys/options" => { POST => passkeys::registration_options },
    "/api/me/passkeys/{id}" => { PATCH => passkeys::rename, DELETE => passkeys::delete },
    "/api/admin/users" => { GET => admin::users },
    "/api/admin/users/{id}" => { GET => admin::user, DELETE => admin::delete_user },
    "/api/admin/users/{id}/disable" => { POST => admin::disable },
    "/api/admin/users/{id}/enable" => { POST => admin::enable },
    "/api/admin/users/{id}/sessions/revoke" => { POST => admin::revoke_sessions },
    "/api/admin/users/{id}/passkeys/{passkey_id}" => { DELETE => passkeys::admin_delete },
    "/api/admin/mail" => { GET => admin::mail },
    "/api/admin/codes" => { GET => admin::codes },
    "/api/admin/audit" => { GET => admin::audit },
    "/api/admin/stats" => { GET => admin::stats },
    "/api/health" => { GET => health::health },
    "/api/captcha" => { GET => captcha::challenge },
    "/api/openapi.json" => { GET => openapi::openapi_json },
    "/api/docs" => { GET => docs::page },
    "/api/docs/init.js" => { GET => docs::init },
    "/.well-known/jwks.json" => { GET => jwks::jwks },
    "/metrics" => { GET => metrics::metrics },
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    register_endpoints(cfg);
    // After the endpoints: any other path under /api is a JSON 404, never the browser client.
    cfg.service(web::scope("/api").default_service(web::to(not_found)))
        .default_service(web::to(client::serve));
}

/// `405` naming the methods `allowed` (as the `Allow` header lists them).
fn method_not_allowed(req: &HttpRequest, allowed: &str) -> actix_web::HttpResponse {
    let problem = Problem::new(ProblemCode::MethodNotAllowed).with_detail(format!(
        "{} is not allowed here; use {allowed}.",
        req.method()
    ));
    let mut response = problem_response(&problem);
    if let Ok(value) = HeaderValue::from_str(allowed) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

/// Spends one request of the client's `budget`: this instance's own table first (no database work, so
/// a flood it refuses costs nothing more), then, where several instances share the database, the count
/// they share there (or a request this instance took from it ahead).
pub async fn client_limit(
    ctx: &Ctx,
    budget: ClientBudget,
    meta: &ClientMeta,
) -> Result<(), AppError> {
    ctx.limits.per_client(budget, meta.addr)?;
    if let Some(per_hour) = limits::shared_allowance(&ctx.settings, budget) {
        if limits::spend_prepaid(
            ctx,
            &limits::client_budget_key(&ctx.settings, budget, meta.addr),
        ) {
            return Ok(());
        }
        let ctx = ctx.clone();
        let addr = meta.addr;
        blocking(move || limits::take_shared(&ctx, budget, per_hour, addr, crate::services::now()))
            .await?;
    }
    Ok(())
}

async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// The longest user agent kept, in characters: longer than any real browser's, and a bound on what a
/// client can make us store with every session and audit event.
const MAX_USER_AGENT_CHARS: usize = 256;

/// Where the request came from: the socket's peer, or, when that peer is a trusted proxy, the client its
/// `X-Forwarded-For` names (see [`client_ip`]).
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
            .map(|agent| truncated(agent, MAX_USER_AGENT_CHARS)),
        language: request_language(req),
    }
}

/// The portal's language the request's `Accept-Language` prefers; English without one.
pub fn request_language(req: &HttpRequest) -> shared::i18n::Language {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(shared::i18n::Language::negotiate)
        .unwrap_or_default()
}

/// The first `max_chars` characters of `text`.
fn truncated(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

/// The client of a request whose socket peer is `peer`. An untrusted peer is the client. Behind trusted
/// proxies, `X-Forwarded-For` is read from the right, where each proxy appended the address it saw:
/// our own proxies are skipped, and the first hop that is not one of them is the client; anything to
/// its left was written by the client and is never read. When every hop is ours, the leftmost is the
/// client (a request from inside); without the header, the peer.
///
/// An entry that does not parse, met before that first untrusted hop, leaves the client unknown: the
/// request is counted as [`UNKNOWN_CLIENT`], one bucket shared by every such request. Falling back to
/// the proxy instead would record the proxy as the client, and would charge the proxy's own budget
/// (shared with what it sends itself, such as health checks) with whatever a sender of garbage does.
fn client_ip<'a>(
    peer: IpAddr,
    forwarded: impl DoubleEndedIterator<Item = &'a HeaderValue>,
    trusted: &[ipnet::IpNet],
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut leftmost_trusted = None;
    for value in forwarded.rev() {
        let Ok(value) = value.to_str() else {
            return UNKNOWN_CLIENT;
        };
        for hop in value.rsplit(',') {
            let Some(ip) = parse_hop(hop) else {
                return UNKNOWN_CLIENT;
            };
            if !is_trusted(&ip) {
                return ip;
            }
            leftmost_trusted = Some(ip);
        }
    }
    leftmost_trusted.unwrap_or(peer)
}

/// One `X-Forwarded-For` entry: an address, or an address and port as some proxies write it
/// (`192.0.2.1:4711`, `[2001:db8::1]:443`). An IPv4-mapped IPv6 address is the IPv4 address.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let ip = hop
        .parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()?;
    Some(ip.to_canonical())
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
            .map(|v| HeaderValue::from_bytes(v.as_bytes()).unwrap())
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
        assert_eq!(
            resolve("203.0.113.9", &["not an ip"], &["10.0.0.0/8"]),
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
        assert_eq!(
            resolve("10.0.0.2", &["6.6.6.6", "198.51.100.7, 10.0.0.5"], &trusted),
            ip("198.51.100.7")
        );
        // Without the header the peer is the client; when every hop is ours, the leftmost.
        assert_eq!(resolve("10.0.0.2", &[], &trusted), ip("10.0.0.2"));
        assert_eq!(
            resolve("10.0.0.2", &["10.0.0.9, 10.0.0.5"], &trusted),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn garbage_left_of_the_client_is_never_read() {
        let trusted = ["10.0.0.0/8"];
        for forged in [
            "not an ip, 198.51.100.7",
            ", 198.51.100.7",
            "unknown,198.51.100.7",
        ] {
            assert_eq!(
                resolve("10.0.0.2", &[forged], &trusted),
                ip("198.51.100.7"),
                "{forged}"
            );
        }
        assert_eq!(
            resolve(
                "10.0.0.2",
                &["caf\u{e9}, 1.2.3.4", "198.51.100.7"],
                &trusted
            ),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn garbage_before_the_first_untrusted_hop_is_the_unknown_client_not_the_proxy() {
        let trusted = ["10.0.0.0/8"];
        for chain in [
            &["not an ip"][..],
            &["198.51.100.7, not an ip"],
            &["198.51.100.7, garbage, 10.0.0.5"],
            &["198.51.100.7", ""],
            &["198.51.100.7,"],
            &["198.51.100.7", "caf\u{e9}"],
            &["unknown"],
        ] {
            assert_eq!(
                resolve("10.0.0.2", chain, &trusted),
                UNKNOWN_CLIENT,
                "{chain:?}"
            );
        }
    }

    #[test]
    fn hops_with_ports_and_mapped_addresses_are_read_as_their_address() {
        let trusted = ["10.0.0.0/8"];
        assert_eq!(
            resolve("10.0.0.2", &["198.51.100.7:4711"], &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve("10.0.0.2", &["[2001:db8::1]:443"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            resolve("10.0.0.2", &["::ffff:198.51.100.7"], &trusted),
            ip("198.51.100.7")
        );
        // A proxy reaching us over a dual-stack socket is still recognized as ours.
        assert_eq!(
            resolve(
                "::ffff:10.0.0.2",
                &["198.51.100.7, ::ffff:10.0.0.5"],
                &trusted
            ),
            ip("198.51.100.7")
        );
        assert_eq!(
            resolve("::ffff:203.0.113.9", &[], &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn user_agents_are_cut_to_256_characters() {
        let long = "a".repeat(1000);
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::USER_AGENT, long.as_str()))
            .to_http_request();
        assert_eq!(
            client_meta(&request).user_agent.as_deref(),
            Some(&long[..256])
        );
        let short = "Mozilla/5.0 (X11; Linux x86_64)";
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::USER_AGENT, short))
            .to_http_request();
        assert_eq!(client_meta(&request).user_agent.as_deref(), Some(short));
        // On a character boundary, whatever the characters.
        let accented = "\u{e9}".repeat(300);
        assert_eq!(truncated(&accented, 256).chars().count(), 256);
        assert_eq!(truncated("\u{e9}t\u{e9}", 2), "\u{e9}t");
        assert_eq!(truncated("", 256), "");
    }
}
