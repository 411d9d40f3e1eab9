//! `otp-portal [serve]`: reads the settings, starts logging and runs the application.

use std::process::ExitCode;

use otp_portal::settings::Settings;
use otp_portal::startup::Application;
use otp_portal::telemetry;
use shared::captcha::{self, Challenge};

const USAGE: &str =
    "usage: otp-portal [serve]\n       otp-portal solve-captcha < challenge.json\n\n\
serve          starts the OTP Portal server. Configuration comes from the environment and a .env\n\
               file; see the README for the variables (BIND_ADDR, DATABASE_URL, SMTP_URL, ...).\n\
solve-captcha  reads a puzzle from GET /api/captcha on standard input and prints the value of\n\
               the X-Captcha header that solves it.";

/// A puzzle asking for more work than this is refused rather than solved: it did not come from us.
const MAX_CAPTCHA_WORK: u64 = 50_000_000;

#[actix_web::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => {}
        ["solve-captcha"] => return solve_captcha(),
        ["-h" | "--help" | "help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        ["-V" | "--version"] => {
            println!("otp-portal {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "otp-portal stopped");
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
    app.run_until_stopped().await
}
