//! Two instances on one database are one portal: a code mailed by one verifies on the other, a logout, a
//! revocation or a disabled account on one is refused by the other at once, code attempts and login
//! throttles are counted together, every outbox row is delivered once although both run a mail worker, and
//! both run the periodic purges. Each test starts two servers on the suite's database (one SQLite file,
//! or one PostgreSQL database with `TEST_DATABASE_URL`).

use std::collections::{HashMap, HashSet};
use std::process::Output;
use std::time::Duration;

use diesel::prelude::*;
use otp_portal::store::schema::{email_codes, registrations};
use reqwest::{Method, Response, StatusCode};
use serde_json::json;
use shared::api::SessionInfo;

use crate::admin_helpers::{call, no_content, text, turn_on_factor};
use crate::helpers::{
    cookie_value, expect_json, expect_problem, poll_until, retry_after, set_cookie, spawn_app_with,
    tokens, wrong_code, TestApp, LOGIN_THROTTLED, PASSWORD, PASSWORD_RESET, VERIFY_EMAIL,
};

/// What every instance of one portal shares besides the database (README: "PostgreSQL and several
/// instances").
pub(crate) const SECRET_KEY: &str = "the secret key every instance of this one portal shares";

/// Every limit, off: the tests of many registrations from one address turn them off, as the fuzzer
/// does.
const UNLIMITED: [&str; 8] = [
    "LIMIT_MAIL_PER_IP_PER_HOUR",
    "LIMIT_MAIL_PER_ADDRESS_PER_HOUR",
    "LIMIT_MAIL_PER_HOUR",
    "CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR",
    "CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR",
    "CAPTCHA_AFTER_MAIL_PER_HOUR",
    "LIMIT_CODE_CHECKS_PER_IP_PER_HOUR",
    "LIMIT_LOGINS_PER_IP_PER_HOUR",
];

/// How long after the expected mails have arrived the tests keep listening for duplicates: longer than
/// a worker's idle poll (1 s), so a second delivery would have been made by then.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(3);

/// Two instances of one portal: `a` with the test's database and SMTP sink, `b` on the same database,
/// delivering to the same sink (`a.smtp` sees every mail of both), with its own data folder. Both get
/// `SECRET_KEY` and no `JWT_SECRET`, the configuration the README gives for several instances, then
/// `first` and `second` respectively.
async fn two_instances_with(
    first: impl FnOnce(&mut HashMap<String, String>),
    second: impl FnOnce(&mut HashMap<String, String>),
) -> (TestApp, TestApp) {
    let a = spawn_app_with(|vars| {
        one_portal(vars);
        first(vars);
    })
    .await;
    let (database_url, smtp_port) = (a.database_url.clone(), a.smtp.port());
    let b = spawn_app_with(move |vars| {
        one_portal(vars);
        vars.insert("DATABASE_URL".into(), database_url);
        vars.insert(
            "SMTP_URL".into(),
            format!("smtp://127.0.0.1:{smtp_port}?tls=none"),
        );
        second(vars);
    })
    .await;
    assert_eq!(a.database_url, b.database_url);
    assert_ne!(a.data_dir, b.data_dir);
    (a, b)
}

/// Two instances configured alike with `configure`.
async fn two_instances(
    configure: impl Fn(&mut HashMap<String, String>) + Clone,
) -> (TestApp, TestApp) {
    two_instances_with(configure.clone(), configure).await
}

pub(crate) fn one_portal(vars: &mut HashMap<String, String>) {
    vars.remove("JWT_SECRET");
    vars.insert("SECRET_KEY".into(), SECRET_KEY.into());
}

fn unlimited(vars: &mut HashMap<String, String>) {
    for limit in UNLIMITED {
        vars.insert(limit.into(), "0".into());
    }
}

/// The instance that serves request `i` when requests alternate between the two.
fn alternate<'a>(a: &'a TestApp, b: &'a TestApp, i: usize) -> &'a TestApp {
    if i.is_multiple_of(2) {
        a
    } else {
        b
    }
}

/// Verifies on `app` with the registration token `registered_on` kept, as a browser that registered
/// through one instance and is then served by the other sends it.
async fn verify_on(app: &TestApp, registered_on: &TestApp, email: &str, code: &str) -> Response {
    let token = registered_on
        .registration_token(email)
        .unwrap_or_else(|| panic!("no registration of {email} was made"));
    app.verify_email(&json!({"email": email, "code": code, "registration_token": token}))
        .await
}

/// Mails `a`'s sink (the one both deliver to) received, by kind.
fn mails_of_kind(app: &TestApp, kind: &str) -> usize {
    app.smtp
        .messages()
        .iter()
        .filter(|m| m.kind == kind)
        .count()
}

/// Runs `otp-portal ARGS` with the instances' shared configuration, in an empty folder and with nothing
/// of this process's environment.
async fn portal_cli(app: &TestApp, args: &[&str]) -> Output {
    let (database_url, data_dir) = (app.database_url.clone(), app.data_dir.clone());
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let workdir = tempfile::tempdir().unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_otp-portal"))
            .args(&args)
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("DATA_DIR", data_dir)
            .env("SECRET_KEY", SECRET_KEY)
            .current_dir(workdir.path())
            .output()
            .expect("the otp-portal binary runs")
    })
    .await
    .unwrap()
}

/// An admin with its second factor on, registered and promoted through `app`; its token.
async fn admin_token(app: &TestApp, username: &str) -> String {
    let session = app
        .register_and_verify(username, &format!("{username}@example.com"), PASSWORD)
        .await;
    let output = portal_cli(app, &["promote", username]).await;
    assert!(
        output.status.success(),
        "promote {username} failed: {}",
        text(&output.stderr)
    );
    turn_on_factor(app, &session.access_token).await;
    session.access_token
}

// ---------------------------------------------------------------------------------------------------------
// Codes and tokens
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_code_mailed_by_one_instance_verifies_on_the_other_and_tokens_work_on_both() {
    let (a, b) = two_instances(|_| {}).await;
    let email = "alice@example.com";
    a.register("alice", email, PASSWORD).await;
    let code = a.smtp.wait_for_mail(email, VERIFY_EMAIL).await.code();

    let from_b = tokens(verify_on(&b, &a, email, &code).await).await;
    assert_eq!(from_b.user.username, "alice");
    assert!(from_b.user.email_verified);

    // The code is spent for both instances.
    let again = verify_on(&a, &a, email, &code).await;
    let status = again.status().as_u16();
    let (problem, _) = crate::helpers::problem(again).await;
    assert!(
        status == 410 || status == 400,
        "a code spent on the other instance answered {status}: {problem}"
    );

    // B's tokens are good on A, and A's refresh of them is good on B.
    let me = expect_json(a.me(&from_b.access_token).await, StatusCode::OK).await;
    assert_eq!(me["username"], "alice", "{me}");
    let refreshed = tokens(
        a.refresh(Some(&json!({"refresh_token": from_b.refresh_token})))
            .await,
    )
    .await;
    let me = expect_json(b.me(&refreshed.access_token).await, StatusCode::OK).await;
    assert_eq!(me["username"], "alice", "{me}");
    // The refresh token A rotated away is spent on B too.
    let spent = b
        .refresh(Some(&json!({"refresh_token": from_b.refresh_token})))
        .await;
    expect_problem(spent, 401, "invalid_token").await;

    let from_a = a.login_ok("alice", PASSWORD).await;
    let me = expect_json(b.me(&from_a.access_token).await, StatusCode::OK).await;
    assert_eq!(me["username"], "alice", "{me}");
    assert!(b.smtp.messages().is_empty(), "B delivers to A's sink");
}

#[tokio::test]
async fn a_logout_or_a_revocation_on_one_instance_ends_the_session_on_the_other_at_once() {
    let (a, b) = two_instances(|_| {}).await;
    let kept = a
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let signed_out = a.login_ok("alice", PASSWORD).await;
    expect_json(a.me(&signed_out.access_token).await, StatusCode::OK).await;
    assert_eq!(b.logout(&signed_out.access_token).await.status(), 204);
    expect_problem(a.me(&signed_out.access_token).await, 401, "unauthorized").await;
    let refresh = a
        .refresh(Some(&json!({"refresh_token": signed_out.refresh_token})))
        .await;
    expect_problem(refresh, 401, "invalid_token").await;

    let revoked = a.login_ok("alice", PASSWORD).await;
    expect_json(a.me(&revoked.access_token).await, StatusCode::OK).await;
    let listed = expect_json(a.sessions(&revoked.access_token).await, StatusCode::OK).await;
    let listed: Vec<SessionInfo> = serde_json::from_value(listed).unwrap();
    let id = listed
        .iter()
        .find(|s| s.current)
        .expect("the current session is listed")
        .id;
    let response = call(
        &b,
        Method::DELETE,
        &format!("/api/me/sessions/{id}"),
        Some(&kept.access_token),
        None,
    )
    .await;
    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
    expect_problem(a.me(&revoked.access_token).await, 401, "unauthorized").await;
    let refresh = a
        .refresh(Some(&json!({"refresh_token": revoked.refresh_token})))
        .await;
    expect_problem(refresh, 401, "invalid_token").await;

    // The session that did the revoking lives on, on both.
    for app in [&a, &b] {
        expect_json(app.me(&kept.access_token).await, StatusCode::OK).await;
    }
}

#[tokio::test]
async fn an_account_disabled_through_one_instance_is_refused_by_the_other_at_once() {
    let (a, b) = two_instances(|_| {}).await;
    let boss = admin_token(&a, "boss").await;
    let first = a
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let second = a.login_ok("alice", PASSWORD).await;
    for session in [&first, &second] {
        expect_json(a.me(&session.access_token).await, StatusCode::OK).await;
    }

    no_content(
        &b,
        &boss,
        Method::POST,
        &format!("/api/admin/users/{}/disable", first.user.id),
    )
    .await;

    for session in [&first, &second] {
        expect_problem(a.me(&session.access_token).await, 401, "unauthorized").await;
        let refresh = a
            .refresh(Some(&json!({"refresh_token": session.refresh_token})))
            .await;
        expect_problem(refresh, 401, "invalid_token").await;
    }
    let login = a
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    expect_problem(login, 403, "account_disabled").await;
}

// ---------------------------------------------------------------------------------------------------------
// Counting together
// ---------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn wrong_codes_on_both_instances_spend_one_attempt_budget() {
    let (a, b) = two_instances(|_| {}).await;
    let email = "carol@example.com";
    a.register("carol", email, PASSWORD).await;
    let code = a.smtp.wait_for_mail(email, VERIFY_EMAIL).await.code();
    let wrong = wrong_code(&code);

    // The resend cooldown started on A holds on B.
    let resend = b.resend_code(&json!({"email": email})).await;
    let (_, headers) = expect_problem(resend, 429, "resend_cooldown").await;
    assert!(retry_after(&headers) > 0);

    // Four wrong tries, alternately on A and B, count down one budget of five...
    for (i, remaining) in [4, 3, 2, 1].into_iter().enumerate() {
        let response = verify_on(alternate(&a, &b, i), &a, email, &wrong).await;
        let (problem, _) = expect_problem(response, 400, "invalid_code").await;
        assert_eq!(problem["attempts_remaining"], remaining, "{problem}");
    }
    // ...the fifth, wherever it lands, voids the code...
    let fifth = verify_on(&a, &a, email, &wrong).await;
    let (problem, headers) = expect_problem(fifth, 429, "too_many_attempts").await;
    assert_eq!(problem["attempts_remaining"], 0, "{problem}");
    assert!(retry_after(&headers) > 0);
    // ...for both instances, even with the right code.
    for app in [&a, &b] {
        let right = verify_on(app, &a, email, &code).await;
        expect_problem(right, 429, "too_many_attempts").await;
    }
}

#[tokio::test]
async fn twenty_wrong_codes_over_both_instances_lock_the_address_on_both() {
    let (a, b) = two_instances(|vars| {
        vars.insert("OTP_RESEND_COOLDOWN_SECONDS".into(), "0".into());
        vars.insert("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR".into(), "0".into());
    })
    .await;
    let email = "erin@example.com";
    a.register("erin", email, PASSWORD).await;

    // Four codes, five wrong tries each, the codes asked for and guessed at alternately on A and B.
    for round in 1..=4 {
        let code = a
            .smtp
            .wait_for_nth_mail(email, VERIFY_EMAIL, round)
            .await
            .code();
        let wrong = wrong_code(&code);
        for i in 0..5 {
            let response = verify_on(alternate(&a, &b, round + i), &a, email, &wrong).await;
            let status = response.status();
            assert!(
                status == 400 || status == 429,
                "a wrong code answered {status}: {}",
                response.text().await.unwrap()
            );
        }
        let resend = alternate(&a, &b, round)
            .resend_code(&json!({"email": email}))
            .await;
        expect_json(resend, StatusCode::ACCEPTED).await;
    }

    // The fifth code alone is refused on both: the twenty wrong tries were counted for the address.
    let mail = a.smtp.wait_for_nth_mail(email, VERIFY_EMAIL, 5).await;
    for app in [&a, &b] {
        let alone = verify_on(app, &a, email, &mail.code()).await;
        expect_problem(alone, 429, "too_many_attempts").await;
    }
    // The mailed link still verifies, on the other instance than the one that mailed it.
    let token = a.registration_token(email).unwrap();
    let verified = b
        .verify_email(&json!({"email": email, "code": mail.code(), "link_token": mail.link_token(), "registration_token": token}))
        .await;
    assert_eq!(tokens(verified).await.user.username, "erin");
}

fn short_lockout(vars: &mut HashMap<String, String>) {
    vars.insert("LOGIN_LOCKOUT_THRESHOLD".into(), "3".into());
    vars.insert("LOGIN_LOCKOUT_ACCOUNT_THRESHOLD".into(), "6".into());
    // Long enough that no pause ends while the test looks at it.
    vars.insert("LOGIN_LOCKOUT_BASE_SECONDS".into(), "600".into());
    vars.insert("LOGIN_LOCKOUT_MAX_SECONDS".into(), "900".into());
    vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "0".into());
    vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
}

/// A login to alice's account as the proxy in front of `app` forwards it for `ip`, with the device
/// cookie `device` when given.
async fn login_from(app: &TestApp, ip: &str, password: &str, device: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url("/api/auth/login"))
        .header("X-Forwarded-For", ip)
        .json(&json!({"login": "alice", "password": password}));
    if let Some(device) = device {
        request = request.header(reqwest::header::COOKIE, format!("device={device}"));
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn wrong_passwords_on_both_instances_pause_the_source_as_on_one() {
    let (a, b) = two_instances(short_lockout).await;
    let email = "alice@example.com";
    a.register_and_verify("alice", email, PASSWORD).await;
    let attacker = "203.0.113.66";

    // Three wrong passwords from one source, alternately on A and B, are ordinary refusals...
    for i in 0..3 {
        let response = login_from(alternate(&a, &b, i), attacker, "not the password", None).await;
        expect_problem(response, 401, "invalid_credentials").await;
    }
    // ...then that source waits on both, even with the right password.
    for app in [&b, &a] {
        let response = login_from(app, attacker, PASSWORD, None).await;
        crate::helpers::expect_rate_limited(response).await;
    }
    // The owner elsewhere is not paused.
    tokens(login_from(&b, "198.51.100.10", PASSWORD, None).await).await;

    // The owner was told once, by whichever instance paused the source.
    a.smtp.wait_for_mail(email, LOGIN_THROTTLED).await;
    b.forgot_password(&json!({"email": email})).await;
    a.smtp.wait_for_mail(email, PASSWORD_RESET).await;
    tokio::time::sleep(DUPLICATE_WINDOW).await;
    assert_eq!(a.smtp.mails(email, LOGIN_THROTTLED).len(), 1);
}

#[tokio::test]
async fn many_sources_over_both_instances_pause_the_account_but_not_the_owners_device() {
    let (a, b) = two_instances(short_lockout).await;
    a.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let signed_in = login_from(&a, "198.51.100.10", PASSWORD, None).await;
    let device = cookie_value(&set_cookie(signed_in.headers(), "device").expect("a device cookie"));
    tokens(signed_in).await;

    // Three sources, two wrong passwords each, spread over A and B: no source reaches its threshold of
    // three, but the account reaches its six.
    let mut i = 0;
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        for _ in 0..2 {
            let response = login_from(alternate(&a, &b, i), ip, "not the password", None).await;
            expect_problem(response, 401, "invalid_credentials").await;
            i += 1;
        }
    }
    for app in [&a, &b] {
        let new_device = login_from(app, "192.0.2.200", PASSWORD, None).await;
        expect_problem(new_device, 429, "rate_limited").await;
    }
    // The device cookie A set is known to B.
    tokens(login_from(&b, "192.0.2.200", PASSWORD, Some(&device)).await).await;
}

/// One client's budgets, spread over both instances: on PostgreSQL they are counted in the database as
/// well as in each instance's memory, so a client behind a load balancer gets each budget once, not
/// once per instance. (A SQLite file has one server; its per-client budgets are that server's memory.)
#[tokio::test]
async fn a_client_spends_each_budget_once_over_both_instances() {
    let (a, b) = two_instances(|vars| {
        unlimited(vars);
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert("LIMIT_LOGINS_PER_IP_PER_HOUR".into(), "4".into());
        vars.insert("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR".into(), "2".into());
        vars.insert("LIMIT_MAIL_PER_IP_PER_HOUR".into(), "4".into());
    })
    .await;
    if !a.database_url.starts_with("postgres") {
        eprintln!(
            "skipped: per-client budgets are shared between instances only on PostgreSQL \
             (run with TEST_DATABASE_URL)"
        );
        return;
    }
    let client = "203.0.113.77";
    let login = |app: &TestApp, n: usize| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("X-Forwarded-For", client)
            .json(&json!({"login": format!("nobody{n}"), "password": "not the password"}))
            .send()
    };
    // Four logins (each instance's own table would allow four more)...
    for i in 0..4 {
        let response = login(alternate(&a, &b, i), i).await.unwrap();
        expect_problem(response, 401, "invalid_credentials").await;
    }
    // ...and the fifth is refused wherever it lands.
    for (n, app) in [&a, &b].into_iter().enumerate() {
        crate::helpers::expect_rate_limited(login(app, 10 + n).await.unwrap()).await;
    }
    // Another client is not affected.
    let other = a
        .client
        .post(a.url("/api/auth/login"))
        .header("X-Forwarded-For", "198.51.100.1")
        .json(&json!({"login": "nobody", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    expect_problem(other, 401, "invalid_credentials").await;

    // Mail: the CAPTCHA tier of two requests, then the hard limit of four, over both instances.
    let register = |app: &TestApp, n: usize| {
        app.client
            .post(app.url("/api/auth/register"))
            .header("X-Forwarded-For", client)
            .json(&json!({
                "username": format!("client{n}"),
                "email": format!("client{n}@example.com"),
                "password": PASSWORD,
            }))
            .send()
    };
    for i in 0..2 {
        let response = register(alternate(&a, &b, i), i).await.unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED, "registration {i}");
    }
    for (n, app) in [&a, &b].into_iter().enumerate() {
        expect_problem(register(app, 2 + n).await.unwrap(), 428, "captcha_required").await;
    }
    for n in 0..2 {
        let email = format!("client{n}@example.com");
        a.smtp.wait_for_mail(&email, VERIFY_EMAIL).await;
    }
    tokio::time::sleep(DUPLICATE_WINDOW).await;
    assert_eq!(mails_of_kind(&a, VERIFY_EMAIL), 2);
}

// ---------------------------------------------------------------------------------------------------------
// The outbox and many clients at once
// ---------------------------------------------------------------------------------------------------------

/// Registers on `app` from a client of its own (a connection of its own), retrying a `503` (the
/// password-hashing queue is full) after its `Retry-After`, as a client does; the final status.
async fn register_until_answered(app: &TestApp, username: &str, email: &str) -> StatusCode {
    // Each registration is a client of its own: no connection is reused, so none can be one the server
    // is just closing after its keep-alive (a reused POST that meets that close fails on the client).
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let body = json!({"username": username, "email": email, "password": PASSWORD});
    loop {
        let response = client
            .post(app.url("/api/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("registering {email}: {e:?}"));
        if response.status() != StatusCode::SERVICE_UNAVAILABLE {
            return response.status();
        }
        let (_, headers) = expect_problem(response, 503, "service_unavailable").await;
        tokio::time::sleep(Duration::from_secs(retry_after(&headers))).await;
    }
}

/// `n` registrations of `user{i}@example.com`, all at once, alternately on A and B; their statuses.
async fn register_at_once(a: &TestApp, b: &TestApp, n: usize) -> Vec<StatusCode> {
    let addresses = addresses(n);
    futures::future::join_all(addresses.iter().enumerate().map(|(i, email)| {
        let username = format!("user{i}");
        async move { register_until_answered(alternate(a, b, i), &username, email).await }
    }))
    .await
}

fn addresses(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("user{i}@example.com")).collect()
}

/// Waits until `a`'s sink holds `n` verification mails, then a little longer, and asserts each of the
/// `n` addresses got exactly one and nothing else was mailed.
async fn exactly_one_verification_mail_each(a: &TestApp, n: usize) {
    let arrived = poll_until(Duration::from_secs(120), || async {
        (mails_of_kind(a, VERIFY_EMAIL) >= n).then_some(())
    })
    .await;
    assert!(
        arrived.is_some(),
        "only {} of {n} verification mails arrived",
        mails_of_kind(a, VERIFY_EMAIL)
    );
    tokio::time::sleep(DUPLICATE_WINDOW).await;

    let mut per_address: HashMap<String, usize> = HashMap::new();
    for mail in a.smtp.messages() {
        assert_eq!(mail.kind, VERIFY_EMAIL, "an unexpected mail: {mail:?}");
        for to in &mail.envelope_to {
            *per_address.entry(to.to_lowercase()).or_default() += 1;
        }
    }
    let wrong: Vec<(&String, &usize)> = per_address.iter().filter(|(_, n)| **n != 1).collect();
    assert!(
        wrong.is_empty(),
        "addresses mailed more than once: {wrong:?}"
    );
    let expected: HashSet<String> = addresses(n).into_iter().collect();
    let mailed: HashSet<String> = per_address.into_keys().collect();
    assert_eq!(mailed, expected);
}

#[tokio::test]
async fn both_mail_workers_deliver_every_outbox_row_exactly_once() {
    let (a, b) = two_instances(unlimited).await;

    let statuses = register_at_once(&a, &b, 40).await;

    assert!(
        statuses.iter().all(|s| *s == StatusCode::ACCEPTED),
        "{statuses:?}"
    );
    exactly_one_verification_mail_each(&a, 40).await;
    assert!(b.smtp.messages().is_empty(), "B delivers to A's sink");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_registrations_at_once_over_both_instances_each_get_exactly_one_mail() {
    let (a, b) = two_instances(unlimited).await;

    let statuses = register_at_once(&a, &b, 200).await;

    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    assert_eq!(accepted, 200, "{statuses:?}");
    exactly_one_verification_mail_each(&a, 200).await;
    // Every registration is one row, whichever instance took it.
    let pool = otp_portal::store::connect(&a.database_url).unwrap();
    let mut conn = pool.get().unwrap();
    let rows: i64 = registrations::table.count().get_result(&mut conn).unwrap();
    assert_eq!(rows, 200);
}

// ---------------------------------------------------------------------------------------------------------
// Periodic purges
// ---------------------------------------------------------------------------------------------------------

/// The addresses of the registrations in the database, and how many verification codes it holds.
fn rows_left(app: &TestApp) -> (Vec<String>, i64) {
    let pool = otp_portal::store::connect(&app.database_url).unwrap();
    let mut conn = pool.get().unwrap();
    let registrations = registrations::table
        .select(registrations::email)
        .load(&mut conn)
        .unwrap();
    let codes = email_codes::table
        .filter(email_codes::purpose.eq("verify_email"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    (registrations, codes)
}

#[tokio::test]
async fn both_instances_purge_expired_registrations_and_nothing_else() {
    // Both run maintenance every second; A's registrations are purged a second after they are made,
    // B's keep the default day.
    let (a, b) = two_instances_with(
        |vars| {
            unlimited(vars);
            vars.insert("MAINTENANCE_INTERVAL_SECONDS".into(), "1".into());
            vars.insert("PENDING_ACCOUNT_TTL_SECONDS".into(), "1".into());
        },
        |vars| {
            unlimited(vars);
            vars.insert("MAINTENANCE_INTERVAL_SECONDS".into(), "1".into());
        },
    )
    .await;
    // An account made on B before the purges begin, signed in on A.
    let email = "live@example.com";
    b.register("live", email, PASSWORD).await;
    let code = a.smtp.wait_for_mail(email, VERIFY_EMAIL).await.code();
    tokens(verify_on(&b, &b, email, &code).await).await;
    let live = a.login_ok("live", PASSWORD).await;
    let expired: Vec<String> = (0..10).map(|i| format!("gone{i}@example.com")).collect();
    for (i, email) in expired.iter().enumerate() {
        a.register(&format!("gone{i}"), email, PASSWORD).await;
    }
    let kept = "kept@example.com";
    b.register("kept", kept, PASSWORD).await;

    // The expired ones go with their codes; the live account and the live registration stay.
    let purged = poll_until(Duration::from_secs(30), || async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        (rows_left(&a) == (vec![kept.to_owned()], 1)).then_some(())
    })
    .await;
    assert!(purged.is_some(), "left: {:?}", rows_left(&a));
    // Several more rounds on both change nothing.
    tokio::time::sleep(DUPLICATE_WINDOW).await;
    assert_eq!(rows_left(&a), (vec![kept.to_owned()], 1));

    for (i, email) in expired.iter().enumerate() {
        let code = a.smtp.wait_for_mail(email, VERIFY_EMAIL).await.code();
        let late = verify_on(alternate(&a, &b, i), &a, email, &code).await;
        expect_problem(late, 410, "code_expired").await;
    }
    let code = a.smtp.wait_for_mail(kept, VERIFY_EMAIL).await.code();
    let verified = tokens(verify_on(&a, &b, kept, &code).await).await;
    assert_eq!(verified.user.username, "kept");
    for app in [&a, &b] {
        expect_json(app.me(&live.access_token).await, StatusCode::OK).await;
        expect_json(app.health().await, StatusCode::OK).await;
    }
}

const METRICS_TOKEN: &str = "the scraper's token";

pub(crate) fn with_metrics(vars: &mut HashMap<String, String>) {
    vars.insert("METRICS_TOKEN".into(), METRICS_TOKEN.into());
}

/// The value of `series` (exactly as Prometheus prints it, labels included) on `app`'s `/metrics`.
pub(crate) async fn metric(app: &TestApp, series: &str) -> f64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    crate::helpers::metric_sample(&text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"))
}

pub(crate) const CACHE_ON: &str = "otp_portal_auth_cache_on";
pub(crate) const CACHE_HITS: &str = "otp_portal_auth_cache_session_lookups_total{result=\"hit\"}";
const CACHE_MISSES: &str = "otp_portal_auth_cache_session_lookups_total{result=\"miss\"}";

#[tokio::test]
async fn signed_in_requests_are_answered_from_memory_and_every_sign_out_is_heard_by_both_at_once() {
    let (a, b) = two_instances(with_metrics).await;
    for app in [&a, &b] {
        assert_eq!(metric(app, CACHE_ON).await, 1.0, "the cache is in use");
    }
    a.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    // Twenty sessions, each known to both instances' memory, each ended through one of them: the
    // very next request on either is refused.
    for i in 0..20 {
        let session = alternate(&a, &b, i).login_ok("alice", PASSWORD).await;
        for app in [&a, &b, &a, &b] {
            expect_json(app.me(&session.access_token).await, StatusCode::OK).await;
        }
        let hits = (metric(&a, CACHE_HITS).await, metric(&b, CACHE_HITS).await);
        for app in [&a, &b] {
            expect_json(app.me(&session.access_token).await, StatusCode::OK).await;
        }
        assert!(
            metric(&a, CACHE_HITS).await > hits.0,
            "a answered from memory"
        );
        assert!(
            metric(&b, CACHE_HITS).await > hits.1,
            "b answered from memory"
        );

        let ending = alternate(&a, &b, i + 1);
        assert_eq!(ending.logout(&session.access_token).await.status(), 204);
        for app in [&a, &b] {
            expect_problem(app.me(&session.access_token).await, 401, "unauthorized").await;
        }
    }
}

#[tokio::test]
async fn an_instance_that_lost_its_listener_forgets_what_it_held_and_listens_again() {
    let Some(_) = crate::helpers::test_postgres_url() else {
        eprintln!(
            "skipped: needs TEST_DATABASE_URL (PostgreSQL); on SQLite every process reads the \
             changes table before using its memory and there is no listener to lose"
        );
        return;
    };
    let (a, b) = two_instances(with_metrics).await;
    a.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let session = a.login_ok("alice", PASSWORD).await;
    for _ in 0..2 {
        expect_json(a.me(&session.access_token).await, StatusCode::OK).await;
    }

    // Cut both instances' listening connections, as a network failure or a restarted server would.
    let database_url = a.database_url.clone();
    let listeners = move || -> Vec<i32> {
        let mut conn = PgConnection::establish(&database_url).unwrap();
        diesel::sql_query(
            "SELECT pid FROM pg_stat_activity WHERE application_name = $1 \
             AND datname = current_database() ORDER BY pid",
        )
        .bind::<diesel::sql_types::Text, _>(otp_portal::store::listen::APPLICATION_NAME)
        .load::<Pid>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|row| row.pid)
        .collect()
    };
    let before = tokio::task::spawn_blocking(listeners.clone())
        .await
        .unwrap();
    assert_eq!(before.len(), 2, "one listener per instance");
    let database_url = a.database_url.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&database_url).unwrap();
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 \
             AND datname = current_database()",
        )
        .bind::<diesel::sql_types::Text, _>(otp_portal::store::listen::APPLICATION_NAME)
        .execute(&mut conn)
        .unwrap();
    })
    .await
    .unwrap();

    // Both listen again on new connections, and start from nothing: the first request is a miss.
    let listening = poll_until(Duration::from_secs(10), || {
        let (listeners, before) = (listeners.clone(), before.clone());
        async move {
            let now = tokio::task::spawn_blocking(listeners).await.unwrap();
            (now.len() == 2 && now.iter().all(|pid| !before.contains(pid))).then_some(())
        }
    })
    .await;
    assert!(listening.is_some(), "the instances listen again");
    poll_until(Duration::from_secs(5), || async {
        (metric(&a, CACHE_ON).await == 1.0).then_some(())
    })
    .await
    .expect("a uses its memory again");
    let misses = metric(&a, CACHE_MISSES).await;
    expect_json(a.me(&session.access_token).await, StatusCode::OK).await;
    assert!(
        metric(&a, CACHE_MISSES).await > misses,
        "what a held before it stopped listening is gone"
    );

    // And what the other instance ends is heard again.
    expect_json(a.me(&session.access_token).await, StatusCode::OK).await;
    assert_eq!(b.logout(&session.access_token).await.status(), 204);
    expect_problem(a.me(&session.access_token).await, 401, "unauthorized").await;
}

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pid: i32,
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    value: bool,
}

#[tokio::test]
async fn with_sslmode_require_the_listeners_speak_tls_and_sign_outs_are_still_heard_at_once() {
    let Some(_) = postgres_with_tls() else { return };
    listeners_on_tls_hear_sign_outs_at_once(|url| format!("{url}?sslmode=require")).await;
}

/// `verify-ca`: the server's certificate must lead to a root of `sslrootcert`, here the test server's
/// own self-signed certificate (as libpq, rustls-webpki takes a self-signed server certificate as its
/// own root when it is not a CA certificate, as Debian's snakeoil certificate is not); the name is not
/// checked, and the tests' URL names the server by an address the certificate does not hold.
#[tokio::test]
async fn with_sslmode_verify_ca_the_listeners_check_the_certificate_and_sign_outs_are_still_heard_at_once(
) {
    let Some(server) = postgres_with_tls() else {
        return;
    };
    let Some(root) = servers_own_certificate(&server) else {
        return;
    };
    let verify_ca = move |url: &str| format!("{url}?sslmode=verify-ca&sslrootcert={root}");
    if !libpq_accepts(&verify_ca(&server)) {
        return;
    }
    listeners_on_tls_hear_sign_outs_at_once(verify_ca).await;
}

/// `verify-full`: as `verify-ca`, and the certificate must be for the host of the URL: `localhost`,
/// the name in the test server's certificate.
#[tokio::test]
async fn with_sslmode_verify_full_the_listeners_check_the_certificate_and_its_name_and_sign_outs_are_still_heard_at_once(
) {
    let Some(server) = postgres_with_tls() else {
        return;
    };
    let Some(root) = servers_own_certificate(&server) else {
        return;
    };
    let verify_full = move |url: &str| {
        let mut url = url::Url::parse(url).unwrap();
        url.set_host(Some("localhost")).unwrap();
        format!("{url}?sslmode=verify-full&sslrootcert={root}")
    };
    if !libpq_accepts(&verify_full(&server)) {
        return;
    }
    listeners_on_tls_hear_sign_outs_at_once(verify_full).await;
}

/// Two instances on the tests' database with the URL `database_url` makes of it: both listen (their
/// cache is on) over TLS, and a sign-out on one is refused on the other at once.
async fn listeners_on_tls_hear_sign_outs_at_once(database_url: impl Fn(&str) -> String) {
    let first = |vars: &mut HashMap<String, String>| {
        with_metrics(vars);
        let url = database_url(&vars["DATABASE_URL"]);
        vars.insert("DATABASE_URL".into(), url);
    };
    let (a, b) = two_instances_with(first, with_metrics).await;
    assert!(
        b.database_url.contains("sslmode="),
        "both instances use the URL with sslmode"
    );
    for app in [&a, &b] {
        assert_eq!(metric(app, CACHE_ON).await, 1.0, "listening over TLS");
    }
    let database_url = a.database_url.clone();
    let encrypted = tokio::task::spawn_blocking(move || {
        let mut conn = PgConnection::establish(&database_url).unwrap();
        diesel::sql_query(
            "SELECT count(*) = 2 AND bool_and(s.ssl) AS value FROM pg_stat_activity a \
             JOIN pg_stat_ssl s USING (pid) \
             WHERE a.application_name = $1 AND a.datname = current_database()",
        )
        .bind::<diesel::sql_types::Text, _>(otp_portal::store::listen::APPLICATION_NAME)
        .get_result::<Flag>(&mut conn)
        .unwrap()
        .value
    })
    .await
    .unwrap();
    assert!(encrypted, "both listeners are connected with TLS");

    a.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let session = a.login_ok("alice", PASSWORD).await;
    for app in [&a, &b, &a, &b] {
        expect_json(app.me(&session.access_token).await, StatusCode::OK).await;
    }
    assert_eq!(b.logout(&session.access_token).await.status(), 204);
    for app in [&a, &b] {
        expect_problem(app.me(&session.access_token).await, 401, "unauthorized").await;
    }
}

/// The PostgreSQL server of `TEST_DATABASE_URL` when its TLS is on; `None` (the test is skipped)
/// otherwise.
fn postgres_with_tls() -> Option<String> {
    let Some(server) = crate::helpers::test_postgres_url() else {
        eprintln!("skipped: needs TEST_DATABASE_URL (PostgreSQL); SQLite has no listener");
        return None;
    };
    let mut conn = PgConnection::establish(&server).unwrap();
    let ssl: Vec<Setting> = diesel::sql_query("SHOW ssl").load(&mut conn).unwrap();
    if ssl.first().map(|s| s.ssl.as_str()) != Some("on") {
        eprintln!("skipped: the PostgreSQL server at TEST_DATABASE_URL has ssl off");
        return None;
    }
    Some(server)
}

/// The file of the server's certificate (`ssl_cert_file`) when it is readable here, the server being
/// on this machine.
fn servers_own_certificate(server: &str) -> Option<String> {
    #[derive(QueryableByName)]
    struct CertFile {
        #[diesel(sql_type = diesel::sql_types::Text)]
        ssl_cert_file: String,
    }
    let mut conn = PgConnection::establish(server).unwrap();
    let file = diesel::sql_query("SHOW ssl_cert_file")
        .get_result::<CertFile>(&mut conn)
        .unwrap()
        .ssl_cert_file;
    if !file.starts_with('/') || std::fs::read(&file).is_err() {
        eprintln!("skipped: the server's certificate {file} is not readable here");
        return None;
    }
    Some(file)
}

/// Whether libpq (the pool's client) connects with `url`: the listener is held to what libpq accepts.
fn libpq_accepts(url: &str) -> bool {
    match PgConnection::establish(url) {
        Ok(_) => true,
        Err(e) => {
            eprintln!("skipped: libpq itself refuses the server's certificate: {e}");
            false
        }
    }
}

#[derive(QueryableByName)]
struct Setting {
    #[diesel(sql_type = diesel::sql_types::Text)]
    ssl: String,
}

/// Two instances counting one client's code checks, `per_hour` of them, in the database; `None` (the
/// test skips, saying why) on SQLite, where one server's memory is the whole count.
async fn code_check_budget_instances(per_hour: u32) -> Option<(TestApp, TestApp)> {
    let (a, b) = two_instances(move |vars| {
        unlimited(vars);
        vars.insert("TRUSTED_PROXIES".into(), "127.0.0.1".into());
        vars.insert(
            "LIMIT_CODE_CHECKS_PER_IP_PER_HOUR".into(),
            per_hour.to_string(),
        );
    })
    .await;
    if a.database_url.starts_with("postgres") {
        return Some((a, b));
    }
    eprintln!(
        "skipped: per-client budgets are counted in the database only on PostgreSQL \
         (run with TEST_DATABASE_URL)"
    );
    None
}

/// A wrong code for a registration that is not there (`410` when the budget allows the check), from
/// `client` as the proxy in front reports it; request `n` names an address of its own.
async fn code_check_from(app: &TestApp, client: &str, n: &str) -> StatusCode {
    app.client
        .post(app.url("/api/auth/verify-email"))
        .header("X-Forwarded-For", client)
        .json(&json!({
            "email": format!("nobody{n}@example.com"),
            "code": "042917",
            "registration_token": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn two_hundred_code_checks_at_once_over_both_instances_spend_a_budget_of_150_exactly() {
    let Some((a, b)) = code_check_budget_instances(150).await else {
        return;
    };
    // One client's wrong codes, all at once over both instances: each instance's own table allows its
    // hundred, the shared count 150 in all, and racing for one row must refuse none of those.
    let (a, b) = (&a, &b);
    let answers = futures::future::join_all((0..200).map(|i| async move {
        code_check_from(alternate(a, b, i), "203.0.113.40", &i.to_string()).await
    }))
    .await;
    let checked = answers.iter().filter(|s| **s == StatusCode::GONE).count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (150, 50), "{answers:?}");
}

#[tokio::test]
async fn one_busy_client_within_its_budget_is_never_refused_for_racing_itself() {
    let Some((a, b)) = code_check_budget_instances(1_000_000).await else {
        return;
    };
    // Thirty-two connections of one client (an office behind one address), each sending wrong codes
    // one after another over both instances: every request updates the same row of the shared count,
    // and the budget is far from spent, so none may be refused.
    let (a, b) = (&a, &b);
    let statuses = futures::future::join_all((0..32).map(|worker| async move {
        let mut statuses = Vec::new();
        for n in 0..20 {
            let app = alternate(a, b, worker + n);
            statuses.push(code_check_from(app, "203.0.113.41", &format!("{worker}x{n}")).await);
        }
        statuses
    }))
    .await;
    let statuses: Vec<StatusCode> = statuses.into_iter().flatten().collect();
    let refused = statuses.iter().filter(|s| **s != StatusCode::GONE).count();
    assert_eq!(refused, 0, "of {}: {statuses:?}", statuses.len());
}

/// Seconds the shared count of the client's code checks is ahead of now (its GCRA arrival time).
fn code_checks_ahead(app: &TestApp) -> f64 {
    #[derive(QueryableByName)]
    struct Ahead {
        #[diesel(sql_type = diesel::sql_types::Double)]
        seconds: f64,
    }
    let mut conn = PgConnection::establish(&app.database_url).unwrap();
    diesel::sql_query(
        "SELECT EXTRACT(EPOCH FROM tat - (now() AT TIME ZONE 'UTC'))::float8 AS seconds \
         FROM rate_limits WHERE key LIKE 'client:code-checks:%'",
    )
    .get_result::<Ahead>(&mut conn)
    .unwrap()
    .seconds
}

#[tokio::test]
async fn an_instance_takes_a_busy_clients_requests_from_the_shared_count_a_few_at_a_time() {
    // One request every 9 s; an instance takes four at a time (a hundredth of the budget).
    let Some((a, b)) = code_check_budget_instances(400).await else {
        return;
    };
    async fn check(app: &TestApp, n: usize) -> StatusCode {
        code_check_from(app, "203.0.113.50", &n.to_string()).await
    }
    // The first request takes four from the database; the next three are this instance's already.
    assert_eq!(check(&a, 0).await, StatusCode::GONE);
    let first = code_checks_ahead(&a);
    assert!((30.0..=36.5).contains(&first), "{first} s ahead");
    for n in 1..4 {
        assert_eq!(check(&a, n).await, StatusCode::GONE);
    }
    let after_four = code_checks_ahead(&a);
    assert!(after_four <= first, "{after_four} s ahead after four");
    assert_eq!(check(&a, 4).await, StatusCode::GONE);
    let fifth = code_checks_ahead(&a);
    assert!((66.0..=72.5).contains(&fifth), "{fifth} s ahead");

    // Spread over both instances, the client never gets more than its 400 an hour, and at most the
    // three requests each instance holds ahead fewer.
    let mut allowed = 5;
    for n in 5..420 {
        match check(alternate(&a, &b, n), n).await {
            StatusCode::GONE => allowed += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("request {n}: {other}"),
        }
    }
    assert!((394..=400).contains(&allowed), "{allowed} allowed");
}
