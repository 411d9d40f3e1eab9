//! Running synchronous work (diesel, argon2) off the async workers, inside the request's tracing span.
//! Used by the routes and by the extractors that authenticate a request.

use actix_web::web;

use crate::auth::password::Admission;
use crate::error::AppError;

/// Runs blocking work (diesel, argon2) on the blocking pool, inside the request's tracing span.
pub async fn blocking<T, F>(f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    let span = tracing::Span::current();
    web::block(move || span.in_scope(f)).await?
}

/// Runs blocking work that may hash a password, holding `admission` (a place among the requests that may
/// hash, taken on the async side first so that a flood is refused with `503` before it holds a blocking
/// thread) until the work is done.
pub async fn blocking_hashing<T, F>(admission: Admission, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AppError> + Send + 'static,
{
    blocking(move || {
        let _admission = admission;
        f()
    })
    .await
}
