//! `AuthUser`: a request whose Bearer token is valid and whose session is still open. `AdminUser`: the
//! same, by an admin whose second factor is on.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::blocking::blocking;
use crate::error::AppError;
use crate::services::admin::{self, Admin};
use crate::services::sessions::{self, Authenticated};
use crate::services::{now, Ctx};

pub struct AuthUser(pub Authenticated);

impl FromRequest for AuthUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticated(req, |_, auth| Ok(AuthUser(auth)), false)
    }
}

pub struct AdminUser(pub Admin);

impl FromRequest for AdminUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        authenticated(
            req,
            |ctx, auth| Ok(AdminUser(admin::authorize(ctx, auth)?)),
            true,
        )
    }
}

/// Authenticates the request's Bearer token: in memory when its session is known to be open (the
/// common case, no blocking task at all), else on the blocking pool, where `then` runs too (so a further
/// check of the store runs in the same blocking task).
fn authenticated<T: Send + 'static>(
    req: &HttpRequest,
    then: impl FnOnce(&Ctx, Authenticated) -> Result<T, AppError> + Send + 'static,
    then_needs_store: bool,
) -> LocalBoxFuture<'static, Result<T, AppError>> {
    let token = bearer_token(req);
    let ctx = req
        .app_data::<web::Data<Ctx>>()
        .map(|d| d.get_ref().clone());
    Box::pin(async move {
        let token = token.ok_or(AppError::Unauthorized)?;
        let ctx = ctx.ok_or_else(|| anyhow::anyhow!("the application context is missing"))?;
        let now = now();
        if !then_needs_store {
            if let Some(auth) = sessions::remembered_token(&ctx, &token, now) {
                return then(&ctx, auth);
            }
        }
        // Checking a new token may reload the signing keys from the database: blocking work too.
        blocking(move || {
            let auth = sessions::authenticate(&ctx, &token, now)?;
            then(&ctx, auth)
        })
        .await
    })
}

pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}
