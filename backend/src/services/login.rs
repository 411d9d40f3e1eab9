//! Password login. A wrong password and an unknown login get the same answer after the same argon2 work.

use shared::api::TokenResponse;

use super::sessions;
use super::{audit, ClientMeta, Ctx, Event, Subject};
use crate::auth::password;
use crate::error::AppError;
use crate::store::{self, users, Timestamp};

#[tracing::instrument(skip_all)]
pub fn login(
    ctx: &Ctx,
    login: &str,
    password_attempt: &str,
    meta: &ClientMeta,
    now: Timestamp,
) -> Result<TokenResponse, AppError> {
    let login_key = login.trim().to_lowercase();
    // The connection goes back to the pool before the slow hash.
    let user = users::find_by_login(&mut *ctx.conn()?, &login_key)?;
    let verdict = match &user {
        None => {
            ctx.decoy_hash.burn(password_attempt);
            Err("unknown login")
        }
        Some(user) if !password::verify(password_attempt, &user.password_hash) => {
            Err("wrong password")
        }
        Some(_) => Ok(()),
    };
    let mut conn = ctx.conn()?;
    let user = match (user, verdict) {
        (Some(user), Ok(())) => user,
        (user, verdict) => {
            let reason = verdict.err().unwrap_or_default();
            let subject = Subject {
                user_id: user.as_ref().map(|u| u.id.as_str()),
                email: None,
                detail: Some(reason),
            };
            store::write(&mut conn, |conn| {
                audit(conn, Event::LoginFailed, subject, meta, now)
            })?;
            tracing::info!(reason, "login failed");
            return Err(AppError::InvalidCredentials);
        }
    };
    if !user.email_verified {
        return Err(AppError::EmailNotVerified);
    }
    let session = store::write(&mut conn, |conn| -> Result<_, AppError> {
        let session = sessions::create(ctx, conn, &user.id, meta, now)?;
        let subject = Subject {
            user_id: Some(&user.id),
            email: Some(&user.email),
            detail: None,
        };
        audit(conn, Event::LoginSucceeded, subject, meta, now)?;
        Ok(session)
    })?;
    tracing::info!(user = %user.id, session = %session.id, "logged in");
    sessions::token_response(ctx, &user, session)
}
