//! `/api/auth/*`: registration, verification, login, refresh, logout and password recovery.

use actix_session::SessionExt;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use shared::api::{
    CodeSentResponse, EmailRequest, LoginCodeRequest, LoginRequest, LoginResponse, MfaLoginRequest,
    RefreshRequest, RegisterRequest, RegisteredResponse, ResendCodeRequest, ResetPasswordRequest,
    TokenResponse, VerifyEmailRequest,
};
use shared::problem::Problem;

use super::json::{Json, OptionalJson};
use super::{blocking, blocking_hashing, client_limit, client_meta};
use crate::auth::device;
use crate::auth::extractor::AuthUser;
use crate::captcha::{self, CaptchaError, Solution};
use crate::error::AppError;
use crate::services::flow::Flow;
use crate::services::limits::ClientBudget;
use crate::services::{
    codes, login as login_service, login_code, mfa, now, recovery, registration, sessions, Ctx,
};

pub const REFRESH_COOKIE: &str = "refresh_token";
/// The forward-auth cookie's entry: the id of the session it belongs to.
const SESSION_KEY: &str = "sid";
const COOKIE_PATH: &str = "/api/auth";
/// How long a device stays known without signing in again.
const DEVICE_COOKIE_DAYS: i64 = 365;

fn refresh_cookie(ctx: &Ctx, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(ctx.settings.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(max_age)
        .finish()
}

/// The token response, with the refresh token also set as the browser client's HttpOnly cookie, and
/// the session named in the forward-auth cookie (see [`check`]).
fn tokens(ctx: &Ctx, req: &HttpRequest, tokens: TokenResponse) -> HttpResponse {
    let max_age = time::Duration::seconds(
        i64::try_from(ctx.settings.session_ttl.as_secs()).unwrap_or(i64::MAX),
    );
    if let Some(claims) = crate::auth::tokens::decode_access(&ctx.keys, &tokens.access_token) {
        // Renewed at every refresh, so the cookie lives as long as the session is used.
        if let Err(e) = req.get_session().insert(SESSION_KEY, claims.sid) {
            tracing::warn!(error = %e, "could not set the session cookie");
        }
    }
    HttpResponse::Ok()
        .cookie(refresh_cookie(ctx, tokens.refresh_token.clone(), max_age))
        .insert_header(("Cache-Control", "no-store"))
        .json(tokens)
}

/// Whether the request carries a valid CAPTCHA solution in `X-Captcha`; a bad one is an error. A solution
/// is accepted once by all the instances sharing the database.
async fn captcha_solved(req: &HttpRequest, ctx: &Ctx) -> Result<bool, AppError> {
    let Some(value) = req.headers().get(captcha::HEADER_NAME) else {
        return Ok(false);
    };
    let invalid = |e: CaptchaError| match e {
        CaptchaError::Busy => AppError::Unavailable(anyhow::anyhow!("captcha replay store full")),
        other => AppError::CaptchaInvalid(other.to_string()),
    };
    let value = value
        .to_str()
        .map_err(|_| invalid(CaptchaError::Malformed))?;
    let solution = Solution::from_header_value(value).map_err(|e| invalid(e.into()))?;
    ctx.captcha
        .verify(&solution, now().and_utc())
        .map_err(invalid)?;
    let (digest, expires_at) = captcha::spent_key(&solution).map_err(invalid)?;
    let ctx = ctx.clone();
    let first = blocking(move || {
        Ok(crate::store::captcha::spend(
            &mut *ctx.conn()?,
            &digest,
            expires_at.naive_utc(),
        )?)
    })
    .await?;
    if !first {
        return Err(invalid(CaptchaError::Replayed));
    }
    Ok(true)
}

fn cleared_cookie(ctx: &Ctx) -> Cookie<'static> {
    let mut cookie = refresh_cookie(ctx, String::new(), time::Duration::ZERO);
    cookie.make_removal();
    cookie
}

/// Register an account; a 6-digit code is queued for e-mail.
///
/// The answer is the same whether or not the address already has an account (its owner is told by mail).
/// A pending registration reserves neither its username nor its address: the first to be verified wins.
/// Keep the `registration_token`: with the code it activates this registration (or type the password).
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    params(("X-Captcha" = Option<String>, Header, description = "A solved puzzle from `GET /api/captcha` (base64 JSON); needed only after a `428 captcha_required`")),
    responses(
        (status = 202, description = "A code has been queued for e-mail", body = RegisteredResponse),
        (status = 409, description = "`username_taken` (held by a verified account)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts` for this address, or `rate_limited`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`captcha_required`: solve `GET /api/captcha` and resend with `X-Captcha`", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`captcha_invalid` (a bad `X-Captcha`) or `malformed_json`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<RegisterRequest>,
) -> Result<HttpResponse, AppError> {
    let registration = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    let solved = captcha_solved(&req, &ctx).await?;
    let ctx = ctx.get_ref().clone();
    let sent = blocking_hashing(ctx.hasher.admit()?, move || {
        registration::register(Flow::new(&ctx, &meta, now()), registration, solved)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// Confirm the e-mail address with the code and the `registration_token` (or, on another device, the
/// password chosen at registration); the account becomes active and a session starts.
#[utoipa::path(post, path = "/api/auth/verify-email", tag = "auth", request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "Verified and signed in", body = TokenResponse),
        (status = 400, description = "`invalid_code` (the code, or in password mode the code or the password), with `attempts_remaining`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`username_taken` (another registration of the name was verified first) or `already_registered` (the address got an account meanwhile)", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`code_expired`: register again or request a new code", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (also when neither `registration_token` nor `password` is given)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts` (the code is void) or `rate_limited`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`service_unavailable`: busy, retry after `Retry-After`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_email(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<VerifyEmailRequest>,
) -> Result<HttpResponse, AppError> {
    let verification = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::CodeChecks, &meta).await?;
    // Only a verification by password hashes; the others need no place.
    let admission = match verification.proof {
        shared::api::RegistrationProof::Password(_) => Some(ctx.hasher.admit()?),
        shared::api::RegistrationProof::Token(_) => None,
    };
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    let response = blocking(move || {
        let _admission = admission;
        registration::verify(Flow::new(&ctx2, &meta, now()), verification)
    })
    .await?;
    let device = login_service::device_cookie_for(
        &ctx,
        &response.user.id.to_string(),
        device_cookie(&req).as_deref(),
    );
    Ok(signed_in(&ctx, &req, response, device))
}

/// How long the code of a mailed link has left, for a page opened from that link in a browser that did
/// not ask for the code (its countdown). The link's code and token must both match; every other request
/// gets the same `410`.
#[utoipa::path(post, path = "/api/auth/code-status", tag = "auth", request_body = shared::api::CodeStatusRequest,
    responses(
        (status = 200, description = "The code's deadlines", body = CodeSentResponse),
        (status = 410, description = "`code_expired`: no live code matches this link", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn code_status(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<shared::api::CodeStatusRequest>,
) -> Result<HttpResponse, AppError> {
    let query = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::CodeChecks, &meta).await?;
    let ctx = ctx.get_ref().clone();
    let status = blocking(move || codes::status(&ctx, &query, now())).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(status))
}

/// Send a new verification code (voiding the previous one of that registration) once the cooldown has
/// passed: of the registration `registration_token` names, or else of the address's newest one.
#[utoipa::path(post, path = "/api/auth/resend-code", tag = "auth", request_body = ResendCodeRequest,
    params(("X-Captcha" = Option<String>, Header, description = "A solved puzzle from `GET /api/captcha` (base64 JSON); needed only after a `428 captcha_required`")),
    responses(
        (status = 202, description = "A new code has been queued (the same answer for every address)", body = CodeSentResponse),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`resend_cooldown`, `too_many_attempts` or `rate_limited`, with `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`captcha_required`: solve `GET /api/captcha` and resend with `X-Captcha`", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`captcha_invalid` (a bad `X-Captcha`) or `malformed_json`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn resend_code(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<ResendCodeRequest>,
) -> Result<HttpResponse, AppError> {
    let (email, token) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    let solved = captcha_solved(&req, &ctx).await?;
    let ctx = ctx.get_ref().clone();
    let sent =
        blocking(move || registration::resend(Flow::new(&ctx, &meta, now()), email, token, solved))
            .await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// Sign in with username or e-mail address and password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "`invalid_credentials`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`email_not_verified` (only when the password is right)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many tries from this client, or logins to this account paused after repeated wrong passwords", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let (login, password) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let device = device_cookie(&req);
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    let logged_in = blocking_hashing(ctx.hasher.admit()?, move || {
        let attempt = login_service::Attempt {
            login: &login,
            password: &password,
            device: device.as_deref(),
        };
        login_service::login(Flow::new(&ctx2, &meta, now()), attempt)
    })
    .await?;
    Ok(sign_in_response(&ctx, &req, logged_in))
}

/// A sign-in's answer: the tokens (and cookies), or the second step's `mfa_required` body.
pub(super) fn sign_in_response(
    ctx: &Ctx,
    req: &HttpRequest,
    sign_in: login_service::SignIn,
) -> HttpResponse {
    match sign_in {
        login_service::SignIn::Done(done) => signed_in(ctx, req, done.tokens, done.device),
        login_service::SignIn::SecondStep(step) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(step),
    }
}

/// The second step of a login: a code from the authenticator app, or a recovery code.
#[utoipa::path(post, path = "/api/auth/login/mfa", tag = "auth", request_body = MfaLoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "`invalid_code`, with `attempts_remaining` for this step", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_token`: the `mfa_token` is unknown, used, expired or void after 5 wrong codes: sign in again", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: too many tries from this client or for this account", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login_mfa(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<MfaLoginRequest>,
) -> Result<HttpResponse, AppError> {
    let (token, code) = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Logins, &meta).await?;
    let device = device_cookie(&req);
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    let done = blocking(move || {
        mfa::login_second_step(
            Flow::new(&ctx2, &meta, now()),
            &token,
            &code,
            device.as_deref(),
        )
    })
    .await?;
    Ok(signed_in(&ctx, &req, done.tokens, done.device))
}

/// Ask for a sign-in code by mail instead of using the password. The answer is the same for every
/// address; only an address with an account gets a mail.
#[utoipa::path(post, path = "/api/auth/login/code", tag = "auth", request_body = EmailRequest,
    params(("X-Captcha" = Option<String>, Header, description = "A solved puzzle from `GET /api/captcha` (base64 JSON); needed only after a `428 captcha_required`")),
    responses(
        (status = 202, description = "If the address has an account, a code has been queued", body = CodeSentResponse),
        (status = 429, description = "`resend_cooldown` or `rate_limited`, with `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`captcha_required`: solve `GET /api/captcha` and resend with `X-Captcha`", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`captcha_invalid` (a bad `X-Captcha`) or `malformed_json`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login_code(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<EmailRequest>,
) -> Result<HttpResponse, AppError> {
    let email = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    let solved = captcha_solved(&req, &ctx).await?;
    let ctx = ctx.get_ref().clone();
    let sent =
        blocking(move || login_code::request(Flow::new(&ctx, &meta, now()), email, solved)).await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// Sign in with the e-mailed code (and, with a second factor, go on to `login/mfa`).
#[utoipa::path(post, path = "/api/auth/login/code/verify", tag = "auth", request_body = LoginCodeRequest,
    responses(
        (status = 200, description = "Signed in, or the second step is required", body = LoginResponse),
        (status = 400, description = "`invalid_code`, with `attempts_remaining`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`code_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts` or `rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login_code_verify(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<LoginCodeRequest>,
) -> Result<HttpResponse, AppError> {
    let attempt = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::CodeChecks, &meta).await?;
    let device = device_cookie(&req);
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    let sign_in = blocking(move || {
        login_code::verify(Flow::new(&ctx2, &meta, now()), attempt, device.as_deref())
    })
    .await?;
    Ok(sign_in_response(&ctx, &req, sign_in))
}

/// The device cookie the request carries, if any.
pub(super) fn device_cookie(req: &HttpRequest) -> Option<String> {
    req.cookie(device::COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The token response of a sign-in, which also leaves the device cookie: later logins from this device
/// are paused only by its own failures.
pub(super) fn signed_in(
    ctx: &Ctx,
    req: &HttpRequest,
    response: TokenResponse,
    device_token: String,
) -> HttpResponse {
    let mut response = tokens(ctx, req, response);
    let cookie = Cookie::build(device::COOKIE, device_token)
        .path(COOKIE_PATH)
        .http_only(true)
        .secure(ctx.settings.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(DEVICE_COOKIE_DAYS))
        .finish();
    if let Err(e) = response.add_cookie(&cookie) {
        tracing::warn!(error = %e, "could not set the device cookie");
    }
    response
}

/// Exchange a refresh token (cookie or body) for a new token pair; the presented token is spent.
///
/// Presenting a spent refresh token again revokes its whole session.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body(content = Option<RefreshRequest>, description = "Optional: without it the `refresh_token` cookie is used"),
    responses(
        (status = 200, description = "A new token pair", body = TokenResponse),
        (status = 401, description = "`invalid_token`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    OptionalJson(body): OptionalJson<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    let from_body = body.and_then(|b| b.refresh_token).filter(|t| !t.is_empty());
    let token = match from_body {
        Some(token) => token,
        None => {
            let cookie = req
                .cookie(REFRESH_COOKIE)
                .map(|c| c.value().to_owned())
                .filter(|t| !t.is_empty())
                .ok_or(AppError::InvalidToken)?;
            // A cross-site form can make the browser send the cookie, but not a custom header.
            if !req.headers().contains_key("x-requested-with") {
                return Err(AppError::CsrfHeaderRequired);
            }
            cookie
        }
    };
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::Refreshes, &meta).await?;
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    match blocking(move || sessions::refresh(Flow::new(&ctx2, &meta, now()), &token)).await {
        Ok(response) => Ok(tokens(&ctx, &req, response)),
        Err(AppError::InvalidToken) => {
            let mut response = actix_web::ResponseError::error_response(&AppError::InvalidToken);
            response
                .add_cookie(&cleared_cookie(&ctx))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

/// End the current session: its access and refresh tokens stop working at once.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    AuthUser(auth): AuthUser,
) -> Result<HttpResponse, AppError> {
    let meta = client_meta(&req);
    let ctx = ctx.get_ref().clone();
    let ctx2 = ctx.clone();
    blocking(move || sessions::logout(Flow::new(&ctx2, &meta, now()), &auth)).await?;
    req.get_session().purge();
    Ok(HttpResponse::NoContent()
        .cookie(cleared_cookie(&ctx))
        .finish())
}

/// Ask for a password reset code. The answer is the same whether or not the address is known.
#[utoipa::path(post, path = "/api/auth/password/forgot", tag = "auth", request_body = EmailRequest,
    params(("X-Captcha" = Option<String>, Header, description = "A solved puzzle from `GET /api/captcha` (base64 JSON); needed only after a `428 captcha_required`")),
    responses(
        (status = 202, description = "If the address has an account, a code has been queued", body = CodeSentResponse),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`resend_cooldown`, `too_many_attempts` or `rate_limited`, with `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`captcha_required`: solve `GET /api/captcha` and resend with `X-Captcha`", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`captcha_invalid` (a bad `X-Captcha`) or `malformed_json`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn forgot_password(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<EmailRequest>,
) -> Result<HttpResponse, AppError> {
    let email = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    let solved = captcha_solved(&req, &ctx).await?;
    let ctx = ctx.get_ref().clone();
    let sent =
        blocking(move || recovery::forgot(Flow::new(&ctx, &meta, now()), email, solved)).await?;
    Ok(HttpResponse::Accepted().json(sent))
}

/// Set a new password with the e-mailed code; every session of the account is revoked.
#[utoipa::path(post, path = "/api/auth/password/reset", tag = "auth", request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed, all sessions revoked"),
        (status = 400, description = "`invalid_code`, with `attempts_remaining`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`code_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts` (the code is void) or `rate_limited`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset_password(
    req: HttpRequest,
    ctx: web::Data<Ctx>,
    Json(body): Json<ResetPasswordRequest>,
) -> Result<HttpResponse, AppError> {
    let reset = body.validate().map_err(AppError::Validation)?;
    let meta = client_meta(&req);
    client_limit(&ctx, ClientBudget::CodeChecks, &meta).await?;
    let ctx = ctx.get_ref().clone();
    blocking_hashing(ctx.hasher.admit()?, move || {
        recovery::reset(Flow::new(&ctx, &meta, now()), reset)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Forward-auth for a reverse proxy (nginx `auth_request`, Traefik `forwardAuth`, Caddy `forward_auth`):
/// `200` with the account in `X-Auth-*` headers while the session of the request is open, else `401`.
/// The session comes from a Bearer token, or else from the `otp_portal_session` cookie the browser got
/// at sign-in. A signed-out, revoked or expired session and a disabled account answer `401` at once.
#[utoipa::path(get, path = "/api/auth/check", tag = "integration",
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "Signed in; the account is in the headers (and the body)", body = shared::api::User,
            headers(
                ("X-Auth-User-Id" = String, description = "The account's id"),
                ("X-Auth-Username" = String),
                ("X-Auth-Email" = String),
                ("X-Auth-Role" = String, description = "`user` or `admin`"),
            )),
        (status = 401, description = "`unauthorized`: no open session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn check(req: HttpRequest, ctx: web::Data<Ctx>) -> Result<HttpResponse, AppError> {
    let bearer = crate::auth::extractor::bearer_token(&req);
    let session = req.get_session();
    let from_cookie = session.get::<String>(SESSION_KEY).ok().flatten();
    let proof = match (bearer, from_cookie) {
        (Some(token), _) => sessions::Proof::AccessToken(token),
        (None, Some(id)) => sessions::Proof::SessionId(id),
        (None, None) => return Err(AppError::Unauthorized),
    };
    let ctx = ctx.get_ref().clone();
    // In front of every proxied request: answered from memory when the session and account are held.
    let remembered = sessions::check_remembered(&ctx, &proof, now());
    let checked = match remembered {
        Some(user) => Ok(user),
        None => blocking(move || sessions::check(&ctx, &proof, now())).await,
    };
    let user = match checked {
        Ok(user) => user,
        Err(e) => {
            if matches!(e, AppError::Unauthorized) {
                // A dead session's cookie is dropped, so the browser stops sending it.
                session.purge();
            }
            return Err(e);
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header(("X-Auth-User-Id", user.id.to_string()))
        .insert_header(("X-Auth-Username", user.username.clone()))
        .insert_header(("X-Auth-Email", user.email.clone()))
        .insert_header(("X-Auth-Role", user.role.clone()))
        .insert_header(("Cache-Control", "no-store"))
        .json(user))
}
