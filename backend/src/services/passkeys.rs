//! Passkeys: WebAuthn credentials that sign in without a password, or serve as the second step of a
//! login.
//!
//! Every ceremony (adding a passkey, signing in, a second step) starts with a challenge stored as a
//! row bound to what asked for it: the signed-in session, the login's second step, or, for a sign-in
//! with no username, nothing but the ceremony's own random id. Its first answer spends it, right or
//! wrong, and it dies after five minutes, so a recorded answer cannot be replayed and one meant for
//! another session or login is refused.
//!
//! User verification is preferred, not required: a security key without a PIN is welcome, but a sign-in
//! with a passkey that did not verify its user (no PIN, no biometrics) is possession alone, so an
//! account with a second factor is then asked for it. One that verified its user signs in alone.
//!
//! Isolation: the ceremony is spent and the credential's counter moved in one write transaction; the
//! counter is written only over the state that was checked (compare-and-set), so two answers racing
//! with one counter value cannot both pass on a backend with concurrent writers either.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::TimeDelta;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use shared::passkeys::{PasskeyInfo, PasskeyOptionsResponse};
use url::Url;
use webauthn_rs_core::error::WebauthnError;
use webauthn_rs_core::proto::{
    AttestationConveyancePreference, AuthenticationState, COSEAlgorithm, Credential,
    PublicKeyCredential, RegisterPublicKeyCredential, RegistrationState, UserVerificationPolicy,
};
use webauthn_rs_core::WebauthnCore;

use super::flow::{self, Flow, Stop, Tx};
use super::login::{self, LoggedIn, SignIn};
use super::sessions::Authenticated;
use super::{mfa, Ctx, Event, Subject};
use crate::auth::tokens;
use crate::error::AppError;
use crate::mail::templates::{self, PasskeyChange};
use crate::mail::{self, MailKind};
use crate::settings::Settings;
use crate::store::passkeys::{self as store, CeremonyRow, PasskeyRow};
use crate::store::users::{self, UserRow};
use crate::store::{mfa as store_mfa, Conn, Timestamp};

/// How long a ceremony waits for its answer.
pub const CEREMONY_TTL: TimeDelta = TimeDelta::minutes(5);
/// More than anyone needs; the list (and each second step's allowed credentials) stays small.
pub const MAX_PASSKEYS: i64 = 20;

const REGISTER: &str = "register";
const SIGN_IN: &str = "sign_in";
const SECOND_FACTOR: &str = "second_factor";

/// Why passkeys are off for this `PUBLIC_URL`, if they are: browsers offer WebAuthn only to a secure
/// origin (HTTPS, or `localhost` while developing), on a domain name (never an IP address).
pub fn unavailable_reason(public_url: &str) -> Option<String> {
    let Ok(url) = Url::parse(public_url) else {
        return Some(format!("PUBLIC_URL {public_url:?} is not a URL"));
    };
    let Some(url::Host::Domain(host)) = url.host() else {
        return Some(format!(
            "PUBLIC_URL {public_url:?} names an IP address, and a passkey belongs to a domain name"
        ));
    };
    let local = host == "localhost" || host.ends_with(".localhost");
    if url.scheme() != "https" && !local {
        return Some(format!(
            "PUBLIC_URL {public_url:?} is not https, and browsers offer passkeys only to secure sites"
        ));
    }
    None
}

/// The relying party: its id is PUBLIC_URL's host, and only PUBLIC_URL's origin may answer.
fn relying_party(settings: &Settings) -> Result<WebauthnCore, AppError> {
    if unavailable_reason(&settings.public_url).is_some() {
        return Err(AppError::PasskeysUnavailable);
    }
    let origin = Url::parse(&settings.public_url).map_err(|_| AppError::PasskeysUnavailable)?;
    let rp_id = origin
        .host_str()
        .ok_or(AppError::PasskeysUnavailable)?
        .to_owned();
    let timeout = CEREMONY_TTL.to_std().unwrap_or_default();
    Ok(WebauthnCore::new_unsafe_experts_only(
        &settings.totp_issuer,
        &rp_id,
        vec![origin],
        timeout,
        Some(false),
        Some(false),
    ))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Unexpected(e.into()))
}

fn from_json<T: DeserializeOwned>(stored: &str) -> Result<T, AppError> {
    serde_json::from_str(stored).map_err(|e| AppError::Unexpected(e.into()))
}

/// The browser's answer in the library's form; what does not parse is a bad request, not a refusal.
fn parse_answer<T: DeserializeOwned>(credential: Value) -> Result<T, AppError> {
    serde_json::from_value(credential).map_err(|e| {
        AppError::validation(
            "credential",
            format!("is not a WebAuthn credential as PublicKeyCredential.toJSON() gives it: {e}"),
        )
    })
}

/// The library could not make options from ours: a bug, not the client's doing.
fn options_failed(e: WebauthnError) -> AppError {
    AppError::Unexpected(anyhow::anyhow!("passkey options: {e:?}"))
}

fn credential_id(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

/// Stores a ceremony and hands out its options.
fn open_ceremony(
    conn: &mut Conn,
    purpose: &str,
    user_id: Option<&str>,
    bound_to: Option<&str>,
    state: &impl Serialize,
    public_key: &impl Serialize,
    now: Timestamp,
) -> Result<PasskeyOptionsResponse, AppError> {
    let public_key =
        serde_json::to_value(public_key).map_err(|e| AppError::Unexpected(e.into()))?;
    let state = to_json(state)?;
    let (token, token_hash) = tokens::new_opaque_token();
    store::insert_ceremony(
        conn,
        &CeremonyRow {
            token_hash,
            purpose: purpose.to_owned(),
            user_id: user_id.map(str::to_owned),
            bound_to: bound_to.map(str::to_owned),
            state,
            created_at: now,
            expires_at: now + CEREMONY_TTL,
        },
    )?;
    Ok(PasskeyOptionsResponse {
        ceremony_id: token,
        public_key,
        expires_in: u64::try_from(CEREMONY_TTL.num_seconds()).unwrap_or(0),
    })
}

/// Spends the ceremony `ceremony_id` names, if it is of `purpose` and bound to `bound_to`.
fn spend_ceremony(
    conn: &mut Conn,
    ceremony_id: &str,
    purpose: &str,
    bound_to: Option<&str>,
    now: Timestamp,
) -> Result<CeremonyRow, Stop> {
    let token_hash = tokens::hash_opaque_token(ceremony_id);
    match store::spend_ceremony(conn, &token_hash, purpose, now)? {
        Some(ceremony) if ceremony.bound_to.as_deref() == bound_to => Ok(ceremony),
        _ => flow::refuse(AppError::PasskeyChallengeInvalid),
    }
}

pub fn info(row: &PasskeyRow) -> PasskeyInfo {
    PasskeyInfo {
        id: row.id.parse().unwrap_or_default(),
        name: row.name.clone(),
        created_at: row.created_at.and_utc(),
        last_used_at: row.last_used_at.map(|t| t.and_utc()),
        user_verified: row.user_verified,
    }
}

pub fn list(ctx: &Ctx, auth: &Authenticated) -> Result<Vec<PasskeyInfo>, AppError> {
    let rows = store::list(&mut *ctx.conn()?, &auth.user_id)?;
    Ok(rows.iter().map(info).collect())
}

/// Starts adding a passkey to the signed-in account, once `password` proved to be its password: the
/// options for `navigator.credentials.create()`, bound to this session.
pub fn registration_options(
    flow: Flow<'_>,
    auth: &Authenticated,
    password: &str,
) -> Result<PasskeyOptionsResponse, AppError> {
    let rp = relying_party(&flow.ctx.settings)?;
    let user = mfa::password_confirmed(flow, auth, password)?;
    let mut conn = flow.ctx.conn()?;
    let existing = store::list(&mut conn, &user.id)?;
    if i64::try_from(existing.len()).unwrap_or(i64::MAX) >= MAX_PASSKEYS {
        return Err(AppError::TooManyPasskeys);
    }
    let exclude = existing
        .iter()
        .filter_map(|row| from_json::<Credential>(&row.credential).ok())
        .map(|credential| credential.cred_id)
        .collect();
    let builder = rp
        .new_challenge_register_builder(user.id.as_bytes(), &user.username, &user.username)
        .map_err(options_failed)?
        .attestation(AttestationConveyancePreference::None)
        .user_verification_policy(UserVerificationPolicy::Preferred)
        .credential_algorithms(COSEAlgorithm::secure_algs())
        // Discoverable: the passkey itself names the account, so signing in needs no username.
        .require_resident_key(true)
        .exclude_credentials(Some(exclude));
    let (options, state) = rp
        .generate_challenge_register(builder)
        .map_err(options_failed)?;
    open_ceremony(
        &mut conn,
        REGISTER,
        Some(&user.id),
        Some(&auth.session_id),
        &state,
        &options.public_key,
        flow.now,
    )
}

/// Finishes adding a passkey: the browser's answer to the options this session got.
pub fn register(
    flow: Flow<'_>,
    auth: &Authenticated,
    ceremony_id: &str,
    name: &str,
    credential: Value,
) -> Result<PasskeyInfo, AppError> {
    let rp = relying_party(&flow.ctx.settings)?;
    let answer: RegisterPublicKeyCredential = parse_answer(credential)?;
    let mut conn = flow.ctx.conn()?;
    let added = flow.commit_account(&mut conn, &auth.user_id, |tx| {
        let ceremony = spend_ceremony(
            tx.conn,
            ceremony_id,
            REGISTER,
            Some(&auth.session_id),
            tx.now,
        )?;
        if ceremony.user_id.as_deref() != Some(auth.user_id.as_str()) {
            return flow::refuse(AppError::PasskeyChallengeInvalid);
        }
        let Some(user) = users::find(tx.conn, &auth.user_id)? else {
            return flow::refuse(AppError::Unauthorized);
        };
        let state: RegistrationState = from_json(&ceremony.state)?;
        let credential = match rp.register_credential(&answer, &state, None) {
            Ok(credential) => credential,
            Err(why) => {
                tracing::info!(user = %user.id, ?why, "passkey registration refused");
                return flow::refuse(AppError::PasskeyRefused);
            }
        };
        if store::count(tx.conn, &user.id)? >= MAX_PASSKEYS {
            return flow::refuse(AppError::TooManyPasskeys);
        }
        let row = PasskeyRow {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user.id.clone(),
            credential_id: credential_id(credential.cred_id.as_ref()),
            name: name.to_owned(),
            credential: to_json(&credential)?,
            user_verified: credential.user_verified,
            created_at: tx.now,
            last_used_at: None,
        };
        if !store::insert(tx.conn, &row)? {
            return flow::refuse(AppError::validation(
                "credential",
                "this passkey is already registered",
            ));
        }
        notify(tx, &user, PasskeyChange::Added, &row, None)?;
        Ok(row)
    })?;
    flow.ctx.wake_mailer();
    Ok(info(&added))
}

pub fn rename(
    ctx: &Ctx,
    auth: &Authenticated,
    id: &str,
    name: &str,
) -> Result<PasskeyInfo, AppError> {
    let mut conn = ctx.conn()?;
    flow::write_account(&mut conn, &auth.user_id, |conn| {
        if !store::rename(conn, &auth.user_id, id, name)? {
            return Err(AppError::NotFound);
        }
        store::find(conn, &auth.user_id, id)?
            .map(|row| info(&row))
            .ok_or(AppError::NotFound)
    })
}

/// Removes one of the account's passkeys; the owner is told by mail. `actor_id` is the admin who did it.
pub fn delete(
    flow: Flow<'_>,
    user_id: &str,
    id: &str,
    actor_id: Option<&str>,
) -> Result<(), AppError> {
    let mut conn = flow.ctx.conn()?;
    flow.write_account(&mut conn, user_id, |tx| {
        let user = users::find(tx.conn, user_id)?.ok_or(AppError::NotFound)?;
        let row = store::delete(tx.conn, user_id, id)?.ok_or(AppError::NotFound)?;
        notify(tx, &user, PasskeyChange::Removed, &row, actor_id)
    })?;
    flow.ctx.wake_mailer();
    Ok(())
}

/// Starts a sign-in with a passkey: options for `navigator.credentials.get()` with no allowed list, so
/// the browser offers every passkey it has for this site (and conditional UI can offer them in the
/// username field's autofill).
pub fn sign_in_options(ctx: &Ctx, now: Timestamp) -> Result<PasskeyOptionsResponse, AppError> {
    let rp = relying_party(&ctx.settings)?;
    request_ceremony(&mut *ctx.conn()?, &rp, Vec::new(), SIGN_IN, None, None, now)
}

/// Options for `navigator.credentials.get()` allowing `credentials` (none: any of this site's
/// passkeys), stored as a ceremony of `purpose`.
fn request_ceremony(
    conn: &mut Conn,
    rp: &WebauthnCore,
    credentials: Vec<Credential>,
    purpose: &str,
    user_id: Option<&str>,
    bound_to: Option<&str>,
    now: Timestamp,
) -> Result<PasskeyOptionsResponse, AppError> {
    let builder = rp
        .new_challenge_authenticate_builder(credentials, Some(UserVerificationPolicy::Preferred))
        .map_err(options_failed)?;
    let (options, state) = rp
        .generate_challenge_authenticate(builder)
        .map_err(options_failed)?;
    open_ceremony(
        conn,
        purpose,
        user_id,
        bound_to,
        &state,
        &options.public_key,
        now,
    )
}

/// What a checked assertion proved.
struct Asserted {
    user: UserRow,
    passkey: PasskeyRow,
    user_verified: bool,
}

/// Checks an assertion against the passkey it names, of `owner` if the owner is known beforehand, and
/// records its use. A refusal is audited (on the account when the passkey is known).
fn check_assertion(
    tx: &mut Tx<'_, '_>,
    rp: &WebauthnCore,
    answer: &PublicKeyCredential,
    state: &AuthenticationState,
    owner: Option<&str>,
) -> Result<Asserted, Stop> {
    let refuse =
        |tx: &mut Tx<'_, '_>, user_id: Option<&str>, why: &str| -> Result<Asserted, Stop> {
            let subject = Subject {
                user_id,
                email: None,
                detail: Some(why),
                actor_id: None,
            };
            tx.audit(Event::PasskeyRefused, subject)?;
            flow::refuse(AppError::PasskeyRefused)
        };
    let Some(passkey) = store::find_by_credential_id(tx.conn, &credential_id(&answer.raw_id))?
    else {
        return refuse(tx, owner, "unknown passkey");
    };
    if owner.is_some_and(|owner| owner != passkey.user_id) {
        return refuse(tx, owner, "a passkey of another account");
    }
    if owner.is_none() {
        // A caller that knew the owner holds its lock already; the passkey's account never changes,
        // and its stored state is replaced below only over what was read here (compare-and-set).
        tx.lock(&[flow::account_lock(&passkey.user_id)])?;
        // The passkey's user handle must name the account that registered it.
        if answer.get_user_unique_id() != Some(passkey.user_id.as_bytes()) {
            return refuse(tx, Some(&passkey.user_id), "user handle does not match");
        }
    }
    let Some(user) = users::find(tx.conn, &passkey.user_id)? else {
        return refuse(tx, None, "passkey of an erased account");
    };
    let mut credential: Credential = from_json(&passkey.credential)?;
    let result = match rp.authenticate_single_credential(answer, state, &credential) {
        Ok(result) => result,
        Err(why) => {
            tracing::info!(user = %user.id, ?why, "passkey assertion refused");
            let detail = match why {
                WebauthnError::CredentialPossibleCompromise => {
                    "signature counter went back: the passkey may have been copied"
                }
                _ => "the passkey's answer did not verify",
            };
            return refuse(tx, Some(&user.id), detail);
        }
    };
    credential.counter = result.counter();
    credential.backup_state = result.backup_state();
    credential.backup_eligible = result.backup_eligible();
    if !store::record_use(
        tx.conn,
        &passkey.id,
        &passkey.credential,
        &to_json(&credential)?,
        tx.now,
    )? {
        return refuse(tx, Some(&user.id), "a concurrent use of the same passkey");
    }
    Ok(Asserted {
        user,
        passkey,
        user_verified: result.user_verified(),
    })
}

/// Signs in with a passkey. One that verified its user signs in alone; one that did not is possession
/// only, so an account with a second factor goes on to the second step.
pub fn sign_in(
    flow: Flow<'_>,
    ceremony_id: &str,
    credential: Value,
    device: Option<&str>,
) -> Result<SignIn, AppError> {
    let rp = relying_party(&flow.ctx.settings)?;
    let answer: PublicKeyCredential = parse_answer(credential)?;
    let mut conn = flow.ctx.conn()?;
    let signed_in = flow.commit_keyed(&mut conn, |tx| {
        let ceremony = spend_ceremony(tx.conn, ceremony_id, SIGN_IN, None, tx.now)?;
        let state: AuthenticationState = from_json(&ceremony.state)?;
        let asserted = check_assertion(tx, &rp, &answer, &state, None)?;
        let Asserted {
            user,
            passkey,
            user_verified,
        } = asserted;
        if user.disabled_at.is_some() {
            return flow::refuse(AppError::AccountDisabled);
        }
        notify(tx, &user, PasskeyChange::Used, &passkey, None)?;
        if user.mfa_enabled && !user_verified {
            return Ok(SignIn::SecondStep(mfa::open_challenge_after(
                tx, &user, true,
            )?));
        }
        let session = login::open_session(tx, &user)?;
        Ok(SignIn::Done(LoggedIn::new(tx.ctx, &user, session, device)?))
    })?;
    flow.ctx.wake_mailer();
    Ok(signed_in)
}

/// Starts a passkey as the second step of the login `mfa_token` names: options allowing the account's
/// passkeys, bound to that login.
pub fn second_factor_options(
    ctx: &Ctx,
    mfa_token: &str,
    now: Timestamp,
) -> Result<PasskeyOptionsResponse, AppError> {
    let rp = relying_party(&ctx.settings)?;
    let token_hash = tokens::hash_opaque_token(mfa_token);
    let mut conn = ctx.conn()?;
    let challenge = store_mfa::live_challenge(&mut conn, &token_hash, mfa::MAX_TRIES, now)?
        .ok_or(AppError::InvalidToken)?;
    if challenge.by_passkey {
        return Err(AppError::NoPasskey);
    }
    let credentials: Vec<Credential> = store::list(&mut conn, &challenge.user_id)?
        .iter()
        .filter_map(|row| from_json(&row.credential).ok())
        .collect();
    if credentials.is_empty() {
        return Err(AppError::NoPasskey);
    }
    request_ceremony(
        &mut conn,
        &rp,
        credentials,
        SECOND_FACTOR,
        Some(&challenge.user_id),
        Some(&token_hash),
        now,
    )
}

/// A passkey as the second step of a login. A refused answer counts as a wrong code: against the
/// step's five tries and the account's login throttle.
pub fn second_factor(
    flow: Flow<'_>,
    mfa_token: &str,
    ceremony_id: &str,
    credential: Value,
    device: Option<&str>,
) -> Result<LoggedIn, AppError> {
    let rp = relying_party(&flow.ctx.settings)?;
    let answer: PublicKeyCredential = parse_answer(credential)?;
    let token_hash = tokens::hash_opaque_token(mfa_token);
    let mut conn = flow.ctx.conn()?;
    let signed_in = flow.commit_keyed(&mut conn, |tx| {
        let Some(challenge) =
            store_mfa::live_challenge(tx.conn, &token_hash, mfa::MAX_TRIES, tx.now)?
        else {
            return flow::refuse(AppError::InvalidToken);
        };
        tx.lock(&[&flow::account_lock(&challenge.user_id)])?;
        if challenge.by_passkey {
            return flow::refuse(AppError::NoPasskey);
        }
        let ceremony = spend_ceremony(
            tx.conn,
            ceremony_id,
            SECOND_FACTOR,
            Some(&token_hash),
            tx.now,
        )?;
        let Some(user) = users::find(tx.conn, &challenge.user_id)? else {
            return flow::refuse(AppError::InvalidToken);
        };
        let subject = login::account_subject(&user.id);
        let reservation = login::reserve_attempt(tx, &subject, Some(user.clone()), device)?;
        let state: AuthenticationState = from_json(&ceremony.state)?;
        let asserted = check_assertion(tx, &rp, &answer, &state, Some(&user.id));
        let passkey = match asserted {
            Ok(asserted) => asserted.passkey,
            Err(Stop::Refused(refusal)) => {
                store_mfa::challenge_failed(tx.conn, &token_hash)?;
                login::record_failure(tx, &reservation, "passkey refused")?;
                return flow::refuse(refusal);
            }
            Err(failed) => return Err(failed),
        };
        if !store_mfa::spend_challenge(tx.conn, &token_hash, tx.now)? {
            return flow::refuse(AppError::InvalidToken);
        }
        notify(tx, &user, PasskeyChange::Used, &passkey, None)?;
        reservation.settle_success(tx.conn)?;
        let session = login::open_session(tx, &user)?;
        Ok((user, session))
    })?;
    flow.ctx.wake_mailer();
    let (user, session) = signed_in;
    LoggedIn::new(flow.ctx, &user, session, device)
}

/// Whether the account has a passkey (so a second step can offer one).
pub fn has_passkey(conn: &mut Conn, user_id: &str) -> Result<bool, AppError> {
    Ok(store::count(conn, user_id)? > 0)
}

/// Audits a passkey's addition, use or removal and mails the owner, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn notify(
    tx: &mut Tx<'_, '_>,
    user: &UserRow,
    change: PasskeyChange,
    passkey: &PasskeyRow,
    actor_id: Option<&str>,
) -> Result<(), AppError> {
    let message = templates::passkey_changed(
        user.language(),
        &tx.ctx.settings.public_url,
        &user.email,
        &passkey.name,
        change,
    );
    mail::queue(
        tx.conn,
        MailKind::SecurityNotice,
        &user.email,
        message,
        tx.now,
    )?;
    let event = match change {
        PasskeyChange::Added => Event::PasskeyAdded,
        PasskeyChange::Used => Event::PasskeyUsed,
        PasskeyChange::Removed => Event::PasskeyRemoved,
    };
    let detail = format!("passkey {:?} ({})", passkey.name, passkey.id);
    let subject = Subject {
        user_id: Some(&user.id),
        email: Some(&user.email),
        detail: Some(&detail),
        actor_id,
    };
    tx.audit(event, subject)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passkeys_need_a_secure_domain() {
        assert!(unavailable_reason("https://id.example.com").is_none());
        assert!(unavailable_reason("http://localhost:8080").is_none());
        assert!(unavailable_reason("http://portal.localhost").is_none());
        assert!(unavailable_reason("http://id.example.com")
            .unwrap()
            .contains("https"));
        assert!(unavailable_reason("https://127.0.0.1:8443")
            .unwrap()
            .contains("IP address"));
        assert!(unavailable_reason("http://[::1]:8080")
            .unwrap()
            .contains("IP address"));
    }
}
