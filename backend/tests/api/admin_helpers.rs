//! What the administration and account-data tests share: running the `otp-portal` binary on a test
//! app's configuration, turning the second factor on, making an admin, and looking for secrets in what
//! the server answers.

use std::path::PathBuf;
use std::process::{Command, Output};

use reqwest::header::USER_AGENT;
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{expect_json, TestApp, PASSWORD};

/// The `JWT_SECRET` `spawn_app` configures: the binary must sign and verify with the same key.
const TEST_JWT_SECRET: &str = "test-secret-0123456789abcdef-test-secret-0123456789abcdef-012345";

/// The `User-Agent` the tests send where they check that it is recorded.
pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AdminTests/1.0";

/// The app's `DATA_DIR` (its keys, and its SQLite file unless it runs on PostgreSQL).
fn data_dir(app: &TestApp) -> PathBuf {
    PathBuf::from(&app.data_dir)
}

/// Runs `otp-portal ARGS` on the app's database, with nothing of this process's environment and in an
/// empty folder, so no stray variable or `.env` file reaches it.
pub async fn portal_cli(app: &TestApp, args: &[&str]) -> Output {
    let database_url = app.database_url.clone();
    let data_dir = data_dir(app);
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let workdir = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_otp-portal"))
            .args(&args)
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("DATA_DIR", data_dir)
            .env("JWT_SECRET", TEST_JWT_SECRET)
            .current_dir(workdir.path())
            .output()
            .expect("the otp-portal binary runs")
    })
    .await
    .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `otp-portal promote LOGIN`, expecting success.
pub async fn promote(app: &TestApp, login: &str) {
    let output = portal_cli(app, &["promote", login]).await;
    assert!(
        output.status.success(),
        "promote {login} failed ({}): {}",
        output.status,
        text(&output.stderr)
    );
}

/// A request with an optional Bearer token and an optional JSON body.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method.clone(), app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request
        .send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// A login as a browser sends it, with a `User-Agent`.
pub async fn login_from_browser(app: &TestApp, login: &str, password: &str) -> Response {
    app.client
        .post(app.url("/api/auth/login"))
        .header(USER_AGENT, BROWSER)
        .json(&serde_json::json!({"login": login, "password": password}))
        .send()
        .await
        .unwrap()
}

/// `GET path` with `token`, expecting `200`; the JSON body.
pub async fn get_ok(app: &TestApp, token: &str, path: &str) -> Value {
    expect_json(
        call(app, Method::GET, path, Some(token), None).await,
        StatusCode::OK,
    )
    .await
}

/// `method path` with `token` and no body, expecting `204`.
pub async fn no_content(app: &TestApp, token: &str, method: Method, path: &str) {
    let response = call(app, method.clone(), path, Some(token), None).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::NO_CONTENT, "{method} {path}: {body}");
}

/// The authenticator app's code for the step `offset` steps from now.
pub fn app_code(secret: &[u8], offset: i64) -> String {
    let now = chrono::Utc::now().timestamp() + offset * 30;
    otp_portal::auth::totp::code_at(secret, u64::try_from(now).unwrap()).unwrap()
}

/// A six-digit code that is none of the app's codes from two steps back to two steps ahead.
pub fn not_an_app_code(secret: &[u8]) -> String {
    let current: Vec<String> = (-2..=2).map(|step| app_code(secret, step)).collect();
    (0..)
        .map(|n: u32| format!("{:06}", (n * 7919 + 13) % 1_000_000))
        .find(|candidate| !current.contains(candidate))
        .unwrap()
}

/// A second factor turned on, and every secret that came with it.
pub struct Factor {
    pub secret: Vec<u8>,
    /// The base32 key the setup showed.
    pub secret_base32: String,
    /// App codes sent to the server so far.
    pub used_codes: Vec<String>,
    pub recovery_codes: Vec<String>,
}

impl Factor {
    /// The base32 key, the app codes used and the recovery codes.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = vec![self.secret_base32.clone()];
        secrets.extend(self.used_codes.iter().cloned());
        secrets.extend(self.recovery_codes.iter().cloned());
        secrets
    }
}

/// Turns the authenticator app on for the account of `access`, confirming with the code of the previous
/// step, so the current and the next step are left for the test.
pub async fn turn_on_factor(app: &TestApp, access: &str) -> Factor {
    let setup = expect_json(
        call(
            app,
            Method::POST,
            "/api/me/mfa/totp/setup",
            Some(access),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let secret_base32 = setup["secret"].as_str().unwrap().to_owned();
    let secret = otp_portal::auth::totp::decode_base32(&secret_base32).unwrap();
    let code = app_code(&secret, -1);
    let enabled = expect_json(
        call(
            app,
            Method::POST,
            "/api/me/mfa/totp/enable",
            Some(access),
            Some(&serde_json::json!({ "code": code })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let recovery_codes = enabled["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    Factor {
        secret,
        secret_base32,
        used_codes: vec![code],
        recovery_codes,
    }
}

/// An admin whose second factor is on, made the way an operator makes one.
pub struct Admin {
    pub id: String,
    pub token: String,
    pub factor: Factor,
    /// The code its registration mailed.
    pub mailed_code: String,
}

impl Admin {
    /// Every secret the admin's making produced.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = self.factor.secrets();
        secrets.push(self.mailed_code.clone());
        secrets
    }
}

/// Registers `username` (at `username@example.com`), verifies it, promotes it with the binary and turns
/// its second factor on.
pub async fn make_admin(app: &TestApp, username: &str) -> Admin {
    let email = format!("{username}@example.com");
    let mailed_code = app.register_for_code(username, &email, PASSWORD).await;
    let session = app.verify(&email, &mailed_code).await;
    promote(app, username).await;
    let factor = turn_on_factor(app, &session.access_token).await;
    Admin {
        id: session.user.id.to_string(),
        token: session.access_token,
        factor,
        mailed_code,
    }
}

/// Whether `value` is wholly an RFC 3339 timestamp or a UUID: the digits of those are no code, whatever
/// they happen to spell (a fraction of a second can read like any six digits).
fn is_timestamp_or_uuid(value: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(value).is_ok() || uuid::Uuid::parse_str(value).is_ok()
}

/// Where in `body` one of `secrets` shows up: each hit as `path: secret`. Every key, string and number
/// is searched, except strings that are wholly a timestamp or a UUID.
pub fn leaks(body: &Value, secrets: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    walk(body, "$", secrets, &mut found);
    found
}

fn walk(value: &Value, path: &str, secrets: &[String], found: &mut Vec<String>) {
    match value {
        Value::String(s) if !is_timestamp_or_uuid(s) => search(s, path, secrets, found),
        Value::Number(n) => search(&n.to_string(), path, secrets, found),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), secrets, found);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                let path = format!("{path}.{key}");
                search(key, &path, secrets, found);
                walk(member, &path, secrets, found);
            }
        }
        _ => {}
    }
}

fn search(text: &str, path: &str, secrets: &[String], found: &mut Vec<String>) {
    for secret in secrets {
        if text.contains(secret.as_str()) {
            found.push(format!("{path}: {secret}"));
        }
    }
}
