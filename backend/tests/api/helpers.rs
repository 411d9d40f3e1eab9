//! The test harness: starts the real `Application` on port 0 with a fresh SQLite database and an in-process
//! SMTP sink, offers one method per endpoint, and reads the codes out of the mails the sink received.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, CONTENT_TYPE, SET_COOKIE};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use shared::api::TokenResponse;
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How long a mail may take to arrive before a test gives up.
pub const MAIL_DEADLINE: Duration = Duration::from_secs(20);
/// How often the sink, the clock or the server is polled while waiting for something.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The header every mail of the portal carries, naming what it is for.
pub const KIND_HEADER: &str = "X-OTP-Portal-Kind";
pub const VERIFY_EMAIL: &str = "verify_email";
pub const PASSWORD_RESET: &str = "password_reset";
pub const ACCOUNT_EXISTS: &str = "account_exists";
pub const PASSWORD_CHANGED: &str = "password_changed";

pub const PASSWORD: &str = "correct horse battery staple";

// ---------------------------------------------------------------------------------------------------------
// SMTP sink
// ---------------------------------------------------------------------------------------------------------

/// One message as the sink received it, with the parts tests look at already decoded.
#[derive(Clone)]
pub struct ReceivedMail {
    /// `RCPT TO` addresses.
    pub envelope_to: Vec<String>,
    /// `To:` header addresses.
    pub to: Vec<String>,
    pub subject: String,
    /// The value of the `X-OTP-Portal-Kind` header, or "" when it is missing.
    pub kind: String,
    pub text: String,
    pub html: String,
    pub raw: Vec<u8>,
}

impl std::fmt::Debug for ReceivedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceivedMail")
            .field("envelope_to", &self.envelope_to)
            .field("kind", &self.kind)
            .field("subject", &self.subject)
            .field("text", &self.text)
            .finish_non_exhaustive()
    }
}

impl ReceivedMail {
    fn parse(envelope_to: Vec<String>, raw: Vec<u8>) -> Self {
        let mut mail = Self {
            envelope_to,
            to: Vec::new(),
            subject: String::new(),
            kind: String::new(),
            text: String::new(),
            html: String::new(),
            raw,
        };
        if let Some(message) = mail_parser::MessageParser::default().parse(&mail.raw[..]) {
            mail.to = message
                .to()
                .map(|list| {
                    list.iter()
                        .filter_map(|a| a.address())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            mail.subject = message.subject().unwrap_or_default().to_owned();
            mail.kind = message
                .headers_raw()
                .find(|(name, _)| name.eq_ignore_ascii_case(KIND_HEADER))
                .map(|(_, value)| value.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default();
            mail.text = message
                .text_part(0)
                .and_then(|p| p.text_contents())
                .map(str::to_owned)
                .unwrap_or_default();
            mail.html = message
                .html_part(0)
                .and_then(|p| p.text_contents())
                .map(str::to_owned)
                .unwrap_or_default();
        }
        mail
    }

    /// Whether the mail was sent to `address` (envelope or `To:`), ignoring case.
    pub fn is_to(&self, address: &str) -> bool {
        self.envelope_to
            .iter()
            .chain(self.to.iter())
            .any(|a| a.eq_ignore_ascii_case(address))
    }

    /// The 6-digit code: the first run of exactly six ASCII digits in the text body.
    pub fn code(&self) -> String {
        six_digit_runs(&self.text)
            .into_iter()
            .next()
            .unwrap_or_else(|| {
                panic!(
                    "no 6-digit code in the text body of {:?} mail:\n{}",
                    self.kind, self.text
                )
            })
    }

    /// The value of `name` in the fragment of the first link of the text body that has one.
    pub fn link_param(&self, name: &str) -> Option<String> {
        self.links().into_iter().find_map(|link| {
            let url = url::Url::parse(&link).ok()?;
            let fragment = url.fragment()?.to_owned();
            url::form_urlencoded::parse(fragment.as_bytes())
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        })
    }

    /// The link token the mailed link carries beside the code.
    pub fn link_token(&self) -> String {
        self.link_param("link")
            .unwrap_or_else(|| panic!("no link token in the {:?} mail:\n{}", self.kind, self.text))
    }

    /// Every link in the text body (whitespace, quotes and angle brackets end a link).
    pub fn links(&self) -> Vec<String> {
        self.text
            .split(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | '(' | ')'))
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_owned)
            .collect()
    }
}

/// Every run of exactly six ASCII digits bounded by non-digits.
pub fn six_digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            current.push(c);
        } else {
            if current.len() == 6 {
                runs.push(current.clone());
            }
            current.clear();
        }
    }
    runs
}

type Mailbox = Arc<Mutex<Vec<ReceivedMail>>>;

/// A tiny SMTP server (no TLS, no AUTH) that accepts everything and keeps every message.
pub struct SmtpSink {
    port: u16,
    messages: Mailbox,
    accept_loop: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

impl SmtpSink {
    /// Listens on a random free port.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// Listens on `port` (0: any free one).
    pub async fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .unwrap_or_else(|e| panic!("binding the SMTP sink to port {port}: {e}"));
        let port = listener.local_addr().unwrap().port();
        let messages: Mailbox = Arc::default();
        let mailbox = messages.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve_smtp(stream, mailbox.clone()));
            }
        });
        Self {
            port,
            messages,
            accept_loop,
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.messages.lock().unwrap().clone()
    }

    /// The mails of `kind` sent to `to`, oldest first.
    pub fn mails(&self, to: &str, kind: &str) -> Vec<ReceivedMail> {
        self.messages()
            .into_iter()
            .filter(|m| m.is_to(to) && m.kind == kind)
            .collect()
    }

    /// How many mails (of any kind) were sent to `to`.
    pub fn mail_count(&self, to: &str) -> usize {
        self.messages().iter().filter(|m| m.is_to(to)).count()
    }

    /// The first mail of `kind` sent to `to`, waiting for it up to `MAIL_DEADLINE`.
    pub async fn wait_for_mail(&self, to: &str, kind: &str) -> ReceivedMail {
        self.wait_for_nth_mail(to, kind, 1).await
    }

    /// The `n`-th (1-based) mail of `kind` sent to `to`, waiting for it up to `MAIL_DEADLINE`.
    pub async fn wait_for_nth_mail(&self, to: &str, kind: &str, n: usize) -> ReceivedMail {
        self.wait_for_nth_mail_within(to, kind, n, MAIL_DEADLINE)
            .await
    }

    pub async fn wait_for_nth_mail_within(
        &self,
        to: &str,
        kind: &str,
        n: usize,
        deadline: Duration,
    ) -> ReceivedMail {
        assert!(n >= 1, "mails are counted from 1");
        let found = poll_until(deadline, || async {
            self.mails(to, kind).into_iter().nth(n - 1)
        })
        .await;
        found.unwrap_or_else(|| {
            let seen: Vec<_> = self
                .messages()
                .iter()
                .map(|m| format!("{:?} to {:?}", m.kind, m.envelope_to))
                .collect();
            panic!("mail #{n} of kind {kind:?} to {to} did not arrive within {deadline:?}; received: {seen:?}")
        })
    }
}

/// Speaks just enough SMTP for lettre: several messages per connection, dot-stuffing undone.
async fn serve_smtp(stream: TcpStream, mailbox: Mailbox) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    if write
        .write_all(b"220 sink.test ESMTP ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    let mut recipients: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => {
                b"250-sink.test greets you\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n"
            }
            "HELO" => b"250 sink.test\r\n",
            "MAIL" => {
                recipients.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" => {
                recipients.push(envelope_address(&command));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" => {
                if write
                    .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let Some(raw) = read_data(&mut reader).await else {
                    return;
                };
                let mail = ReceivedMail::parse(std::mem::take(&mut recipients), raw);
                mailbox.lock().unwrap().push(mail);
                b"250 2.0.0 queued\r\n"
            }
            "RSET" => {
                recipients.clear();
                b"250 2.0.0 OK\r\n"
            }
            "QUIT" => {
                let _ = write.write_all(b"221 2.0.0 bye\r\n").await;
                let _ = write.shutdown().await;
                return;
            }
            _ => b"250 OK\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The message after `DATA`, up to the line holding a single dot, with dot-stuffing undone.
async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<Vec<u8>> {
    let mut raw = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await.ok()? == 0 {
            return None;
        }
        let content = line
            .strip_suffix(b"\r\n")
            .or_else(|| line.strip_suffix(b"\n"))
            .unwrap_or(&line);
        if content == b"." {
            return Some(raw);
        }
        let unstuffed = if line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        raw.extend_from_slice(unstuffed);
    }
}

/// `RCPT TO:<a@b.c> PARAMS` → `a@b.c`.
fn envelope_address(command: &str) -> String {
    let start = command.find('<').map_or(0, |i| i + 1);
    let end = command[start..]
        .find('>')
        .map_or(command.len(), |i| start + i);
    command[start..end].trim().to_owned()
}

// ---------------------------------------------------------------------------------------------------------
// Waiting
// ---------------------------------------------------------------------------------------------------------

/// Calls `probe` every `POLL_INTERVAL` until it yields something or `deadline` has passed.
pub async fn poll_until<T, F, Fut>(deadline: Duration, mut probe: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let give_up = tokio::time::Instant::now() + deadline;
    loop {
        if let Some(found) = probe().await {
            return Some(found);
        }
        if tokio::time::Instant::now() >= give_up {
            return None;
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// Waits until the wall clock is past `instant` (for expiry tests).
pub async fn wait_until_past(instant: DateTime<Utc>) {
    let reached = poll_until(Duration::from_secs(60), || async {
        (Utc::now() > instant).then_some(())
    })
    .await;
    assert!(reached.is_some(), "the clock never passed {instant}");
}

// ---------------------------------------------------------------------------------------------------------
// The application under test
// ---------------------------------------------------------------------------------------------------------

pub struct TestApp {
    /// `http://127.0.0.1:PORT`, or `http://localhost:PORT` when that is the `PUBLIC_URL` (passkeys
    /// belong to a domain name, so a browser must come by name).
    pub address: String,
    pub client: reqwest::Client,
    pub smtp: SmtpSink,
    pub database_url: String,
    /// The app's `DATA_DIR` (its generated keys; the SQLite file, unless on PostgreSQL).
    pub data_dir: String,
    /// The `registration_token` of the latest registration of each address (lower-cased) made through
    /// this app, as the browser that registered keeps it.
    pub registration_tokens: Arc<Mutex<HashMap<String, String>>>,
    /// Where the database and generated files live; removed when the test ends.
    _tmp: TempDir,
    /// The test's own PostgreSQL database, dropped when the test ends.
    _database: Option<PgDatabase>,
}

/// The server `TEST_DATABASE_URL` names (`postgres://USER@HOST:PORT/DB`), if the tests are to run on
/// PostgreSQL instead of SQLite.
pub fn test_postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres://") || url.starts_with("postgresql://"))
}

/// A database of its own for one test on the `TEST_DATABASE_URL` server: created empty, dropped (with
/// any connection still open to it) when the test ends.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub fn create(admin_url: &str) -> Self {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        let name = format!("otp_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = PgConnection::establish(admin_url)
            .unwrap_or_else(|e| panic!("connecting to TEST_DATABASE_URL: {e}"));
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let mut url = url::Url::parse(admin_url).unwrap();
        url.set_path(&name);
        Self {
            admin_url: admin_url.to_owned(),
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        use diesel::{Connection, PgConnection, RunQueryDsl};
        if let Ok(mut conn) = PgConnection::establish(&self.admin_url) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// Starts the application with the default test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the application after `configure` has changed or added variables.
pub async fn spawn_app_with(configure: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    let smtp = SmtpSink::start().await;
    spawn_app_with_sink(smtp, configure).await
}

/// Starts the application delivering to `smtp` unless `configure` points `SMTP_URL` elsewhere.
pub async fn spawn_app_with_sink(
    smtp: SmtpSink,
    configure: impl FnOnce(&mut HashMap<String, String>),
) -> TestApp {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().display().to_string();
    let mut vars: HashMap<String, String> = [
        ("BIND_ADDR", "127.0.0.1:0".to_owned()),
        ("DATABASE_URL", format!("sqlite://{dir}/portal.db")),
        ("DATA_DIR", dir.clone()),
        (
            "SMTP_URL",
            format!("smtp://127.0.0.1:{}?tls=none", smtp.port()),
        ),
        (
            "JWT_SECRET",
            "test-secret-0123456789abcdef-test-secret-0123456789abcdef-012345".to_owned(),
        ),
        ("MAIL_RETRY_BASE_SECONDS", "1".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(vars["JWT_SECRET"].len(), 64);
    let database = test_postgres_url().map(|server| PgDatabase::create(&server));
    if let Some(database) = &database {
        vars.insert("DATABASE_URL".to_owned(), database.url.clone());
    }
    configure(&mut vars);
    let database_url = vars["DATABASE_URL"].clone();
    let local_public_url = vars
        .get("PUBLIC_URL")
        .filter(|url| url.starts_with("http://localhost:"))
        .cloned();

    let settings = otp_portal::settings::Settings::from_lookup(|k| vars.get(k).cloned())
        .expect("the test settings are valid");
    let app = otp_portal::startup::Application::build(settings)
        .await
        .expect("the application starts");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        registration_tokens: Arc::default(),
        address: local_public_url.unwrap_or_else(|| format!("http://127.0.0.1:{port}")),
        client,
        smtp,
        database_url,
        data_dir: vars.get("DATA_DIR").cloned().unwrap_or(dir),
        _tmp: tmp,
        _database: database,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    async fn get_with_token(&self, path: &str, token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Registers; a `202` answer's `registration_token` is remembered for [`TestApp::verify_email`].
    pub async fn post_register(&self, body: &Value) -> Response {
        let response = self.post_json("/api/auth/register", body).await;
        if response.status() != StatusCode::ACCEPTED {
            return response;
        }
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.bytes().await.unwrap();
        if let Ok(answer) = serde_json::from_slice::<Value>(&bytes) {
            if let (Some(email), Some(token)) = (
                answer["email"].as_str(),
                answer["registration_token"].as_str(),
            ) {
                self.registration_tokens
                    .lock()
                    .unwrap()
                    .insert(email.to_lowercase(), token.to_owned());
            }
        }
        let mut rebuilt = http::Response::builder().status(status);
        for (name, value) in &headers {
            rebuilt = rebuilt.header(name, value);
        }
        Response::from(rebuilt.body(bytes).unwrap())
    }

    /// The token the latest registration of `email` through this app answered.
    pub fn registration_token(&self, email: &str) -> Option<String> {
        self.registration_tokens
            .lock()
            .unwrap()
            .get(&email.to_lowercase())
            .cloned()
    }

    /// Verifies as the browser that registered does: a body with neither `registration_token` nor
    /// `password` gets the token of the latest registration of its address made through this app.
    /// [`TestApp::verify_email_as_sent`] sends a body untouched.
    pub async fn verify_email(&self, body: &Value) -> Response {
        let mut body = body.clone();
        let has_proof = body.get("registration_token").is_some() || body.get("password").is_some();
        if let (false, Some(email)) = (has_proof, body["email"].as_str()) {
            if let Some(token) = self.registration_token(email) {
                body["registration_token"] = Value::String(token);
            }
        }
        self.verify_email_as_sent(&body).await
    }

    pub async fn verify_email_as_sent(&self, body: &Value) -> Response {
        self.post_json("/api/auth/verify-email", body).await
    }

    pub async fn resend_code(&self, body: &Value) -> Response {
        self.post_json("/api/auth/resend-code", body).await
    }

    pub async fn login(&self, body: &Value) -> Response {
        self.post_json("/api/auth/login", body).await
    }

    /// With `Some(body)`, a JSON body; with `None`, no body at all (the cookie path).
    pub async fn refresh(&self, body: Option<&Value>) -> Response {
        match body {
            Some(body) => self.post_json("/api/auth/refresh", body).await,
            None => self
                .client
                .post(self.url("/api/auth/refresh"))
                .send()
                .await
                .unwrap(),
        }
    }

    /// Refreshes with only the cookie and the CSRF header, as the browser client does.
    pub async fn refresh_with_cookie(&self, refresh_token: &str) -> Response {
        self.refresh_with_cookie_only(refresh_token)
            .header("X-Requested-With", "otp-portal")
            .send()
            .await
            .unwrap()
    }

    /// A refresh carrying the cookie and nothing else, as a cross-site form could send it.
    pub fn refresh_with_cookie_only(&self, refresh_token: &str) -> reqwest::RequestBuilder {
        self.client.post(self.url("/api/auth/refresh")).header(
            reqwest::header::COOKIE,
            format!("refresh_token={refresh_token}"),
        )
    }

    /// The audit trail, newest first, read straight from the database.
    pub fn audit_events(&self) -> Vec<otp_portal::store::audit::AuditRow> {
        let pool = otp_portal::store::connect(&self.database_url).unwrap();
        let mut conn = pool.get().unwrap();
        otp_portal::store::audit::recent(&mut conn, None, 1000).unwrap()
    }

    pub async fn logout(&self, token: &str) -> Response {
        self.client
            .post(self.url("/api/auth/logout"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn me(&self, token: &str) -> Response {
        self.get_with_token("/api/me", token).await
    }

    pub async fn sessions(&self, token: &str) -> Response {
        self.get_with_token("/api/me/sessions", token).await
    }

    pub async fn forgot_password(&self, body: &Value) -> Response {
        self.post_json("/api/auth/password/forgot", body).await
    }

    pub async fn reset_password(&self, body: &Value) -> Response {
        self.post_json("/api/auth/password/reset", body).await
    }

    pub async fn health(&self) -> Response {
        self.get("/api/health").await
    }

    pub async fn openapi(&self) -> Response {
        self.get("/api/openapi.json").await
    }

    /// POSTs `body` as is, with the given `Content-Type` (none when `None`).
    pub async fn post_raw(
        &self,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Response {
        let mut request = self.client.post(self.url(path)).body(body);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        request.send().await.unwrap()
    }

    /// Registers, expecting `202`, and returns the response body.
    pub async fn register(&self, username: &str, email: &str, password: &str) -> Value {
        let response = self
            .post_register(&json!({"username": username, "email": email, "password": password}))
            .await;
        expect_json(response, StatusCode::ACCEPTED).await
    }

    /// Registers and reads the code from the verification mail.
    pub async fn register_for_code(&self, username: &str, email: &str, password: &str) -> String {
        self.register(username, email, password).await;
        self.smtp.wait_for_mail(email, VERIFY_EMAIL).await.code()
    }

    /// Registers, reads the code from the mail and verifies the address.
    pub async fn register_and_verify(
        &self,
        username: &str,
        email: &str,
        password: &str,
    ) -> TokenResponse {
        let code = self.register_for_code(username, email, password).await;
        self.verify(email, &code).await
    }

    /// Verifies `email` with `code`, expecting a token response.
    pub async fn verify(&self, email: &str, code: &str) -> TokenResponse {
        let response = self
            .verify_email(&json!({"email": email, "code": code}))
            .await;
        tokens(response).await
    }

    /// Logs in, expecting a token response.
    pub async fn login_ok(&self, login: &str, password: &str) -> TokenResponse {
        let response = self
            .login(&json!({"login": login, "password": password}))
            .await;
        tokens(response).await
    }
}

// ---------------------------------------------------------------------------------------------------------
// Looking at responses
// ---------------------------------------------------------------------------------------------------------

/// Asserts the status and returns the JSON body.
pub async fn expect_json(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let url = response.url().path().to_owned();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "{url} answered {actual}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: body is not JSON ({e}): {text}"))
}

/// Asserts a `200` token response and decodes it.
pub async fn tokens(response: Response) -> TokenResponse {
    let body = expect_json(response, StatusCode::OK).await;
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not a token response ({e}): {body}"))
}

/// Asserts an RFC 9457 problem with the given status and `code`, and returns its body and headers.
pub async fn expect_problem(response: Response, status: u16, code: &str) -> (Value, HeaderMap) {
    let (body, headers) = problem(response).await;
    assert_eq!(
        body["status"], status,
        "expected a {status} {code} problem, got {body}"
    );
    assert_eq!(
        body["code"], code,
        "expected a {status} {code} problem, got {body}"
    );
    (body, headers)
}

/// Asserts the response is an RFC 9457 problem (whatever its status) and returns its body and headers.
pub async fn problem(response: Response) -> (Value, HeaderMap) {
    let status = response.status();
    let url = response.url().path().to_owned();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    assert!(
        status.is_client_error() || status.is_server_error(),
        "{url} answered {status} where an error was expected: {text}"
    );
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        content_type.starts_with("application/problem+json"),
        "{url} answered {status} with Content-Type {content_type:?}: {text}"
    );
    let body: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{url}: problem body is not JSON ({e}): {text}"));
    for member in ["type", "title", "code"] {
        assert!(
            body[member].is_string(),
            "{url}: problem member {member:?} missing: {body}"
        );
    }
    assert_eq!(
        body["status"],
        status.as_u16(),
        "{url}: problem status differs from the HTTP status {status}: {body}"
    );
    (body, headers)
}

/// The `Retry-After` header in whole seconds.
pub fn retry_after(headers: &HeaderMap) -> u64 {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)
        .unwrap_or_else(|| panic!("no Retry-After header in {headers:?}"))
        .to_str()
        .unwrap();
    value
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After {value:?} is not a number of seconds"))
}

/// The non-empty messages of `errors.<field>` of a `validation_failed` problem.
pub fn field_errors(problem: &Value, field: &str) -> Vec<String> {
    let messages: Vec<String> = problem["errors"][field]
        .as_array()
        .unwrap_or_else(|| panic!("no errors.{field} in {problem}"))
        .iter()
        .map(|m| m.as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        messages.iter().any(|m| !m.trim().is_empty()),
        "errors.{field} is empty in {problem}"
    );
    messages
}

/// The `Set-Cookie` header that sets `name`, if any.
pub fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| {
            v.split(';')
                .next()
                .and_then(|pair| pair.split_once('='))
                .is_some_and(|(n, _)| n.trim() == name)
        })
        .map(str::to_owned)
}

/// The value of a `Set-Cookie` header (`name=VALUE; ...`).
pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

/// The attributes of a `Set-Cookie` header, lower-cased, as `name` or `name=value`.
pub fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| {
            a.trim().split_once('=').map_or_else(
                || a.trim().to_ascii_lowercase(),
                |(n, v)| format!("{}={}", n.trim().to_ascii_lowercase(), v.trim()),
            )
        })
        .collect()
}

/// The keys of a JSON object, sorted.
pub fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

/// A 6-digit code that is certainly not `code`.
pub fn wrong_code(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

/// A JSON string field as an RFC 3339 timestamp.
pub fn timestamp(value: &Value) -> DateTime<Utc> {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a timestamp string: {value}"));
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?} is not RFC 3339: {e}"))
        .with_timezone(&Utc)
}

/// A free TCP port on 127.0.0.1, with nothing listening on it once this returns.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// ---------------------------------------------------------------------------------------------------------
// Abuse resistance: CAPTCHA and client addresses
// ---------------------------------------------------------------------------------------------------------

pub const LOGIN_THROTTLED: &str = "login_throttled";

impl TestApp {
    /// `GET /api/captcha`, expecting `200`, decoded.
    pub async fn captcha_challenge(&self) -> otp_portal::captcha::Challenge {
        let body = expect_json(self.get("/api/captcha").await, StatusCode::OK).await;
        serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("not a CAPTCHA challenge ({e}): {body}"))
    }

    /// `POST /api/auth/register` with `value` in the `X-Captcha` header.
    pub async fn post_register_with_captcha(&self, body: &Value, value: &str) -> Response {
        self.client
            .post(self.url("/api/auth/register"))
            .header("X-Captcha", value)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// `POST /api/auth/login` as forwarded by a proxy with `X-Forwarded-For: forwarded_for`.
    pub async fn login_forwarded_for(&self, body: &Value, forwarded_for: &str) -> Response {
        self.client
            .post(self.url("/api/auth/login"))
            .header("X-Forwarded-For", forwarded_for)
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// Asserts a `429 rate_limited` problem whose `Retry-After` header and `retry_after` member agree and are
/// positive; returns the wait in seconds.
pub async fn expect_rate_limited(response: Response) -> u64 {
    let (body, headers) = expect_problem(response, 429, "rate_limited").await;
    let seconds = retry_after(&headers);
    assert!(seconds > 0, "Retry-After is 0: {body}");
    assert_eq!(
        body["retry_after"].as_u64(),
        Some(seconds),
        "the body's retry_after differs from Retry-After: {body}"
    );
    seconds
}

/// The value of the sample `name{labels}` (labels as Prometheus prints them, sorted) in a `/metrics`
/// text, if present.
pub fn metric_sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}
