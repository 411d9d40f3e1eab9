//! `AppError`, the one error type of the server, and its mapping to RFC 9457 problem details. Every error
//! response, including those actix produces itself, leaves through this module.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use shared::api::FieldErrors;
use shared::problem::{Problem, ProblemCode};

pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("validation failed: {0:?}")]
    Validation(FieldErrors),
    #[error("username taken")]
    UsernameTaken,
    #[error("the address got an account meanwhile")]
    AlreadyRegistered,
    #[error("the second factor is already on")]
    MfaAlreadyEnabled,
    #[error("the second factor is not set up")]
    MfaNotSetUp,
    #[error("wrong code")]
    InvalidCode { attempts_remaining: u32 },
    /// A wrong code of the second factor where no count of tries applies (setup, turning it off).
    #[error("wrong second-factor code")]
    InvalidFactorCode,
    /// A verification by password: the code or the password is wrong (which one is not said).
    #[error("wrong code or password")]
    InvalidCodeOrPassword { attempts_remaining: u32 },
    #[error("code expired or absent")]
    CodeExpired,
    #[error("too many wrong codes")]
    TooManyAttempts {
        attempts_remaining: Option<u32>,
        retry_after: u64,
    },
    #[error("rate limited")]
    RateLimited { retry_after: u64 },
    #[error("captcha required")]
    CaptchaRequired,
    #[error("captcha invalid: {0}")]
    CaptchaInvalid(String),
    #[error("resend cooldown")]
    ResendCooldown { retry_after: u64 },
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("email not verified")]
    EmailNotVerified,
    #[error("account disabled")]
    AccountDisabled,
    #[error("forbidden")]
    Forbidden,
    #[error("the admin has no second factor")]
    MfaRequired,
    #[error("invalid refresh token")]
    InvalidToken,
    #[error("unauthorized")]
    Unauthorized,
    #[error("cookie-authenticated call without the CSRF header")]
    CsrfHeaderRequired,
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("not found")]
    NotFound,
    /// PUBLIC_URL is not a secure domain origin, where browsers offer no passkeys.
    #[error("passkeys are not available at this PUBLIC_URL")]
    PasskeysUnavailable,
    #[error("passkey ceremony unknown, spent or expired")]
    PasskeyChallengeInvalid,
    #[error("passkey refused")]
    PasskeyRefused,
    #[error("too many passkeys")]
    TooManyPasskeys,
    /// A passkey cannot serve this second step: the account has none, or the login began with one.
    #[error("no passkey for this step")]
    NoPasskey,
    /// `/` was asked for but the browser client has not been built.
    #[error("the browser client is not built")]
    ClientNotBuilt,
    /// Every password-hashing slot and its short queue are taken; the request can be retried at once.
    #[error("password hashing is saturated")]
    HashingBusy,
    /// A dependency (the database) is failing; the request can be retried.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(FieldErrors::from([(
            field.to_owned(),
            vec![message.into()],
        )]))
    }

    pub fn code(&self) -> ProblemCode {
        match self {
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::UsernameTaken => ProblemCode::UsernameTaken,
            Self::AlreadyRegistered => ProblemCode::AlreadyRegistered,
            Self::MfaAlreadyEnabled => ProblemCode::MfaAlreadyEnabled,
            Self::MfaNotSetUp => ProblemCode::MfaNotSetUp,
            Self::InvalidCode { .. }
            | Self::InvalidCodeOrPassword { .. }
            | Self::InvalidFactorCode => ProblemCode::InvalidCode,
            Self::CodeExpired => ProblemCode::CodeExpired,
            Self::TooManyAttempts { .. } => ProblemCode::TooManyAttempts,
            Self::ResendCooldown { .. } => ProblemCode::ResendCooldown,
            Self::RateLimited { .. } => ProblemCode::RateLimited,
            Self::CaptchaRequired => ProblemCode::CaptchaRequired,
            Self::CaptchaInvalid(_) => ProblemCode::CaptchaInvalid,
            Self::InvalidCredentials => ProblemCode::InvalidCredentials,
            Self::EmailNotVerified => ProblemCode::EmailNotVerified,
            Self::AccountDisabled => ProblemCode::AccountDisabled,
            Self::Forbidden => ProblemCode::Forbidden,
            Self::MfaRequired => ProblemCode::MfaRequired,
            Self::InvalidToken => ProblemCode::InvalidToken,
            Self::Unauthorized => ProblemCode::Unauthorized,
            Self::CsrfHeaderRequired => ProblemCode::CsrfHeaderRequired,
            Self::MalformedJson(_) => ProblemCode::MalformedJson,
            Self::PayloadTooLarge => ProblemCode::PayloadTooLarge,
            Self::UnsupportedMediaType => ProblemCode::UnsupportedMediaType,
            Self::NotFound | Self::ClientNotBuilt => ProblemCode::NotFound,
            Self::PasskeysUnavailable => ProblemCode::PasskeysUnavailable,
            Self::PasskeyChallengeInvalid => ProblemCode::PasskeyChallengeInvalid,
            Self::PasskeyRefused => ProblemCode::PasskeyRefused,
            Self::TooManyPasskeys => ProblemCode::TooManyPasskeys,
            Self::NoPasskey => ProblemCode::PasskeyNotAvailable,
            Self::Unavailable(_) | Self::HashingBusy => ProblemCode::ServiceUnavailable,
            Self::Unexpected(_) => ProblemCode::InternalError,
        }
    }

    fn problem(&self) -> Problem {
        let problem = Problem::new(self.code());
        match self {
            Self::Validation(errors) => problem
                .with_detail("Correct the fields listed in `errors` and try again.")
                .with_errors(errors.clone()),
            Self::UsernameTaken => problem.with_detail("Choose another username."),
            Self::MfaAlreadyEnabled => problem.with_detail(
                "An authenticator app already protects this account; turn it off first to set up another.",
            ),
            Self::MfaNotSetUp => problem.with_detail(
                "Start with POST /api/me/mfa/totp/setup, add the secret to your app, then confirm with a code.",
            ),
            Self::InvalidFactorCode => problem.with_detail(
                "That is not the current code of your authenticator app, nor an unused recovery code.",
            ),
            Self::AlreadyRegistered => problem.with_detail(
                "This address already has an account: sign in, or reset the password if you forgot it.",
            ),
            Self::InvalidCodeOrPassword { attempts_remaining } => Problem {
                attempts_remaining: Some(*attempts_remaining),
                ..problem.with_detail(format!(
                    "The code or the password does not match. {attempts_remaining} attempt(s) left for this code."
                ))
            },
            Self::InvalidCode { attempts_remaining } => Problem {
                attempts_remaining: Some(*attempts_remaining),
                ..problem.with_detail(format!(
                    "The code does not match. {attempts_remaining} attempt(s) left for this code."
                ))
            },
            Self::CodeExpired => problem.with_detail(
                "There is no valid code for this address any more. Request a new one (or register again).",
            ),
            Self::TooManyAttempts { attempts_remaining, retry_after } => Problem {
                attempts_remaining: *attempts_remaining,
                retry_after: Some(*retry_after),
                ..problem.with_detail(
                    "Too many wrong codes: this code no longer works. Request a new one when the wait is over.",
                )
            },
            Self::ResendCooldown { retry_after } => Problem {
                retry_after: Some(*retry_after),
                ..problem.with_detail(format!(
                    "A code was sent recently. You can ask for another in {retry_after} second(s)."
                ))
            },
            Self::RateLimited { retry_after } => Problem {
                retry_after: Some(*retry_after),
                ..problem.with_detail(format!("Too many requests. Try again in {retry_after} second(s)."))
            },
            Self::CaptchaRequired => problem.with_detail(
                "Get a puzzle from GET /api/captcha, solve it, and repeat the request with the solution in the \
                 X-Captcha header.",
            ),
            Self::CaptchaInvalid(why) => {
                problem.with_detail(format!("{why} Get a new puzzle from GET /api/captcha."))
            }
            Self::InvalidCredentials => {
                problem.with_detail("The login or the password is wrong.")
            }
            Self::EmailNotVerified => problem.with_detail(
                "Confirm your e-mail address with the code we sent before signing in.",
            ),
            Self::AccountDisabled => problem.with_detail(
                "An administrator disabled this account. Contact the operator of this portal.",
            ),
            Self::Forbidden => problem.with_detail("This needs an administrator's account."),
            Self::MfaRequired => problem.with_detail(
                "Administration needs a second factor: turn on the authenticator app on your security page.",
            ),
            Self::InvalidToken => problem.with_detail("Sign in again."),
            Self::Unauthorized => {
                problem.with_detail("A valid `Authorization: Bearer` access token is required.")
            }
            Self::CsrfHeaderRequired => problem.with_detail(
                "Calls authenticated by the refresh cookie must carry an `X-Requested-With` header.",
            ),
            Self::MalformedJson(why) => problem.with_detail(why.clone()),
            Self::PayloadTooLarge => problem.with_detail("Request bodies are limited to 16 KiB."),
            Self::UnsupportedMediaType => {
                problem.with_detail("Send the body as JSON with `Content-Type: application/json`.")
            }
            Self::NotFound => problem,
            Self::PasskeysUnavailable => problem.with_detail(
                "Passkeys need PUBLIC_URL to be an https:// address on a domain name (or http://localhost \
                 while developing): browsers offer them nowhere else.",
            ),
            Self::PasskeyChallengeInvalid => problem.with_detail(
                "This passkey request is unknown, already answered, expired (5 minutes) or belongs to \
                 another session: ask for new options and try again.",
            ),
            Self::PasskeyRefused => problem.with_detail(
                "The passkey's answer did not check out: unknown passkey, another site, a replayed or \
                 out-of-date answer. Try again, or sign in another way.",
            ),
            Self::TooManyPasskeys => problem.with_detail(
                "An account keeps at most 20 passkeys: remove one you no longer use first.",
            ),
            Self::NoPasskey => problem.with_detail(
                "No passkey can serve this step: the account has none, or this login began with one. Use \
                 the authenticator app or a recovery code.",
            ),
            Self::ClientNotBuilt => problem.with_detail(
                "The browser client is not built into this binary: run scripts/build-frontend.sh before \
                 building it (scripts/run.sh does both), or set CLIENT_DIR to the folder that holds a \
                 built client. The API is at /api.",
            ),
            Self::Unavailable(_) => problem.with_detail("Try again in a few seconds."),
            Self::HashingBusy => problem.with_detail("The server is busy. Try again in a second."),
            Self::Unexpected(_) => problem,
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts { retry_after, .. }
            | Self::ResendCooldown { retry_after }
            | Self::RateLimited { retry_after } => Some(*retry_after),
            Self::Unavailable(_) => Some(5),
            Self::HashingBusy => Some(1),
            _ => None,
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        // SQLite reports a write lock held past the busy timeout as an unclassified error, PostgreSQL
        // one held past `lock_timeout` as "canceling statement due to lock timeout"; a server that went
        // away mid-request is unclassified too.
        let busy = matches!(&e, Error::DatabaseError(DatabaseErrorKind::Unknown | DatabaseErrorKind::ClosedConnection, info)
            if ["database is locked", "busy", "lock timeout", "terminating connection", "server closed the connection"]
                .iter()
                .any(|m| info.message().contains(m)));
        let e = anyhow::Error::new(e).context("database query");
        if busy {
            Self::Unavailable(e)
        } else {
            Self::Unexpected(e)
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(anyhow::Error::new(e).context("checking out a database connection"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Self::Unexpected(anyhow::anyhow!("the blocking thread pool is gone: {e}"))
    }
}

pub fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    response.content_type(PROBLEM_JSON);
    if let Some(seconds) = problem.retry_after {
        response.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    response.json(problem)
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self {
            Self::Unexpected(e) => tracing::error!(error = ?e, "request failed"),
            Self::Unavailable(e) => tracing::warn!(error = ?e, "dependency unavailable"),
            _ => {}
        }
        let mut problem = self.problem();
        problem.retry_after = problem.retry_after.or(self.retry_after());
        problem_response(&problem)
    }
}

/// Turns the bare error responses actix makes itself (no route, wrong method, a failed extractor of its
/// own) into problem details, leaving ours untouched.
pub fn problem_for_bare_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == HeaderValue::from_static(PROBLEM_JSON));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let code = match res.status() {
        StatusCode::NOT_FOUND => ProblemCode::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => ProblemCode::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => ProblemCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ProblemCode::UnsupportedMediaType,
        StatusCode::UNAUTHORIZED => ProblemCode::Unauthorized,
        StatusCode::SERVICE_UNAVAILABLE => ProblemCode::ServiceUnavailable,
        s if s.is_server_error() => ProblemCode::InternalError,
        StatusCode::BAD_REQUEST => ProblemCode::MalformedJson,
        _ => return Ok(ErrorHandlerResponse::Response(res.map_into_left_body())),
    };
    let mut problem = Problem::new(code);
    if code == ProblemCode::MethodNotAllowed {
        problem.detail = Some(format!(
            "{} is not allowed on this path.",
            res.request().method()
        ));
    }
    let (req, old) = res.into_parts();
    let mut new = problem_response(&problem);
    // Keep headers such as `Allow` and the request id; only the body and its type change.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body(),
    ))
}
