//! Every call to the server, one typed function per endpoint. Errors come back as the server's problem
//! details (or one made up here when there was no readable answer), never as raw HTTP.

use gloo_net::http::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::admin::{
    AccountExport, AdminUser, AdminUserDetail, AuditEntry, AuditQuery, CodeEntry, CodesQuery,
    MailEntry, MailQuery, Page, Stats, StatsQuery, UsersQuery,
};
use shared::api::{
    ChangePasswordRequest, CodeSentResponse, CodeStatusRequest, DeleteAccountRequest, EmailRequest,
    LanguageChange, LoginCodeRequest, LoginRequest, LoginResponse, MfaLoginRequest,
    PasswordAndCodeRequest, RecoveryCodesResponse, RegisterRequest, RegisteredResponse,
    ResendCodeRequest, ResetPasswordRequest, SessionInfo, TokenResponse, TotpCodeRequest,
    TotpSetupResponse, User, VerifyEmailRequest,
};
use shared::captcha::{self, Challenge};
use shared::passkeys::{
    PasskeyInfo, PasskeyLoginRequest, PasskeyOptionsResponse, PasskeyRegistrationOptionsRequest,
    PasskeyRegistrationRequest, PasskeySecondFactorOptionsRequest, PasskeySecondFactorRequest,
};
use shared::problem::{Problem, ProblemCode};
use uuid::Uuid;

use crate::i18n::{self, Language};
use crate::messages::{network_problem, problem_for_status};

/// The server refuses cookie-authenticated calls without it (a cross-site form cannot set it).
const CSRF_HEADER: (&str, &str) = ("X-Requested-With", "otp-portal");

fn request(method: Method, path: &str) -> RequestBuilder {
    RequestBuilder::new(path)
        .method(method)
        .header(CSRF_HEADER.0, CSRF_HEADER.1)
        .header("Accept", "application/json, application/problem+json")
        // Mails a request causes (a code, a notice) are written in the language the page shows.
        .header("Accept-Language", i18n::current().code())
}

fn authorized(method: Method, path: &str, token: &str) -> RequestBuilder {
    request(method, path).header("Authorization", &format!("Bearer {token}"))
}

/// A call that sends mail may be asked for a solved CAPTCHA (`428 captcha_required`); the retry
/// carries it.
fn with_captcha(builder: RequestBuilder, solution: Option<&str>) -> RequestBuilder {
    match solution {
        Some(value) => builder.header(captcha::HEADER_NAME, value),
        None => builder,
    }
}

fn client_problem(why: impl std::fmt::Display) -> Problem {
    Problem::new(ProblemCode::InternalError).with_detail(why.to_string())
}

async fn problem_from(response: Response) -> Problem {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok());
    let mut problem = match response.json::<Problem>().await {
        Ok(problem) => problem,
        Err(_) => problem_for_status(status),
    };
    if problem.retry_after.is_none() {
        problem.retry_after = retry_after;
    }
    problem
}

async fn send(builder: RequestBuilder, body: Option<&impl Serialize>) -> Result<Response, Problem> {
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    }
    .map_err(client_problem)?;
    let response = request.send().await.map_err(|_| network_problem())?;
    if response.ok() {
        Ok(response)
    } else {
        Err(problem_from(response).await)
    }
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, Problem> {
    response.json::<T>().await.map_err(client_problem)
}

/// A query's set fields as name/value pairs; unset ones are left out, so the server's defaults apply.
fn query_pairs(query: &impl Serialize) -> Result<Vec<(String, String)>, String> {
    let encoded = serde_urlencoded::to_string(query).map_err(|e| e.to_string())?;
    serde_urlencoded::from_str(&encoded).map_err(|e| e.to_string())
}

/// `GET path?query` of a list or the numbers.
async fn get_with_query<T: DeserializeOwned>(
    path: &str,
    query: &impl Serialize,
    token: &str,
) -> Result<T, Problem> {
    let pairs = query_pairs(query).map_err(client_problem)?;
    let builder = authorized(Method::GET, path, token)
        .query(pairs.iter().map(|(name, value)| (name.as_str(), value)));
    json(send(builder, None::<&()>).await?).await
}

async fn get_json<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, Problem> {
    json(send(authorized(Method::GET, path, token), None::<&()>).await?).await
}

/// An authorized call whose success is its `204 No Content`.
async fn no_content(method: Method, path: &str, token: &str) -> Result<(), Problem> {
    send(authorized(method, path, token), None::<&()>)
        .await
        .map(drop)
}

/// `PUT /api/me/language`: the account's mails follow the language chosen in the client.
pub async fn set_language(token: String, language: Language) -> Result<(), Problem> {
    let body = LanguageChange { language };
    send(
        authorized(Method::PUT, "/api/me/language", &token),
        Some(&body),
    )
    .await
    .map(drop)
}

/// `POST /api/auth/register`: a code is on its way to the address, and the registration token that
/// proves this client chose the password.
pub async fn register(
    body: &RegisterRequest,
    captcha: Option<String>,
) -> Result<RegisteredResponse, Problem> {
    let builder = with_captcha(
        request(Method::POST, "/api/auth/register"),
        captcha.as_deref(),
    );
    json(send(builder, Some(body)).await?).await
}

/// `POST /api/auth/verify-email` with the registration token, or the password chosen at registration:
/// the account is active and signed in.
pub async fn verify_email(body: &VerifyEmailRequest) -> Result<TokenResponse, Problem> {
    json(send(request(Method::POST, "/api/auth/verify-email"), Some(body)).await?).await
}

/// `POST /api/auth/resend-code` (with the registration token when this tab has it): a new code replaces
/// the previous one.
pub async fn resend_code(
    body: &ResendCodeRequest,
    captcha: Option<String>,
) -> Result<CodeSentResponse, Problem> {
    let builder = with_captcha(
        request(Method::POST, "/api/auth/resend-code"),
        captcha.as_deref(),
    );
    json(send(builder, Some(body)).await?).await
}

/// `POST /api/auth/code-status`: the deadlines of the code a mailed link carries.
pub async fn code_status(body: &CodeStatusRequest) -> Result<CodeSentResponse, Problem> {
    json(send(request(Method::POST, "/api/auth/code-status"), Some(body)).await?).await
}

/// `POST /api/auth/login`.
pub async fn login(body: &LoginRequest) -> Result<LoginResponse, Problem> {
    json(send(request(Method::POST, "/api/auth/login"), Some(body)).await?).await
}

/// `POST /api/auth/login/mfa`: the second step of a sign-in, with the app's code or a recovery code. Like
/// login, the answer sets the refresh cookie.
pub async fn login_mfa(body: &MfaLoginRequest) -> Result<TokenResponse, Problem> {
    json(send(request(Method::POST, "/api/auth/login/mfa"), Some(body)).await?).await
}

/// `POST /api/auth/login/code`: a sign-in code is on its way, if the address has an account (the answer
/// is the same either way).
pub async fn login_code(
    body: &EmailRequest,
    captcha: Option<String>,
) -> Result<CodeSentResponse, Problem> {
    let builder = with_captcha(
        request(Method::POST, "/api/auth/login/code"),
        captcha.as_deref(),
    );
    json(send(builder, Some(body)).await?).await
}

/// `POST /api/auth/login/code/verify`: signed in, or the second step still to go.
pub async fn login_code_verify(body: &LoginCodeRequest) -> Result<LoginResponse, Problem> {
    json(
        send(
            request(Method::POST, "/api/auth/login/code/verify"),
            Some(body),
        )
        .await?,
    )
    .await
}

/// `POST /api/auth/refresh` with the HttpOnly cookie (no body): a new access token, the cookie rotated.
pub async fn refresh() -> Result<TokenResponse, Problem> {
    json(send(request(Method::POST, "/api/auth/refresh"), None::<&()>).await?).await
}

/// `POST /api/auth/logout`: the session's tokens stop working.
pub async fn logout(token: String) -> Result<(), Problem> {
    send(
        authorized(Method::POST, "/api/auth/logout", &token),
        None::<&()>,
    )
    .await
    .map(drop)
}

/// `GET /api/me`.
pub async fn me(token: String) -> Result<User, Problem> {
    json(send(authorized(Method::GET, "/api/me", &token), None::<&()>).await?).await
}

/// `GET /api/me/sessions`: the account's open sessions.
pub async fn sessions(token: String) -> Result<Vec<SessionInfo>, Problem> {
    json(
        send(
            authorized(Method::GET, "/api/me/sessions", &token),
            None::<&()>,
        )
        .await?,
    )
    .await
}

/// `DELETE /api/me/sessions/{id}`: signs that session out.
pub async fn revoke_session(token: String, id: Uuid) -> Result<(), Problem> {
    let path = format!("/api/me/sessions/{id}");
    send(authorized(Method::DELETE, &path, &token), None::<&()>)
        .await
        .map(drop)
}

/// `POST /api/auth/password/forgot`: the same answer whether or not the address has an account.
pub async fn forgot_password(
    body: &EmailRequest,
    captcha: Option<String>,
) -> Result<CodeSentResponse, Problem> {
    let builder = with_captcha(
        request(Method::POST, "/api/auth/password/forgot"),
        captcha.as_deref(),
    );
    json(send(builder, Some(body)).await?).await
}

/// `POST /api/auth/password/reset`: the password is changed and every session revoked.
pub async fn reset_password(body: &ResetPasswordRequest) -> Result<(), Problem> {
    send(
        request(Method::POST, "/api/auth/password/reset"),
        Some(body),
    )
    .await
    .map(drop)
}

/// `POST /api/me/password`: changed; the account's other sessions are signed out.
pub async fn change_password(token: String, body: ChangePasswordRequest) -> Result<(), Problem> {
    send(
        authorized(Method::POST, "/api/me/password", &token),
        Some(&body),
    )
    .await
    .map(drop)
}

/// `POST /api/me/mfa/totp/setup`: a new secret and its QR code, not active until confirmed.
pub async fn totp_setup(token: String) -> Result<TotpSetupResponse, Problem> {
    json(
        send(
            authorized(Method::POST, "/api/me/mfa/totp/setup", &token),
            None::<&()>,
        )
        .await?,
    )
    .await
}

/// `POST /api/me/mfa/totp/enable`: the app's code confirms the set-up; the answer holds the ten
/// recovery codes, shown this once.
pub async fn totp_enable(
    token: String,
    body: TotpCodeRequest,
) -> Result<RecoveryCodesResponse, Problem> {
    json(
        send(
            authorized(Method::POST, "/api/me/mfa/totp/enable", &token),
            Some(&body),
        )
        .await?,
    )
    .await
}

/// `POST /api/me/mfa/totp/disable`: with the password and a code, the second factor is off.
pub async fn totp_disable(token: String, body: PasswordAndCodeRequest) -> Result<(), Problem> {
    send(
        authorized(Method::POST, "/api/me/mfa/totp/disable", &token),
        Some(&body),
    )
    .await
    .map(drop)
}

/// `POST /api/me/mfa/recovery-codes`: ten new recovery codes; every older one stops working.
pub async fn regenerate_recovery_codes(
    token: String,
    body: PasswordAndCodeRequest,
) -> Result<RecoveryCodesResponse, Problem> {
    json(
        send(
            authorized(Method::POST, "/api/me/mfa/recovery-codes", &token),
            Some(&body),
        )
        .await?,
    )
    .await
}

/// `GET /api/me/export`: everything the portal keeps about the account.
pub async fn export_account(token: String) -> Result<AccountExport, Problem> {
    get_json("/api/me/export", &token).await
}

/// `DELETE /api/me` with the password (and a code of the second factor when it is on): the account, its
/// sessions, second factor and codes are gone, and a goodbye mail is on its way.
pub async fn delete_account(token: String, body: DeleteAccountRequest) -> Result<(), Problem> {
    send(authorized(Method::DELETE, "/api/me", &token), Some(&body))
        .await
        .map(drop)
}

/// `GET /api/admin/users`: accounts and pending registrations, newest first.
pub async fn admin_users(token: String, query: UsersQuery) -> Result<Page<AdminUser>, Problem> {
    get_with_query("/api/admin/users", &query, &token).await
}

/// `GET /api/admin/users/{id}`: one account's state, sessions, timeline, mails and codes.
pub async fn admin_user(token: String, id: Uuid) -> Result<AdminUserDetail, Problem> {
    get_json(&format!("/api/admin/users/{id}"), &token).await
}

/// `POST /api/admin/users/{id}/disable`: every session ends and sign-in is refused until enabled.
pub async fn admin_disable_user(token: String, id: Uuid) -> Result<(), Problem> {
    let path = format!("/api/admin/users/{id}/disable");
    no_content(Method::POST, &path, &token).await
}

/// `POST /api/admin/users/{id}/enable`.
pub async fn admin_enable_user(token: String, id: Uuid) -> Result<(), Problem> {
    let path = format!("/api/admin/users/{id}/enable");
    no_content(Method::POST, &path, &token).await
}

/// `POST /api/admin/users/{id}/sessions/revoke`: the account is signed out everywhere.
pub async fn admin_revoke_sessions(token: String, id: Uuid) -> Result<(), Problem> {
    let path = format!("/api/admin/users/{id}/sessions/revoke");
    no_content(Method::POST, &path, &token).await
}

/// `DELETE /api/admin/users/{id}`: the account (with a goodbye mail) or the pending registration.
pub async fn admin_delete_user(token: String, id: Uuid) -> Result<(), Problem> {
    let path = format!("/api/admin/users/{id}");
    no_content(Method::DELETE, &path, &token).await
}

/// `GET /api/admin/mail`: the outbox, newest first.
pub async fn admin_mail(token: String, query: MailQuery) -> Result<Page<MailEntry>, Problem> {
    get_with_query("/api/admin/mail", &query, &token).await
}

/// `GET /api/admin/codes`: what happened to e-mailed codes, newest first.
pub async fn admin_codes(token: String, query: CodesQuery) -> Result<Page<CodeEntry>, Problem> {
    get_with_query("/api/admin/codes", &query, &token).await
}

/// `GET /api/admin/audit`: the audit trail, newest first.
pub async fn admin_audit(token: String, query: AuditQuery) -> Result<Page<AuditEntry>, Problem> {
    get_with_query("/api/admin/audit", &query, &token).await
}

/// `GET /api/admin/stats`: the numbers of each day, oldest first.
pub async fn admin_stats(token: String, query: StatsQuery) -> Result<Stats, Problem> {
    get_with_query("/api/admin/stats", &query, &token).await
}

/// `GET /api/captcha`: a puzzle to solve before repeating a call that answered `captcha_required`.
pub async fn captcha() -> Result<Challenge, Problem> {
    json(send(request(Method::GET, "/api/captcha"), None::<&()>).await?).await
}

/// `GET /api/me/passkeys`: the account's passkeys, oldest first.
pub async fn passkeys(token: String) -> Result<Vec<PasskeyInfo>, Problem> {
    get_json("/api/me/passkeys", &token).await
}

/// `POST /api/me/passkeys/options`: the options `navigator.credentials.create()` takes.
pub async fn passkey_registration_options(
    token: String,
    body: PasskeyRegistrationOptionsRequest,
) -> Result<PasskeyOptionsResponse, Problem> {
    let builder = authorized(Method::POST, "/api/me/passkeys/options", &token);
    json(send(builder, Some(&body)).await?).await
}

/// `POST /api/me/passkeys`: the authenticator's answer; the new passkey.
pub async fn add_passkey(
    token: String,
    body: PasskeyRegistrationRequest,
) -> Result<PasskeyInfo, Problem> {
    let builder = authorized(Method::POST, "/api/me/passkeys", &token);
    json(send(builder, Some(&body)).await?).await
}

/// `DELETE /api/me/passkeys/{id}`.
pub async fn remove_passkey(token: String, id: Uuid) -> Result<(), Problem> {
    no_content(Method::DELETE, &format!("/api/me/passkeys/{id}"), &token).await
}

/// `POST /api/auth/passkey/login/options`: options for a sign-in with no username.
pub async fn passkey_login_options() -> Result<PasskeyOptionsResponse, Problem> {
    let builder = request(Method::POST, "/api/auth/passkey/login/options");
    json(send(builder, Some(&serde_json::json!({}))).await?).await
}

/// `POST /api/auth/passkey/login`: signed in, or on to the second step.
pub async fn passkey_login(body: &PasskeyLoginRequest) -> Result<LoginResponse, Problem> {
    let builder = request(Method::POST, "/api/auth/passkey/login");
    json(send(builder, Some(body)).await?).await
}

/// `POST /api/auth/passkey/second-factor/options`: options allowing the account's passkeys.
pub async fn passkey_second_factor_options(
    body: &PasskeySecondFactorOptionsRequest,
) -> Result<PasskeyOptionsResponse, Problem> {
    let builder = request(Method::POST, "/api/auth/passkey/second-factor/options");
    json(send(builder, Some(body)).await?).await
}

/// `POST /api/auth/passkey/second-factor`: a passkey as the second step.
pub async fn passkey_second_factor(
    body: &PasskeySecondFactorRequest,
) -> Result<TokenResponse, Problem> {
    let builder = request(Method::POST, "/api/auth/passkey/second-factor");
    json(send(builder, Some(body)).await?).await
}

/// `DELETE /api/admin/users/{id}/passkeys/{passkey_id}`.
pub async fn admin_remove_passkey(token: String, id: Uuid, passkey: Uuid) -> Result<(), Problem> {
    let path = format!("/api/admin/users/{id}/passkeys/{passkey}");
    no_content(Method::DELETE, &path, &token).await
}

#[cfg(test)]
mod tests {
    use shared::admin::AccountState;

    use super::*;

    fn pairs(query: &impl Serialize) -> Vec<(String, String)> {
        query_pairs(query).unwrap()
    }

    fn pair(name: &str, value: &str) -> (String, String) {
        (name.to_owned(), value.to_owned())
    }

    #[test]
    fn a_list_query_sends_only_the_filters_that_are_set() {
        let query = UsersQuery {
            q: Some("ada lovelace".into()),
            state: Some(AccountState::Disabled),
            page: Some(2),
            per_page: None,
        };
        assert_eq!(
            pairs(&query),
            [
                pair("q", "ada lovelace"),
                pair("state", "disabled"),
                pair("page", "2")
            ]
        );
        assert!(pairs(&UsersQuery::default()).is_empty());
        let audit = AuditQuery {
            user_id: Some("6f1c1e0e-8a52-4a36-9a1e-0f4b8f0f2f11".into()),
            kind: Some("login_failed".into()),
            ..AuditQuery::default()
        };
        assert_eq!(
            pairs(&audit),
            [
                pair("user_id", "6f1c1e0e-8a52-4a36-9a1e-0f4b8f0f2f11"),
                pair("kind", "login_failed")
            ]
        );
        assert_eq!(pairs(&StatsQuery { days: Some(30) }), [pair("days", "30")]);
    }
}
