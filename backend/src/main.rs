//! `otp-portal`: the server (`serve`, the default) and the operator's commands.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use otp_portal::auth::cache::AuthCache;
use otp_portal::auth::{keyring, keys};
use otp_portal::services::{admin, now};
use otp_portal::settings::Settings;
use otp_portal::startup::Application;
use otp_portal::store::{self, users};
use otp_portal::{private_files, telemetry};
use shared::captcha::{self, Challenge};

/// A puzzle asking for more work than this is refused rather than solved: it did not come from us.
const MAX_CAPTCHA_WORK: u64 = 50_000_000;

/// How long a command waits to hear the other instances before it changes what they cache.
const LISTEN_WAIT: Duration = Duration::from_secs(5);

/// OTP Portal: registration with e-mailed one-time codes, sign-in, second factor and administration.
///
/// Configuration comes from the environment and a `.env` file in the working directory (BIND_ADDR,
/// DATABASE_URL, SMTP_URL, ...; see the README). Every command uses the same configuration.
#[derive(Parser)]
#[command(name = "otp-portal", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default): applies pending migrations, serves the API and the browser client.
    Serve,
    /// Make the verified account LOGIN an admin. It must also turn on a second factor before it can use
    /// the admin pages.
    Promote {
        /// Username or e-mail address of the account (any case).
        login: String,
    },
    /// Make the account LOGIN an ordinary user again; its next admin call is refused.
    Demote {
        /// Username or e-mail address of the account (any case).
        login: String,
    },
    /// Manage the keys that sign access tokens (when JWT_SECRET is not set).
    Keys {
        #[command(subcommand)]
        action: KeysCommand,
    },
    /// Read a puzzle from GET /api/captcha on standard input and print the value of the X-Captcha
    /// header that solves it (for scripts and curl).
    SolveCaptcha,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a new signing key. Every instance signs with it within a minute; the keys it replaces stay
    /// published at /.well-known/jwks.json until every token they signed has expired, so no session
    /// notices.
    Rotate,
}

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; a usage error to stderr with 2.
            let _ = e.print();
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => match serve().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                tracing::error!(error = ?e, "otp-portal stopped");
                eprintln!("otp-portal: {e:#}");
                ExitCode::FAILURE
            }
        },
        Command::Promote { login } => set_role(&login, users::ROLE_ADMIN).await,
        Command::Demote { login } => set_role(&login, users::ROLE_USER).await,
        Command::Keys {
            action: KeysCommand::Rotate,
        } => rotate_keys(),
        Command::SolveCaptcha => solve_captcha(),
    }
}

async fn set_role(login: &str, role: &str) -> ExitCode {
    let result = async {
        let settings = Settings::from_env()?;
        private_files::create_dir_all(&settings.data_dir)?;
        let heard = hear_instances(&settings.database_url).await?;
        let mut conn = store::connect_one(&settings.database_url)?;
        let changed = admin::set_role(&mut conn, login, role, now())?;
        // Returns once every running instance has applied the change, so that what the operator does
        // next (or a script, or a test) already meets the new role everywhere.
        if let Some(cache) = heard {
            cache.apply_own(store::changes::take_committed());
        }
        anyhow::Ok(changed)
    }
    .await;
    match result {
        Ok(Some(true)) => {
            eprintln!("otp-portal: {login} is now {role}");
            ExitCode::SUCCESS
        }
        Ok(Some(false)) => {
            eprintln!("otp-portal: {login} already was {role}");
            ExitCode::SUCCESS
        }
        Ok(None) => {
            eprintln!(
                "otp-portal: no verified account has the username or address {login:?} \
                 (a registration must be verified first)"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("otp-portal: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// On PostgreSQL, a listener like a server's, so that a change made here can wait for the running
/// instances' acknowledgements as a server's own change does (on SQLite they read the change from the
/// file before their next use of it: nothing to wait for).
async fn hear_instances(database_url: &str) -> anyhow::Result<Option<Arc<AuthCache>>> {
    if store::backend_of(database_url)? != store::Kind::Postgres {
        return Ok(None);
    }
    let cache = Arc::new(AuthCache::shared());
    store::listen::spawn(database_url.to_owned(), &cache)?;
    if !cache.wait_until_on(LISTEN_WAIT).await {
        eprintln!(
            "otp-portal: not listening on PostgreSQL: the running instances apply the change when \
             they hear it, which this command cannot wait for"
        );
    }
    Ok(Some(cache))
}

fn rotate_keys() -> ExitCode {
    let result = (|| -> anyhow::Result<String> {
        let settings = Settings::from_env()?;
        anyhow::ensure!(
            settings.jwt_secret.is_none(),
            "JWT_SECRET is set: access tokens are HS256 with that secret, and rotating means changing it"
        );
        private_files::create_dir_all(&settings.data_dir)?;
        let seal_key = keys::signing_seal_key(&settings)?;
        let mut conn = store::connect_one(&settings.database_url)?;
        keyring::rotate(&mut conn, &seal_key, now())
    })();
    match result {
        Ok(kid) => {
            eprintln!("otp-portal: the new signing key is {kid}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("otp-portal: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn solve_captcha() -> ExitCode {
    let challenge: Challenge = match serde_json::from_reader(std::io::stdin().lock()) {
        Ok(challenge) => challenge,
        Err(e) => {
            eprintln!(
                "otp-portal solve-captcha: standard input is not a puzzle from /api/captcha: {e}"
            );
            return ExitCode::from(2);
        }
    };
    if challenge.maxnumber > MAX_CAPTCHA_WORK {
        eprintln!(
            "otp-portal solve-captcha: refusing a puzzle of {} tries",
            challenge.maxnumber
        );
        return ExitCode::from(2);
    }
    match captcha::solve(&challenge) {
        Some(solution) => {
            println!("{}", solution.to_header_value());
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("otp-portal solve-captcha: the puzzle has no solution");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    telemetry::init(settings.log_format);
    let public_url = settings.public_url.clone();
    let app = Application::build(settings).await?;
    tracing::info!(
        port = app.port(),
        "OTP Portal is listening: open {public_url}"
    );
    app.run_until_signalled().await
}
