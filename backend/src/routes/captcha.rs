//! `/api/captcha`: a proof-of-work puzzle, asked for only when the server is under pressure.

use actix_web::web;
use actix_web::HttpResponse;

use crate::captcha::Challenge;
use crate::services::{now, Ctx};

/// A fresh CAPTCHA puzzle.
///
/// Find `number` in `0..=maxnumber` such that `hex(SHA-256(salt + number)) == challenge`, then send
/// `base64(JSON {algorithm, challenge, salt, number, signature})` in the `X-Captcha` header of the request
/// that answered `428 captcha_required`. Each solution is accepted once, until `expires_at`.
/// `otp-portal solve-captcha URL` does this from a shell.
#[utoipa::path(get, path = "/api/captcha", tag = "auth",
    responses((status = 200, description = "A signed puzzle", body = Challenge)))]
pub async fn challenge(ctx: web::Data<Ctx>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(ctx.captcha.challenge(now().and_utc()))
}
