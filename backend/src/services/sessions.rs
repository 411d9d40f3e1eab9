//! Sessions: opened by verification or login, extended by refresh-token rotation, ended by logout, a
//! password reset, expiry, or the replay of a spent refresh token (taken as a sign of theft).

use chrono::TimeDelta;
use shared::api::{SessionInfo, TokenResponse, User};

use super::flow::{Flow, Tx};
use super::{flow, Ctx, Event, Subject};
use crate::auth::tokens::{self, AccessClaims};
use crate::error::AppError;
use crate::store::sessions::{self, SessionRow};
use crate::store::users::{self, UserRow};
use crate::store::{Conn, Timestamp};

/// A session just opened or refreshed, with the only copy of its plaintext refresh token.
pub struct OpenedSession {
    pub id: String,
    pub refresh_token: String,
}

/// The session an access token names, checked against the store.
#[derive(Clone, Debug)]
pub struct Authenticated {
    pub user_id: String,
    pub session_id: String,
}

const USER_AGENT_MAX: usize = 256;

pub fn create(tx: &mut Tx<'_, '_>, user_id: &str) -> Result<OpenedSession, AppError> {
    let id = uuid::Uuid::new_v4().to_string();
    sessions::insert(
        tx.conn,
        &SessionRow {
            id: id.clone(),
            user_id: user_id.to_owned(),
            created_at: tx.now,
            last_used_at: tx.now,
            expires_at: tx.now
                + TimeDelta::from_std(tx.ctx.settings.session_ttl).unwrap_or(TimeDelta::MAX),
            revoked_at: None,
            revoked_reason: None,
            user_agent: tx
                .meta
                .user_agent
                .as_ref()
                .map(|ua| ua.chars().take(USER_AGENT_MAX).collect()),
            ip: tx.meta.ip.clone(),
        },
    )?;
    let (refresh_token, hash) = tokens::new_refresh_token();
    sessions::insert_refresh_token(tx.conn, &hash, &id, tx.now)?;
    Ok(OpenedSession { id, refresh_token })
}

pub fn user_view(user: &UserRow) -> Result<User, AppError> {
    Ok(User {
        id: user
            .id
            .parse()
            .map_err(|e| anyhow::anyhow!("stored user id {:?} is not a UUID: {e}", user.id))?,
        username: user.username.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified,
        mfa_enabled: user.mfa_enabled,
        role: user.role.clone(),
        created_at: user.created_at.and_utc(),
        language: user.language(),
    })
}

pub fn token_response(
    ctx: &Ctx,
    user: &UserRow,
    session: OpenedSession,
) -> Result<TokenResponse, AppError> {
    let ttl = ctx.settings.access_token_ttl;
    Ok(TokenResponse {
        access_token: tokens::issue_access(&ctx.keys, &user.id, &session.id, ttl)?,
        token_type: "Bearer".into(),
        expires_in: i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX),
        refresh_token: session.refresh_token,
        user: user_view(user)?,
    })
}

/// Spends `refresh_token` for a new pair. A spent token presented again revokes its whole session.
#[tracing::instrument(skip_all)]
pub fn refresh(flow: Flow<'_>, refresh_token: &str) -> Result<TokenResponse, AppError> {
    let hash = tokens::hash_refresh_token(refresh_token);
    let mut conn = flow.ctx.conn()?;
    let (user, session) = flow.commit_keyed(&mut conn, |tx| {
        let Some(token) = sessions::find_refresh_token(tx.conn, &hash)? else {
            return flow::refuse(AppError::InvalidToken);
        };
        let Some(session) = sessions::find(tx.conn, &token.session_id)? else {
            return flow::refuse(AppError::InvalidToken);
        };
        // What was read so far never changes but for `spent_at`, which the spend below checks again.
        tx.lock(&[&flow::account_lock(&session.user_id)])?;
        if token.spent_at.is_some() || !sessions::spend_refresh_token(tx.conn, &hash, tx.now)? {
            if sessions::revoke(tx.conn, &session.id, "refresh_token_reuse", tx.now)? {
                tracing::warn!(session = %session.id, user = %session.user_id, "a spent refresh token was presented again: session revoked");
                let subject = Subject {
                    user_id: Some(&session.user_id),
                    email: None,
                    detail: Some(&session.id),
                    actor_id: None,
                };
                tx.audit(Event::RefreshReuseDetected, subject)?;
            }
            return flow::refuse(AppError::InvalidToken);
        }
        if !session.is_active(tx.now) {
            return flow::refuse(AppError::InvalidToken);
        }
        let Some(user) = users::find(tx.conn, &session.user_id)?.filter(|u| u.disabled_at.is_none())
        else {
            return flow::refuse(AppError::InvalidToken);
        };
        let (refresh_token, new_hash) = tokens::new_refresh_token();
        sessions::insert_refresh_token(tx.conn, &new_hash, &session.id, tx.now)?;
        sessions::touch(tx.conn, &session.id, tx.now)?;
        Ok((
            user,
            OpenedSession {
                id: session.id,
                refresh_token,
            },
        ))
    })?;
    token_response(flow.ctx, &user, session)
}

/// The claims of a valid access token: from the tokens already checked, or checked now.
pub fn verify_token(ctx: &Ctx, token: &str, now: Timestamp) -> Result<AccessClaims, AppError> {
    let unix = now.and_utc().timestamp();
    if let Some(claims) = ctx.auth.claims(token, unix) {
        return Ok(claims);
    }
    let claims = tokens::decode_access(&ctx.keys, token).ok_or(AppError::Unauthorized)?;
    ctx.auth.remember_claims(token, &claims);
    Ok(claims)
}

/// The session of `token` if the token was checked before and its session is known to be open:
/// answered from memory alone, `None` otherwise.
pub fn remembered_token(ctx: &Ctx, token: &str, now: Timestamp) -> Option<Authenticated> {
    let claims = ctx.auth.claims(token, now.and_utc().timestamp())?;
    remembered(ctx, &claims, now)
}

/// The session of `claims` if it is known to be open without asking the database.
pub fn remembered(ctx: &Ctx, claims: &AccessClaims, now: Timestamp) -> Option<Authenticated> {
    ctx.auth
        .session_open(&claims.sid, &claims.sub, now)
        .then(|| Authenticated {
            user_id: claims.sub.clone(),
            session_id: claims.sid.clone(),
        })
}

/// Resolves a verified access token to a live session; a revoked or expired one is refused at once.
pub fn authenticate(ctx: &Ctx, token: &str, now: Timestamp) -> Result<Authenticated, AppError> {
    let claims = verify_token(ctx, token, now)?;
    match remembered(ctx, &claims, now) {
        Some(auth) => Ok(auth),
        None => look_up(ctx, &claims, now),
    }
}

/// As [`authenticate`], from the database, remembering an open session.
fn look_up(ctx: &Ctx, claims: &AccessClaims, now: Timestamp) -> Result<Authenticated, AppError> {
    let session = session_of_claims(ctx, &mut *ctx.conn()?, claims, now)?;
    Ok(Authenticated {
        user_id: session.user_id,
        session_id: session.id,
    })
}

/// The open session the claims name (and whose account they name), remembered.
fn session_of_claims(
    ctx: &Ctx,
    conn: &mut Conn,
    claims: &AccessClaims,
    now: Timestamp,
) -> Result<SessionRow, AppError> {
    open_session(ctx, conn, &claims.sid, now)?
        .filter(|session| session.user_id == claims.sub)
        .ok_or(AppError::Unauthorized)
}

fn open_session(
    ctx: &Ctx,
    conn: &mut Conn,
    id: &str,
    now: Timestamp,
) -> Result<Option<SessionRow>, AppError> {
    let generation = ctx.auth.generation();
    let session = sessions::find(conn, id)?.filter(|session| session.is_active(now));
    if let Some(session) = &session {
        ctx.auth.remember_session(
            generation,
            &session.id,
            &session.user_id,
            session.expires_at,
        );
    }
    Ok(session)
}

/// A session as the lists show it; `current` marks the one the request was made with.
pub fn session_info(session: SessionRow, current: &str) -> Result<SessionInfo, AppError> {
    Ok(SessionInfo {
        id: session
            .id
            .parse()
            .map_err(|e| anyhow::anyhow!("stored session id is not a UUID: {e}"))?,
        created_at: session.created_at.and_utc(),
        last_used_at: session.last_used_at.and_utc(),
        expires_at: session.expires_at.and_utc(),
        current: session.id == current,
        user_agent: session.user_agent,
        ip: session.ip,
    })
}

/// What a forward-auth check presents.
pub enum Proof {
    AccessToken(String),
    /// From the session cookie (signed and encrypted by the server, so only a sign-in put it there).
    SessionId(String),
}

/// The account of an open session, for forward-auth: the session must be open and the account enabled.
pub fn check(ctx: &Ctx, proof: &Proof, now: Timestamp) -> Result<User, AppError> {
    let user_id = match proof {
        Proof::AccessToken(token) => authenticate(ctx, token, now)?.user_id,
        Proof::SessionId(id) => match ctx.auth.session_owner(id, now) {
            Some(user_id) => user_id,
            None => {
                open_session(ctx, &mut *ctx.conn()?, id, now)?
                    .ok_or(AppError::Unauthorized)?
                    .user_id
            }
        },
    };
    view_of(ctx, &user_id)
}

/// As [`check`], from memory only: `None` unless the session (and the token) and the account's view
/// are all held.
pub fn check_remembered(ctx: &Ctx, proof: &Proof, now: Timestamp) -> Option<User> {
    let user_id = match proof {
        Proof::AccessToken(token) => remembered_token(ctx, token, now)?.user_id,
        Proof::SessionId(id) => ctx.auth.session_owner(id, now)?,
    };
    ctx.auth.user_after_check(&user_id)
}

/// The view of an enabled account: held in memory, or read (and then held).
pub fn view_of(ctx: &Ctx, user_id: &str) -> Result<User, AppError> {
    if let Some(user) = ctx.auth.user(user_id) {
        return Ok(user);
    }
    let generation = ctx.auth.generation();
    let user = users::find(&mut *ctx.conn()?, user_id)?
        .filter(|u| u.disabled_at.is_none())
        .ok_or(AppError::Unauthorized)?;
    let view = user_view(&user)?;
    ctx.auth.remember_user(generation, user_id, &view);
    Ok(view)
}

#[tracing::instrument(skip_all, fields(session = %auth.session_id))]
pub fn logout(flow: Flow<'_>, auth: &Authenticated) -> Result<(), AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, &auth.user_id, |tx| -> diesel::QueryResult<()> {
        sessions::revoke(tx.conn, &auth.session_id, "logout", tx.now)?;
        let subject = Subject {
            user_id: Some(&auth.user_id),
            email: None,
            detail: Some(&auth.session_id),
            actor_id: None,
        };
        tx.audit(Event::Logout, subject)
    })?;
    tracing::info!(user = %auth.user_id, "logged out");
    Ok(())
}

pub fn me(ctx: &Ctx, auth: &Authenticated) -> Result<User, AppError> {
    view_of(ctx, &auth.user_id)
}

pub fn list(ctx: &Ctx, auth: &Authenticated, now: Timestamp) -> Result<Vec<SessionInfo>, AppError> {
    let rows = sessions::list_active_for_user(&mut *ctx.conn()?, &auth.user_id, now)?;
    rows.into_iter()
        .map(|s| session_info(s, &auth.session_id))
        .collect()
}

/// Ends one of the user's own sessions (a lost device). Another user's session id is "not found".
pub fn revoke_own(flow: Flow<'_>, auth: &Authenticated, session_id: &str) -> Result<(), AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, &auth.user_id, |tx| -> Result<(), AppError> {
        match sessions::find(tx.conn, session_id)? {
            Some(s) if s.user_id == auth.user_id && s.is_active(tx.now) => {
                sessions::revoke(tx.conn, session_id, "revoked_by_user", tx.now)?;
                let subject = Subject {
                    user_id: Some(&auth.user_id),
                    email: None,
                    detail: Some(session_id),
                    actor_id: None,
                };
                Ok(tx.audit(Event::SessionRevoked, subject)?)
            }
            _ => Err(AppError::NotFound),
        }
    })
}
