//! `/.well-known/jwks.json`: the public keys that verify our access tokens, for any service.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{web, HttpResponse};

use super::blocking;
use crate::auth::keys::TokenKeys;
use crate::error::AppError;
use crate::services::Ctx;

/// The published Ed25519 keys as a JSON Web Key Set (RFC 7517): the signing key and any retired key
/// whose tokens may still be alive. `404` when tokens are HS256 (`JWT_SECRET`): there is no public key.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "integration",
    responses(
        (status = 200, description = "`{\"keys\": [{\"kty\": \"OKP\", \"crv\": \"Ed25519\", \"x\", \"kid\", \"alg\": \"EdDSA\", \"use\": \"sig\"}]}`", body = Object, content_type = "application/json"),
        (status = 404, description = "`not_found`: tokens are signed with the shared `JWT_SECRET`", body = shared::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn jwks(ctx: web::Data<Ctx>) -> Result<HttpResponse, AppError> {
    let TokenKeys::Published(ring) = &ctx.keys.tokens else {
        return Err(AppError::NotFound);
    };
    let ring = ring.clone();
    let set = blocking(move || Ok(ring.jwks()?)).await?;
    // Verifiers may cache it for a minute: a rotation signs with the new key only after every instance
    // reloads (within a minute too), and a verifier that meets an unknown `kid` fetches again.
    Ok(HttpResponse::Ok()
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(60),
        ]))
        .json(set))
}
