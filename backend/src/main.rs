//! `otp-portal [serve]`: reads the settings, starts logging and runs the application.

use std::process::ExitCode;

use otp_portal::settings::Settings;
use otp_portal::startup::Application;
use otp_portal::telemetry;

const USAGE: &str = "usage: otp-portal [serve]\n\n\
Starts the OTP Portal server. Configuration comes from the environment and a .env file;\n\
see the README for the variables (BIND_ADDR, DATABASE_URL, SMTP_URL, ...).";

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
