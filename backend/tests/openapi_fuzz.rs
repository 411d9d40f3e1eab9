//! Fuzzes every operation of `/api/openapi.json` with schemathesis against the real application (SQLite,
//! SMTP sink): no request may get a 5xx, and every response must be one the description documents.
//! schemathesis is a Python tool: `scripts/test.sh` installs the pinned version into
//! `~/.cache/otp-portal/venv`. Without it the test skips on a developer's machine and fails in CI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use helpers::{spawn_app_with, PASSWORD};

/// Test cases per operation and phase: enough to reach every documented status, small enough that the
/// whole run stays well under two minutes on two cores.
const MAX_EXAMPLES: &str = "100";
/// A fixed seed, so a failure seen in CI replays locally.
const SEED: &str = "20240601";
/// Settings set to 0, which turns the limit off.
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
/// The scraper's token, so `/metrics` is fuzzed as served rather than off.
const METRICS_TOKEN: &str = "the fuzzer's metrics token";
/// A run that takes longer than this is stopped and reported as a failure rather than hanging CI.
const RUN_DEADLINE: Duration = Duration::from_secs(300);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_survives_schemathesis() {
    let Some(st) = schemathesis() else {
        let install = "python3 -m venv ~/.cache/otp-portal/venv && \
             ~/.cache/otp-portal/venv/bin/pip install -r scripts/schemathesis-requirements.txt \
             (scripts/test.sh does this)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("schemathesis is not installed; install it with: {install}");
        }
        eprintln!("skipping: schemathesis not installed (run scripts/test.sh)");
        return;
    };

    // A localhost PUBLIC_URL, so the passkey operations are live (browsers allow passkeys there).
    let port = helpers::free_port();
    let app = spawn_app_with(move |vars| {
        vars.insert("BIND_ADDR".to_owned(), format!("127.0.0.1:{port}"));
        vars.insert("PUBLIC_URL".to_owned(), format!("http://localhost:{port}"));
        // The per-client abuse limits would answer most of a fuzzer's requests from one address with
        // `428 captcha_required` or `429`, leaving the logic behind them unexercised; their own tests
        // cover them. The per-account login lockout stays on.
        for limit in UNLIMITED {
            vars.insert(limit.to_owned(), "0".to_owned());
        }
        vars.insert("METRICS_TOKEN".to_owned(), METRICS_TOKEN.to_owned());
    })
    .await;
    // Signed-in sessions, so the bearer-protected operations are fuzzed past their 401: one for most
    // operations, and one each for those that end a session, so that signing out does not leave the
    // rest of the run with a revoked token.
    let main = app
        .register_and_verify("fuzzer", "fuzzer@example.com", PASSWORD)
        .await;
    let for_logout = app.login_ok("fuzzer", PASSWORD).await;
    let for_revoke = app.login_ok("fuzzer", PASSWORD).await;

    let admin = admin_session(&app).await;

    let workdir = tempfile::tempdir().unwrap();
    let config = workdir.path().join("schemathesis.toml");
    let toml = config_toml(
        &main.access_token,
        &for_logout.access_token,
        &for_revoke.access_token,
        &admin,
    );
    std::fs::write(&config, toml).unwrap();
    let args = run_args(&config, &app.url("/api/openapi.json"));

    let started = Instant::now();
    let dir = workdir.path().to_owned();
    let st_for_run = st.clone();
    let (passed, output) = tokio::task::spawn_blocking(move || {
        let (passed, output) = run_schemathesis(&st_for_run, &dir, &args);
        if passed || !only_the_fuzzer_crashed(&output) {
            return (passed, output);
        }
        // The fuzzer itself failed (a Python traceback inside schemathesis or hypothesis, with no
        // answer of ours found wrong): that says nothing about the API, so it runs once more, and
        // this time any problem counts.
        eprintln!("schemathesis crashed without finding a problem; running it again:\n{output}");
        let (passed, again) = run_schemathesis(&st_for_run, &dir, &args);
        (
            passed,
            format!("{again}\n(after a first run in which the fuzzer crashed:)\n{output}"),
        )
    })
    .await
    .unwrap();
    let elapsed = started.elapsed();
    assert!(
        passed,
        "schemathesis ({}) found problems after {elapsed:.0?}:\n{output}",
        st.display()
    );
    println!("{output}\nschemathesis passed in {elapsed:.0?}");
}

/// The access token of an admin with a second factor, so the `/api/admin/` operations are fuzzed past
/// their `403`.
async fn admin_session(app: &helpers::TestApp) -> String {
    let session = app
        .register_and_verify("fuzzadmin", "fuzzadmin@example.com", PASSWORD)
        .await;
    let pool = otp_portal::store::connect(&app.database_url).unwrap();
    let promoted = otp_portal::services::admin::set_role(
        &mut pool.get().unwrap(),
        "fuzzadmin",
        "admin",
        otp_portal::services::now(),
    )
    .unwrap();
    assert_eq!(promoted, Some(true));
    let bearer = format!("Bearer {}", session.access_token);
    let setup: serde_json::Value = app
        .client
        .post(app.url("/api/me/mfa/totp/setup"))
        .header("Authorization", &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = otp_portal::auth::totp::decode_base32(setup["secret"].as_str().unwrap()).unwrap();
    let now = u64::try_from(chrono::Utc::now().timestamp()).unwrap();
    let code = otp_portal::auth::totp::code_at(&secret, now).unwrap();
    let enabled = app
        .client
        .post(app.url("/api/me/mfa/totp/enable"))
        .header("Authorization", &bearer)
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200, "turning the admin's factor on");
    session.access_token
}

/// `st --config-file CONFIG run URL ...`: every check, a bounded number of cases, a fixed seed.
fn run_args(config: &Path, openapi_url: &str) -> Vec<String> {
    [
        "--config-file",
        &config.display().to_string(),
        "run",
        openapi_url,
        "--checks",
        "all",
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "2",
        "--request-timeout",
        "20",
        // Nothing is kept between runs: a run depends on the seed only.
        "--generation-database",
        "none",
        // Show failing requests as sent (the passwords and tokens are the fuzzer's own).
        "--output-sanitize",
        "false",
        "--no-color",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// The run's configuration: which token each operation uses, and, where the contract gives a reason
/// a schema cannot express for refusing a well-formed request, the statuses that count as an answer.
fn config_toml(token: &str, logout_token: &str, revoke_token: &str, admin_token: &str) -> String {
    // A schema can say that a code has six digits, not that it is the one that was mailed: a well-formed
    // code is refused with `400 invalid_code` or, when no code is pending, `410 code_expired`. Both are
    // refusals, so they also count as rejecting malformed data.
    let code_checks = ["400", "410"];
    // The password policy (not guessable, not containing the username or the address) is no JSON
    // Schema rule: a well-formed password can get `422 validation_failed`.
    let password_policy = ["422"];
    // (`/api/me/password` answers 422 for a wrong current password too, for the same reason.)
    // Likewise a schema can say that `X-Captcha` is a string, not that it solves a live puzzle: a
    // well-formed header is refused with `400 captcha_invalid`.
    let captcha = ["400"];
    let positive = |extra: &[&str]| {
        let mut statuses = vec!["2xx", "3xx", "401", "403", "404", "409", "429"];
        statuses.extend_from_slice(extra);
        format!("{statuses:?}")
    };
    let negative = format!(
        "{:?}",
        ["400", "401", "403", "404", "405", "406", "409", "410", "415", "422", "428", "429"]
    );
    let verify = positive(&code_checks);
    let reset = positive(&[&code_checks[..], &password_policy[..]].concat());
    let register = positive(&[&password_policy[..], &captcha[..]].concat());
    let mail = positive(&captcha);
    // A right password and a well-formed code of the second factor can still be the wrong ones.
    let factor = positive(&[&code_checks[..], &password_policy[..]].concat());
    // Nor which id is the admin's own account (or a pending registration), which the admin actions
    // refuse with `422` (the stateful phase finds those ids in the user list).
    let own_account = positive(&["422"]);
    // Nor that a `credential` object is an authenticator's real answer to a live ceremony: a well-formed
    // one is refused with `422` (not a WebAuthn credential), `400 passkey_refused` or `410` (the
    // ceremony is unknown); adding a passkey also takes the password (`422` when wrong).
    let passkey = positive(&["400", "410", "422"]);
    format!(
        r#"[headers]
Authorization = "Bearer {token}"

[[operations]]
include-path = "/api/auth/logout"
headers = {{ Authorization = "Bearer {logout_token}" }}

[[operations]]
include-path = "/api/me/sessions/{{id}}"
headers = {{ Authorization = "Bearer {revoke_token}" }}

[[operations]]
include-path-regex = "^/api/admin/"
headers = {{ Authorization = "Bearer {admin_token}" }}

[[operations]]
include-path = "/metrics"
headers = {{ Authorization = "Bearer {METRICS_TOKEN}" }}

[[operations]]
include-path-regex = "^/api/admin/users/[^/]+/"
headers = {{ Authorization = "Bearer {admin_token}" }}
checks.positive_data_acceptance.expected-statuses = {own_account}

[[operations]]
include-path = "/api/admin/users/{{id}}"
include-method = "DELETE"
headers = {{ Authorization = "Bearer {admin_token}" }}
checks.positive_data_acceptance.expected-statuses = {own_account}

[[operations]]
include-path = "/api/me"
include-method = "DELETE"
checks.positive_data_acceptance.expected-statuses = {factor}
checks.negative_data_rejection.expected-statuses = {negative}

[[operations]]
include-path = "/api/auth/verify-email"
checks.positive_data_acceptance.expected-statuses = {verify}
checks.negative_data_rejection.expected-statuses = {negative}

[[operations]]
include-path = "/api/auth/password/reset"
checks.positive_data_acceptance.expected-statuses = {reset}
checks.negative_data_rejection.expected-statuses = {negative}

[[operations]]
include-path = "/api/auth/register"
checks.positive_data_acceptance.expected-statuses = {register}

[[operations]]
include-path = "/api/me/password"
checks.positive_data_acceptance.expected-statuses = {register}

[[operations]]
include-path = "/api/auth/resend-code"
checks.positive_data_acceptance.expected-statuses = {mail}

[[operations]]
include-path = "/api/auth/password/forgot"
checks.positive_data_acceptance.expected-statuses = {mail}
[[operations]]
include-path = "/api/auth/login/code"
checks.positive_data_acceptance.expected-statuses = {mail}
[[operations]]
include-path = "/api/auth/code-status"
checks.positive_data_acceptance.expected-statuses = {verify}
checks.negative_data_rejection.expected-statuses = {negative}
[[operations]]
include-path = "/api/auth/login/code/verify"
checks.positive_data_acceptance.expected-statuses = {verify}
checks.negative_data_rejection.expected-statuses = {negative}
[[operations]]
include-path = "/api/auth/login/mfa"
checks.positive_data_acceptance.expected-statuses = {verify}
checks.negative_data_rejection.expected-statuses = {negative}
[[operations]]
include-path = "/api/me/mfa/totp/enable"
checks.positive_data_acceptance.expected-statuses = {verify}
checks.negative_data_rejection.expected-statuses = {negative}
[[operations]]
include-path = "/api/me/mfa/totp/disable"
checks.positive_data_acceptance.expected-statuses = {factor}
checks.negative_data_rejection.expected-statuses = {negative}
[[operations]]
include-path-regex = "^/api/(me/passkeys|auth/passkey/)"
checks.positive_data_acceptance.expected-statuses = {passkey}
checks.negative_data_rejection.expected-statuses = {negative}
[[operations]]
include-path = "/api/me/mfa/recovery-codes"
checks.positive_data_acceptance.expected-statuses = {factor}
checks.negative_data_rejection.expected-statuses = {negative}
"#
    )
}

/// `~/.cache/otp-portal/venv/bin/st`, else an `st` on the `PATH` that is schemathesis.
fn schemathesis() -> Option<PathBuf> {
    let venv = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".cache/otp-portal/venv/bin/st"))
        .filter(|path| path.is_file());
    venv.or_else(|| {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join("st"))
            .find(|candidate| {
                candidate.is_file()
                    && Command::new(candidate)
                        .arg("--version")
                        .output()
                        .is_ok_and(|out| {
                            String::from_utf8_lossy(&out.stdout).starts_with("st, version")
                        })
            })
    })
}

/// Runs `st` with `args` in `dir`, returning whether it succeeded and everything it printed.
/// Whether a failed run's only findings are the fuzzer's own runtime errors: no failed check of an
/// answer, and every error a "Runtime Error" of the tool.
fn only_the_fuzzer_crashed(output: &str) -> bool {
    let errors = output.matches("Runtime Error").count();
    errors > 0 && !output.contains("FAILURES") && output.matches("\n_____").count() <= errors
}

fn run_schemathesis(st: &Path, dir: &Path, args: &[String]) -> (bool, String) {
    let mut child = Command::new(st)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", st.display()));
    // Drain both pipes on their own threads so a chatty run never blocks on a full pipe.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > RUN_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let mut output = stdout.join().unwrap();
    output.push_str(&stderr.join().unwrap());
    match status {
        Some(status) => (status.success(), output),
        None => (
            false,
            format!("{output}\n\nschemathesis was stopped after {RUN_DEADLINE:?}"),
        ),
    }
}

#[test]
fn a_crash_of_the_fuzzer_is_told_apart_from_a_finding() {
    let crash =
        "==== ERRORS ====\n_____ GET /api/admin/codes _____\nRuntime Error\n\nAST constructor \
                 recursion depth mismatch\n";
    assert!(only_the_fuzzer_crashed(crash));
    let finding = "==== FAILURES ====\n_____ POST /api/auth/login _____\n1. Server error\n";
    assert!(!only_the_fuzzer_crashed(finding));
    let both = format!("{crash}\n{finding}");
    assert!(!only_the_fuzzer_crashed(&both));
    let two_errors_one_crash = "==== ERRORS ====\n_____ GET /a _____\nRuntime Error\n\
                                _____ GET /b _____\nSchema Error\n";
    assert!(!only_the_fuzzer_crashed(two_errors_one_crash));
}
