//! Password login. A wrong password and an unknown login get the same answer after the same argon2 work.

use shared::api::TokenResponse;

use super::sessions;
use super::{ClientMeta, Ctx};
use crate::auth::password;
use crate::error::AppError;
use crate::store::{self, users, Timestamp};

#[tracing::instrument(skip_all)]
pub fn login(
    ctx: &Ctx,
    login: &str,
    password_attempt: &str,
    meta: ClientMeta,
    now: Timestamp,
) -> Result<TokenResponse, AppError> {
    let login_key = login.trim().to_lowercase();
    // The connection goes back to the pool before the slow hash.
    let user = users::find_by_login(&mut *ctx.conn()?, &login_key)?;
    let Some(user) = user else {
        ctx.decoy_hash.burn(password_attempt);
        tracing::info!("login failed: unknown login");
        return Err(AppError::InvalidCredentials);
    };
    if !password::verify(password_attempt, &user.password_hash) {
        tracing::info!(user = %user.id, "login failed: wrong password");
        return Err(AppError::InvalidCredentials);
    }
    if !user.email_verified {
        return Err(AppError::EmailNotVerified);
    }
    let mut conn = ctx.conn()?;
    let session = store::write(&mut conn, |conn| {
        sessions::create(ctx, conn, &user.id, &meta, now)
    })?;
    tracing::info!(user = %user.id, session = %session.id, "logged in");
    sessions::token_response(ctx, &user, session)
}
