//! Typed configuration, read once at start-up from the environment (and a `.env` file). Nothing else in
//! the program reads environment variables, but for the home directory, where the PostgreSQL listener
//! looks for libpq's default root certificate as libpq does for the pool (`store::listen`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use secrecy::SecretString;

/// Every variable the server reads, with its default. The README's configuration table mirrors this.
#[derive(Clone, Debug)]
pub struct Settings {
    pub bind_addr: String,
    pub database_url: String,
    /// At most this many database connections per instance; `None`: 8 on SQLite, 16 on PostgreSQL.
    pub database_pool_size: Option<u32>,
    /// Where generated keys and development mail live.
    pub data_dir: PathBuf,
    /// `None`: the development mailer.
    pub smtp_url: Option<SecretString>,
    /// PEM file of CA certificates trusted for the SMTP server's TLS besides the public roots
    /// (`SMTP_CA_FILE`: a relay with a private CA); read and checked when the mailer is built.
    pub smtp_ca_file: Option<PathBuf>,
    /// Whether a code mail's subject starts with its code, for phone notifications (`MAIL_CODE_IN_SUBJECT`).
    pub mail_code_in_subject: bool,
    pub mail_from: String,
    /// `None`: access tokens are EdDSA, signed by keys kept in the database and published as a JWKS.
    pub jwt_secret: Option<SecretString>,
    /// The key every internal key is derived from; `None`: generated once into `data_dir/secret.key`.
    pub secret_key: Option<SecretString>,
    pub otp_ttl: Duration,
    pub otp_resend_cooldown: Duration,
    pub public_url: String,
    /// The issuer an authenticator app shows beside the account (`TOTP_ISSUER`; default: the host of
    /// `PUBLIC_URL`).
    pub totp_issuer: String,
    /// Requests that may wait for a password-hashing slot (`PASSWORD_HASH_QUEUE`; default: twice the
    /// cores); past slots and queue, `503` at once.
    pub password_hash_queue: Option<usize>,
    /// How long the second step of a login (its `mfa_token`) stays open.
    pub mfa_token_ttl: Duration,
    pub access_token_ttl: Duration,
    pub session_ttl: Duration,
    pub pending_account_ttl: Duration,
    pub maintenance_interval: Duration,
    /// First retry delay of a failed mail delivery; it doubles each time up to `mail_retry_max`.
    pub mail_retry_base: Duration,
    pub mail_retry_max: Duration,
    /// A mail still undelivered after this long is marked failed.
    pub mail_give_up_after: Duration,
    /// The `Secure` attribute of the refresh cookie. Off only for plain-http development setups.
    pub cookie_secure: bool,
    /// `Domain` of the forward-auth session cookie (`COOKIE_DOMAIN`), so that apps on sibling hosts
    /// behind the same proxy receive it; `None`: this host only.
    pub cookie_domain: Option<String>,
    pub log_format: LogFormat,
    /// The built browser client, served at `/` (`CLIENT_DIR`); `None`: the copy built into the binary.
    pub client_dir: Option<PathBuf>,
    /// Lowest zxcvbn score (0-4) a new password needs.
    pub password_min_score: u8,
    pub audit_retention: Duration,
    pub limits: LimitSettings,
    /// Peers whose `X-Forwarded-For` is believed (a load balancer or reverse proxy).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The Bearer token `GET /metrics` asks for (`METRICS_TOKEN`); `None`: no metrics are served.
    pub metrics_token: Option<SecretString>,
    /// Where account events are POSTed, signed per Standard Webhooks (`WEBHOOK_URL`, `WEBHOOK_SECRET`).
    pub webhook: Option<WebhookSettings>,
    /// How long a client may take to send a request's head, and then its body.
    pub request_timeout: Duration,
}

/// The receiver of account events and the key they are signed with.
#[derive(Clone)]
pub struct WebhookSettings {
    pub url: String,
    /// The bytes of the `whsec_` key (base64 after the prefix).
    pub key: secrecy::SecretSlice<u8>,
}

impl std::fmt::Debug for WebhookSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSettings")
            .field("url", &self.url)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

/// `WEBHOOK_URL` and `WEBHOOK_SECRET`: both or neither.
fn webhook_settings(
    url: Option<String>,
    secret: Option<String>,
) -> anyhow::Result<Option<WebhookSettings>> {
    use base64::Engine;
    let (url, secret) = match (url, secret) {
        (None, None) => return Ok(None),
        (Some(url), Some(secret)) => (url.trim().to_owned(), secret.trim().to_owned()),
        (Some(_), None) => {
            bail!("WEBHOOK_URL is set but WEBHOOK_SECRET is not: webhooks are signed")
        }
        (None, Some(_)) => bail!("WEBHOOK_SECRET is set but WEBHOOK_URL is not"),
    };
    let parsed =
        url::Url::parse(&url).with_context(|| format!("WEBHOOK_URL {url:?} is not a URL"))?;
    anyhow::ensure!(
        matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some(),
        "WEBHOOK_URL must be an http:// or https:// URL, got {url:?}"
    );
    let encoded = secret.strip_prefix("whsec_").with_context(|| {
        "WEBHOOK_SECRET must look like whsec_ followed by base64 (Standard Webhooks)"
    })?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .context("WEBHOOK_SECRET: the part after whsec_ is not base64")?;
    anyhow::ensure!(
        (24..=64).contains(&key.len()),
        "WEBHOOK_SECRET must hold 24 to 64 bytes (it has {})",
        key.len()
    );
    Ok(Some(WebhookSettings {
        url,
        key: key.into(),
    }))
}

/// Abuse limits. Counts are per hour; 0 turns a limit off.
#[derive(Clone, Debug)]
pub struct LimitSettings {
    /// Mail-sending requests (register, resend-code, password/forgot) per client IP: refused above.
    pub mail_per_ip: u32,
    /// ... per target address, from all IPs together.
    pub mail_per_address: u32,
    /// ... for the whole server.
    pub mail_total: u32,
    /// Mail requests for one address from one client IP (prefix), kept below `mail_per_address`.
    pub mail_per_address_per_ip: u32,
    /// Above these, mail-sending requests need a solved CAPTCHA.
    pub captcha_mail_per_ip: u32,
    pub captcha_mail_per_address: u32,
    pub captcha_mail_total: u32,
    /// Code checks (verify-email, password/reset) per client IP.
    pub code_checks_per_ip: u32,
    /// Password checks (login) per client IP, against spraying across accounts.
    pub logins_per_ip: u32,
    /// Refresh-token exchanges per client IP.
    pub refresh_per_ip: u32,
    /// The per-IP limits count an IPv6 client by this prefix (one customer usually holds a whole /64);
    /// an IPv4 client, and an IPv4-mapped IPv6 one, by its address.
    pub ipv6_prefix: u8,
    /// Consecutive wrong passwords before an account's logins pause.
    pub login_lockout_threshold: u32,
    /// Consecutive failed logins to one account, from every source without its device cookie together,
    /// after which those sources pause (a source's own failures pause it at `login_lockout_threshold`).
    pub login_lockout_account_threshold: u32,
    /// The first pause; it doubles with each further failure up to `login_lockout_max`.
    pub login_lockout_base: Duration,
    pub login_lockout_max: Duration,
    /// Upper bound of the CAPTCHA's secret number: the expected work is half of it in SHA-256 calls.
    pub captcha_difficulty: u64,
    pub captcha_ttl: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

const MINUTE: u64 = 60;
const DAY: u64 = 24 * 3600;
const YEAR: u64 = 365 * DAY;
/// The most work a CAPTCHA may ask: `otp-portal solve-captcha` refuses puzzles above it, and a phone
/// would take minutes.
const MAX_CAPTCHA_DIFFICULTY: u64 = 50_000_000;

impl Settings {
    /// Reads the process environment, after loading `.env` from the working directory if there is one.
    pub fn from_env() -> anyhow::Result<Self> {
        // A missing .env is the normal case; a malformed one is worth stopping for.
        match dotenvy::dotenv() {
            Ok(_) => {}
            Err(e) if e.not_found() => {}
            Err(e) => return Err(e).context("reading .env"),
        }
        let vars: HashMap<String, String> = std::env::vars().collect();
        Self::from_lookup(|key| vars.get(key).cloned())
    }

    /// Builds settings from any source of variables, so tests can configure a server without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let seconds = |key: &str, default: u64| -> anyhow::Result<Duration> {
            match get(key) {
                None => Ok(Duration::from_secs(default)),
                Some(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Duration::from_secs)
                    .with_context(|| format!("{key} must be a whole number of seconds, got {v:?}")),
            }
        };

        let count = |key: &str, default: u32| -> anyhow::Result<u32> {
            match get(key) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .with_context(|| format!("{key} must be a whole number, got {v:?}")),
            }
        };

        let bind_addr = get("BIND_ADDR").unwrap_or_else(|| "127.0.0.1:8080".into());
        let public_url = get("PUBLIC_URL")
            .unwrap_or_else(|| format!("http://{bind_addr}"))
            .trim_end_matches('/')
            .to_owned();
        let parsed_public_url = url::Url::parse(&public_url)
            .with_context(|| format!("PUBLIC_URL {public_url:?} is not a URL"))?;
        let totp_issuer = match get("TOTP_ISSUER").map(|v| v.trim().to_owned()) {
            Some(issuer) if !issuer.is_empty() => {
                anyhow::ensure!(
                    !issuer.contains(':'),
                    "TOTP_ISSUER {issuer:?} must not contain ':' (authenticator apps split on it)"
                );
                issuer
            }
            // An IPv6 host has colons: the product's name reads better in an app anyway.
            _ => parsed_public_url
                .host_str()
                .filter(|host| !host.contains(':'))
                .unwrap_or("OTP Portal")
                .to_owned(),
        };
        // A key shorter than this is guessable offline from anything it signed.
        let secret = |key: &str| -> anyhow::Result<Option<String>> {
            match get(key) {
                Some(value) if value.len() < 32 => bail!(
                    "{key} must be at least 32 bytes long (it has {})",
                    value.len()
                ),
                value => Ok(value),
            }
        };
        let jwt_secret = secret("JWT_SECRET")?;
        let secret_key = secret("SECRET_KEY")?;
        let otp_ttl = seconds("OTP_TTL_SECONDS", 300)?;
        let smtp_url = get("SMTP_URL");
        check_mail_and_links(
            &bind_addr,
            get("PUBLIC_URL").is_some(),
            &public_url,
            smtp_url.is_some(),
            flag("DEV_MAILER", get("DEV_MAILER"), false)?,
        )?;
        let cookie_secure = match get("COOKIE_SECURE").as_deref().map(str::trim) {
            None => true,
            Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => bail!("COOKIE_SECURE must be true or false, got {other:?}"),
        };
        let cookie_domain =
            match get("COOKIE_DOMAIN").map(|d| d.trim().trim_start_matches('.').to_owned()) {
                None => None,
                Some(domain) => {
                    let valid = !domain.is_empty()
                        && domain.split('.').all(|label| {
                            !label.is_empty()
                                && label.len() <= 63
                                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        });
                    anyhow::ensure!(
                        valid,
                        "COOKIE_DOMAIN must be a host name like example.com, got {domain:?}"
                    );
                    let host = parsed_public_url
                        .host_str()
                        .unwrap_or_default()
                        .to_ascii_lowercase();
                    let domain = domain.to_ascii_lowercase();
                    anyhow::ensure!(
                    host == domain || host.ends_with(&format!(".{domain}")),
                    "COOKIE_DOMAIN {domain:?} must be PUBLIC_URL's host {host:?} or a parent of it"
                );
                    Some(domain)
                }
            };
        let audit_retention_days = match get("AUDIT_RETENTION_DAYS") {
            None => 180,
            Some(v) => v.trim().parse::<u64>().with_context(|| {
                format!("AUDIT_RETENTION_DAYS must be a number of days, got {v:?}")
            })?,
        };
        if !(1..=100 * 365).contains(&audit_retention_days) {
            bail!("AUDIT_RETENTION_DAYS must be from 1 to 36500 days, got {audit_retention_days}");
        }
        let log_format = match get("LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("pretty") => LogFormat::Pretty,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("LOG_FORMAT must be pretty or json, got {other:?}"),
        };

        let webhook = webhook_settings(get("WEBHOOK_URL"), get("WEBHOOK_SECRET"))?;
        let metrics_token = get("METRICS_TOKEN");
        if let Some(token) = &metrics_token {
            anyhow::ensure!(
                token.len() >= 16,
                "METRICS_TOKEN must be at least 16 characters long (it has {})",
                token.len()
            );
        }
        // The database goes with the rest of the data unless it is named on its own.
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));

        let settings = Self {
            metrics_token: metrics_token.map(SecretString::from),
            webhook,
            database_url: get("DATABASE_URL")
                .unwrap_or_else(|| format!("sqlite://{}/portal.db", data_dir.display())),
            database_pool_size: match get("DATABASE_POOL_SIZE") {
                None => None,
                Some(v) => match v.trim().parse::<u32>() {
                    Ok(n @ 1..=1000) => Some(n),
                    _ => {
                        bail!("DATABASE_POOL_SIZE must be a whole number from 1 to 1000, got {v:?}")
                    }
                },
            },
            data_dir,
            smtp_url: smtp_url.map(SecretString::from),
            smtp_ca_file: get("SMTP_CA_FILE").map(PathBuf::from),
            mail_code_in_subject: flag("MAIL_CODE_IN_SUBJECT", get("MAIL_CODE_IN_SUBJECT"), true)?,
            mail_from: get("MAIL_FROM").unwrap_or_else(|| "OTP Portal <no-reply@localhost>".into()),
            jwt_secret: jwt_secret.map(SecretString::from),
            secret_key: secret_key.map(SecretString::from),
            otp_ttl,
            otp_resend_cooldown: seconds("OTP_RESEND_COOLDOWN_SECONDS", 60)?,
            public_url,
            totp_issuer,
            mfa_token_ttl: seconds("MFA_TOKEN_TTL_SECONDS", 300)?,
            password_hash_queue: match get("PASSWORD_HASH_QUEUE") {
                None => None,
                Some(v) => Some(
                    v.trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n <= 10_000)
                        .with_context(|| {
                            format!(
                                "PASSWORD_HASH_QUEUE must be a number from 0 to 10000, got {v:?}"
                            )
                        })?,
                ),
            },
            access_token_ttl: seconds("ACCESS_TOKEN_TTL_SECONDS", 15 * 60)?,
            session_ttl: seconds("SESSION_TTL_SECONDS", 30 * 24 * 3600)?,
            pending_account_ttl: seconds("PENDING_ACCOUNT_TTL_SECONDS", 24 * 3600)?,
            maintenance_interval: seconds("MAINTENANCE_INTERVAL_SECONDS", 600)?,
            mail_retry_base: seconds("MAIL_RETRY_BASE_SECONDS", 2)?,
            mail_retry_max: seconds("MAIL_RETRY_MAX_SECONDS", 300)?,
            mail_give_up_after: seconds("MAIL_GIVE_UP_AFTER_SECONDS", 24 * 3600)?,
            cookie_secure,
            cookie_domain,
            log_format,
            password_min_score: match get("PASSWORD_MIN_SCORE").map(|v| v.trim().parse::<u8>()) {
                None => 3,
                Some(Ok(n)) if n <= 4 => n,
                Some(_) => bail!("PASSWORD_MIN_SCORE must be a number from 0 to 4"),
            },
            audit_retention: Duration::from_secs(audit_retention_days * DAY),
            limits: LimitSettings {
                mail_per_ip: count("LIMIT_MAIL_PER_IP_PER_HOUR", 48)?,
                mail_per_address: count("LIMIT_MAIL_PER_ADDRESS_PER_HOUR", 6)?,
                mail_total: count("LIMIT_MAIL_PER_HOUR", 2000)?,
                mail_per_address_per_ip: count("LIMIT_MAIL_PER_ADDRESS_PER_IP_PER_HOUR", 3)?,
                captcha_mail_per_ip: count("CAPTCHA_AFTER_MAIL_PER_IP_PER_HOUR", 30)?,
                captcha_mail_per_address: count("CAPTCHA_AFTER_MAIL_PER_ADDRESS_PER_HOUR", 5)?,
                captcha_mail_total: count("CAPTCHA_AFTER_MAIL_PER_HOUR", 500)?,
                code_checks_per_ip: count("LIMIT_CODE_CHECKS_PER_IP_PER_HOUR", 300)?,
                logins_per_ip: count("LIMIT_LOGINS_PER_IP_PER_HOUR", 300)?,
                refresh_per_ip: count("RATE_LIMIT_REFRESH_PER_IP", 600)?,
                ipv6_prefix: match get("RATE_LIMIT_IPV6_PREFIX").map(|v| v.trim().parse::<u8>()) {
                    None => 64,
                    Some(Ok(n)) if (32..=128).contains(&n) => n,
                    Some(_) => {
                        bail!("RATE_LIMIT_IPV6_PREFIX must be a prefix length from 32 to 128")
                    }
                },
                login_lockout_threshold: count("LOGIN_LOCKOUT_THRESHOLD", 5)?,
                login_lockout_account_threshold: count("LOGIN_LOCKOUT_ACCOUNT_THRESHOLD", 20)?,
                login_lockout_base: seconds("LOGIN_LOCKOUT_BASE_SECONDS", 30)?,
                login_lockout_max: seconds("LOGIN_LOCKOUT_MAX_SECONDS", 900)?,
                captcha_difficulty: match get("CAPTCHA_DIFFICULTY") {
                    None => crate::captcha::DEFAULT_DIFFICULTY,
                    Some(v) => v.trim().parse::<u64>().with_context(|| {
                        format!("CAPTCHA_DIFFICULTY must be a whole number, got {v:?}")
                    })?,
                },
                captcha_ttl: seconds("CAPTCHA_TTL_SECONDS", 300)?,
            },
            trusted_proxies: get("TRUSTED_PROXIES")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<ipnet::IpNet>()
                        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .with_context(|| {
                            format!("TRUSTED_PROXIES: {s:?} is not an IP address or CIDR range")
                        })
                })
                .collect::<anyhow::Result<_>>()?,
            client_dir: get("CLIENT_DIR").map(PathBuf::from),
            request_timeout: seconds("REQUEST_TIMEOUT_SECONDS", 10)?,
            bind_addr,
        };
        settings.check_ranges()?;
        Ok(settings)
    }

    /// Every duration and count within what makes sense: no zero where zero would break something (a
    /// zero maintenance interval panics, a zero TTL makes dead codes and sessions), and nothing so large
    /// that adding it to a timestamp overflows.
    fn check_ranges(&self) -> anyhow::Result<()> {
        let limits = &self.limits;
        let durations = [
            ("OTP_TTL_SECONDS", self.otp_ttl, 1, DAY),
            ("MFA_TOKEN_TTL_SECONDS", self.mfa_token_ttl, 1, DAY),
            (
                "OTP_RESEND_COOLDOWN_SECONDS",
                self.otp_resend_cooldown,
                0,
                DAY,
            ),
            ("ACCESS_TOKEN_TTL_SECONDS", self.access_token_ttl, 1, DAY),
            ("SESSION_TTL_SECONDS", self.session_ttl, 1, 10 * YEAR),
            (
                "PENDING_ACCOUNT_TTL_SECONDS",
                self.pending_account_ttl,
                1,
                YEAR,
            ),
            (
                "MAINTENANCE_INTERVAL_SECONDS",
                self.maintenance_interval,
                1,
                DAY,
            ),
            ("MAIL_RETRY_BASE_SECONDS", self.mail_retry_base, 1, DAY),
            ("MAIL_RETRY_MAX_SECONDS", self.mail_retry_max, 1, DAY),
            (
                "MAIL_GIVE_UP_AFTER_SECONDS",
                self.mail_give_up_after,
                1,
                YEAR,
            ),
            (
                "LOGIN_LOCKOUT_BASE_SECONDS",
                limits.login_lockout_base,
                1,
                DAY,
            ),
            (
                "LOGIN_LOCKOUT_MAX_SECONDS",
                limits.login_lockout_max,
                1,
                DAY,
            ),
            ("CAPTCHA_TTL_SECONDS", limits.captcha_ttl, 1, DAY),
            (
                "REQUEST_TIMEOUT_SECONDS",
                self.request_timeout,
                1,
                5 * MINUTE,
            ),
        ];
        for (key, value, min, max) in durations {
            let value = value.as_secs();
            if !(min..=max).contains(&value) {
                bail!("{key} must be from {min} to {max} seconds, got {value}");
            }
        }
        if self.mail_retry_max < self.mail_retry_base {
            bail!("MAIL_RETRY_MAX_SECONDS must not be below MAIL_RETRY_BASE_SECONDS");
        }
        if limits.login_lockout_max < limits.login_lockout_base {
            bail!("LOGIN_LOCKOUT_MAX_SECONDS must not be below LOGIN_LOCKOUT_BASE_SECONDS");
        }
        if !(1..=MAX_CAPTCHA_DIFFICULTY).contains(&limits.captcha_difficulty) {
            bail!(
                "CAPTCHA_DIFFICULTY must be from 1 to {MAX_CAPTCHA_DIFFICULTY}, got {}",
                limits.captcha_difficulty
            );
        }
        Ok(())
    }
}

/// `true`/`1` or `false`/`0`.
fn flag(key: &str, value: Option<String>, default: bool) -> anyhow::Result<bool> {
    match value.as_deref().map(str::trim) {
        None => Ok(default),
        Some("true" | "1") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(other) => bail!("{key} must be 1 or 0 (true or false), got {other:?}"),
    }
}

/// Refuses the set-ups that would send people broken links or put codes where they do not belong.
fn check_mail_and_links(
    bind_addr: &str,
    public_url_set: bool,
    public_url: &str,
    smtp_url_set: bool,
    dev_mailer: bool,
) -> anyhow::Result<()> {
    let unspecified = bind_addr
        .parse::<std::net::SocketAddr>()
        .is_ok_and(|addr| addr.ip().is_unspecified());
    if unspecified && !public_url_set {
        bail!(
            "BIND_ADDR {bind_addr} listens on every interface, so it cannot be the address in links \
             in mails: set PUBLIC_URL to the address people open, e.g. https://id.example.com"
        );
    }
    if dev_mailer && smtp_url_set {
        bail!("DEV_MAILER=1 and SMTP_URL are both set: unset one of them");
    }
    let https = url::Url::parse(public_url).is_ok_and(|url| url.scheme() == "https");
    if https && !smtp_url_set && !dev_mailer {
        bail!(
            "PUBLIC_URL is {public_url} but SMTP_URL is not set, so mail would go to the development \
             mailer, which writes every code to the log and to files: set SMTP_URL, or DEV_MAILER=1 \
             if the development mailer is really meant"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    /// Every variable this module reads, found in its source (outside the tests): a string literal that
    /// is nothing but an upper-case name.
    fn variables_read() -> Vec<String> {
        let source = include_str!("settings.rs");
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        let mut names: Vec<String> = code
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                s.len() > 3
                    && s.contains('_')
                    && s.chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
            .map(str::to_owned)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    #[test]
    fn every_variable_is_in_the_env_example_and_the_readme() {
        let example = include_str!("../../.env.example");
        let readme = include_str!("../../README.md");
        let names = variables_read();
        assert!(names.len() > 40, "the scan found too few: {names:?}");
        for name in names {
            assert!(
                example.contains(&format!("{name}=")),
                "{name} is missing from .env.example"
            );
            assert!(
                readme.contains(&format!("`{name}`")),
                "{name} is missing from the README"
            );
        }
    }

    #[test]
    fn data_dir_takes_the_database_along_unless_it_is_named() {
        let moved = from(&[("DATA_DIR", "/srv/portal")]).unwrap();
        assert_eq!(moved.database_url, "sqlite:///srv/portal/portal.db");
        let named = from(&[
            ("DATA_DIR", "/srv/portal"),
            ("DATABASE_URL", "sqlite://x.db"),
        ])
        .unwrap();
        assert_eq!(named.database_url, "sqlite://x.db");
    }

    #[test]
    fn no_configuration_gives_the_embedded_defaults() {
        let s = from(&[]).unwrap();
        assert_eq!(s.bind_addr, "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://data/portal.db");
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        assert_eq!(s.otp_ttl, Duration::from_secs(300));
        assert_eq!(s.otp_resend_cooldown, Duration::from_secs(60));
        assert_eq!(s.mail_from, "OTP Portal <no-reply@localhost>");
        assert!(s.smtp_url.is_none() && s.jwt_secret.is_none());
        // Strict enough that one IP gets a handful of mails to an address and a few dozen in all.
        let l = &s.limits;
        assert_eq!((l.mail_per_address, l.mail_per_ip), (6, 48));
        assert!(
            l.captcha_mail_per_address < l.mail_per_address
                && l.captcha_mail_per_ip < l.mail_per_ip
        );
        assert_eq!(l.login_lockout_threshold, 5);
        assert_eq!(l.captcha_difficulty, crate::captcha::DEFAULT_DIFFICULTY);
    }

    #[test]
    fn public_url_follows_bind_addr_unless_set() {
        let s = from(&[("BIND_ADDR", "192.0.2.7:9000")]).unwrap();
        assert_eq!(s.public_url, "http://192.0.2.7:9000");
        let s = from(&[
            ("PUBLIC_URL", "https://id.example.com/"),
            ("SMTP_URL", "smtp://relay:25?tls=none"),
        ])
        .unwrap();
        assert_eq!(s.public_url, "https://id.example.com");
    }

    #[test]
    fn an_unspecified_bind_addr_needs_a_public_url() {
        for any in ["0.0.0.0:9000", "[::]:9000"] {
            let err = from(&[("BIND_ADDR", any)]).unwrap_err().to_string();
            assert!(
                err.contains("PUBLIC_URL") && err.contains(any),
                "{any}: {err}"
            );
            let s = from(&[("BIND_ADDR", any), ("PUBLIC_URL", "http://portal.lan:9000")]).unwrap();
            assert_eq!(s.public_url, "http://portal.lan:9000");
        }
        assert!(from(&[("BIND_ADDR", "localhost:9000")]).is_ok());
    }

    #[test]
    fn an_https_portal_without_smtp_needs_dev_mailer_said_out_loud() {
        let https = ("PUBLIC_URL", "https://id.example.com");
        let err = from(&[https]).unwrap_err().to_string();
        assert!(
            err.contains("SMTP_URL") && err.contains("DEV_MAILER=1"),
            "{err}"
        );
        let err = from(&[("PUBLIC_URL", "HTTPS://id.example.com")]).unwrap_err();
        assert!(err.to_string().contains("SMTP_URL"), "{err}");
        assert!(from(&[https, ("DEV_MAILER", "1")])
            .unwrap()
            .smtp_url
            .is_none());
        assert!(from(&[https, ("DEV_MAILER", "0")]).is_err());
        assert!(from(&[https, ("SMTP_URL", "smtps://u:p@mail.example.com")]).is_ok());
        // Plain http is a development set-up: the development mailer is the default there.
        assert!(from(&[("PUBLIC_URL", "http://localhost:8080")]).is_ok());
        assert!(from(&[("DEV_MAILER", "yes")]).is_err());
    }

    #[test]
    fn dev_mailer_and_smtp_url_together_are_refused() {
        let err = from(&[
            ("DEV_MAILER", "1"),
            ("SMTP_URL", "smtp://relay:25?tls=none"),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("DEV_MAILER") && err.contains("SMTP_URL"),
            "{err}"
        );
    }

    /// Each duration variable with its lowest and highest accepted number of seconds.
    const DURATIONS: [(&str, u64, u64); 14] = [
        ("OTP_TTL_SECONDS", 1, DAY),
        ("MFA_TOKEN_TTL_SECONDS", 1, DAY),
        ("OTP_RESEND_COOLDOWN_SECONDS", 0, DAY),
        ("ACCESS_TOKEN_TTL_SECONDS", 1, DAY),
        ("SESSION_TTL_SECONDS", 1, 10 * YEAR),
        ("PENDING_ACCOUNT_TTL_SECONDS", 1, YEAR),
        ("MAINTENANCE_INTERVAL_SECONDS", 1, DAY),
        ("MAIL_RETRY_BASE_SECONDS", 1, DAY),
        ("MAIL_RETRY_MAX_SECONDS", 1, DAY),
        ("MAIL_GIVE_UP_AFTER_SECONDS", 1, YEAR),
        ("LOGIN_LOCKOUT_BASE_SECONDS", 1, DAY),
        ("LOGIN_LOCKOUT_MAX_SECONDS", 1, DAY),
        ("CAPTCHA_TTL_SECONDS", 1, DAY),
        ("REQUEST_TIMEOUT_SECONDS", 1, 5 * MINUTE),
    ];

    #[test]
    fn huge_durations_are_refused_rather_than_overflowing_a_timestamp() {
        for (key, _, max) in DURATIONS {
            for huge in [max + 1, u64::MAX] {
                let err = from(&[(key, &huge.to_string())]).unwrap_err().to_string();
                assert!(err.contains(key), "{key}={huge}: {err}");
            }
        }
        // At their highest all together, every one of them can be added to a timestamp.
        let highest: Vec<(&str, String)> = DURATIONS
            .iter()
            .map(|(key, _, max)| (*key, max.to_string()))
            .chain([("AUDIT_RETENTION_DAYS", "36500".to_owned())])
            .collect();
        let pairs: Vec<(&str, &str)> = highest.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let s = from(&pairs).unwrap();
        let now = chrono::Utc::now().naive_utc();
        for ttl in [
            s.otp_ttl,
            s.otp_resend_cooldown,
            s.access_token_ttl,
            s.session_ttl,
            s.pending_account_ttl,
            s.mail_give_up_after,
            s.audit_retention,
            s.limits.login_lockout_max,
            s.limits.captcha_ttl,
        ] {
            let delta = chrono::TimeDelta::from_std(ttl).unwrap();
            assert!(now.checked_add_signed(delta).is_some());
            assert!(now.checked_sub_signed(delta).is_some());
        }
    }

    #[test]
    fn zero_is_refused_where_it_makes_no_sense() {
        for (key, min, _) in DURATIONS {
            let zero = from(&[(key, "0")]);
            if min == 0 {
                assert!(zero.is_ok(), "{key}=0 is allowed");
            } else {
                let err = zero.unwrap_err().to_string();
                assert!(err.contains(key), "{key}=0: {err}");
            }
        }
        for days in ["0", "36501", &u64::MAX.to_string()] {
            let err = from(&[("AUDIT_RETENTION_DAYS", days)]).unwrap_err();
            assert!(
                err.to_string().contains("AUDIT_RETENTION_DAYS"),
                "{days}: {err}"
            );
        }
        for difficulty in ["0", "50000001"] {
            let err = from(&[("CAPTCHA_DIFFICULTY", difficulty)]).unwrap_err();
            assert!(
                err.to_string().contains("CAPTCHA_DIFFICULTY"),
                "{difficulty}: {err}"
            );
        }
        assert_eq!(
            from(&[("CAPTCHA_DIFFICULTY", "1")])
                .unwrap()
                .limits
                .captcha_difficulty,
            1
        );
        // Zero turns an hourly limit off: that stays allowed.
        assert_eq!(
            from(&[("LIMIT_MAIL_PER_HOUR", "0")])
                .unwrap()
                .limits
                .mail_total,
            0
        );
    }

    #[test]
    fn a_maximum_below_its_base_is_refused() {
        let err = from(&[("MAIL_RETRY_BASE_SECONDS", "600")]).unwrap_err();
        assert!(err.to_string().contains("MAIL_RETRY_MAX_SECONDS"), "{err}");
        let err = from(&[("LOGIN_LOCKOUT_BASE_SECONDS", "1000")]).unwrap_err();
        assert!(
            err.to_string().contains("LOGIN_LOCKOUT_MAX_SECONDS"),
            "{err}"
        );
    }

    #[test]
    fn requests_have_ten_seconds_unless_configured() {
        assert_eq!(from(&[]).unwrap().request_timeout, Duration::from_secs(10));
        let s = from(&[("REQUEST_TIMEOUT_SECONDS", "30")]).unwrap();
        assert_eq!(s.request_timeout, Duration::from_secs(30));
    }

    #[test]
    fn the_cookie_domain_must_be_the_public_host_or_a_parent_of_it() {
        let public = ("PUBLIC_URL", "https://portal.example.com");
        for ok in [
            "example.com",
            ".example.com",
            "portal.example.com",
            "EXAMPLE.com",
        ] {
            let s = from(&[public, ("COOKIE_DOMAIN", ok), ("DEV_MAILER", "1")]).unwrap();
            assert!(s.cookie_domain.is_some(), "{ok}");
        }
        for bad in [
            "evil.com",
            "ample.com",
            "example.com/",
            "http://example.com",
            "a..b",
        ] {
            let err = from(&[public, ("COOKIE_DOMAIN", bad), ("DEV_MAILER", "1")]).unwrap_err();
            assert!(err.to_string().contains("COOKIE_DOMAIN"), "{bad}: {err}");
        }
    }

    #[test]
    fn webhooks_need_both_variables_and_a_standard_key() {
        let url = ("WEBHOOK_URL", "https://app.example.com/hooks");
        let key = ("WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assert!(from(&[url, key]).unwrap().webhook.is_some());
        assert!(from(&[]).unwrap().webhook.is_none());
        for vars in [
            vec![url],
            vec![key],
            vec![url, ("WEBHOOK_SECRET", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")],
            vec![url, ("WEBHOOK_SECRET", "whsec_c2hvcnQ=")],
            vec![("WEBHOOK_URL", "ftp://example.com"), key],
        ] {
            let err = from(&vars).unwrap_err();
            assert!(err.to_string().contains("WEBHOOK"), "{vars:?}: {err}");
        }
    }

    #[test]
    fn a_short_jwt_secret_is_refused() {
        let err = from(&[("JWT_SECRET", "too-short")]).unwrap_err();
        assert!(err.to_string().contains("at least 32 bytes"), "{err}");
        assert!(from(&[("JWT_SECRET", &"k".repeat(32))]).is_ok());
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges() {
        let s = from(&[("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1,::1")]).unwrap();
        assert_eq!(s.trusted_proxies.len(), 3);
        assert!(s.trusted_proxies[0].contains(&"10.1.2.3".parse::<std::net::IpAddr>().unwrap()));
        assert!(from(&[("TRUSTED_PROXIES", "10.0.0.0/8,nonsense")]).is_err());
        assert!(from(&[]).unwrap().trusted_proxies.is_empty());
    }

    #[test]
    fn the_ipv6_prefix_of_the_ip_limits_is_range_checked() {
        assert_eq!(from(&[]).unwrap().limits.ipv6_prefix, 64);
        assert_eq!(
            from(&[("RATE_LIMIT_IPV6_PREFIX", "48")])
                .unwrap()
                .limits
                .ipv6_prefix,
            48
        );
        assert_eq!(
            from(&[("RATE_LIMIT_IPV6_PREFIX", "128")])
                .unwrap()
                .limits
                .ipv6_prefix,
            128
        );
        for bad in ["31", "129", "0", "/64", "sixty-four"] {
            let err = from(&[("RATE_LIMIT_IPV6_PREFIX", bad)]).unwrap_err();
            assert!(
                err.to_string().contains("RATE_LIMIT_IPV6_PREFIX"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn refreshes_are_limited_per_ip_unless_turned_off() {
        assert_eq!(from(&[]).unwrap().limits.refresh_per_ip, 600);
        let off = from(&[("RATE_LIMIT_REFRESH_PER_IP", "0")]).unwrap();
        assert_eq!(off.limits.refresh_per_ip, 0);
        assert!(from(&[("RATE_LIMIT_REFRESH_PER_IP", "many")]).is_err());
    }

    #[test]
    fn durations_must_be_numbers() {
        let err = from(&[("OTP_TTL_SECONDS", "5m")]).unwrap_err();
        assert!(err.to_string().contains("OTP_TTL_SECONDS"), "{err}");
        assert!(from(&[("OTP_TTL_SECONDS", "0")]).is_err());
    }
}
