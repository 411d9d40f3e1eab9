//! What the portal keeps on disk is for the server's user alone: its folders are made 0700, the database
//! (with its WAL files), the generated key and development mail 0600; and a development mail, which holds
//! a code in the clear, is deleted once that code has expired.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{poll_until, spawn_app_with, TestApp, PASSWORD};

/// Starts the application with the development mailer and a generated key, its data in `dir`.
async fn spawn_with_development_mailer(dir: &Path, otp_ttl: &str) -> TestApp {
    let data = dir.display().to_string();
    let otp_ttl = otp_ttl.to_owned();
    spawn_app_with(|vars| {
        vars.remove("SMTP_URL");
        vars.remove("JWT_SECRET");
        vars.insert("DATA_DIR".into(), data.clone());
        vars.insert(
            "DATABASE_URL".into(),
            format!("sqlite://{data}/db/portal.db"),
        );
        vars.insert("OTP_TTL_SECONDS".into(), otp_ttl);
        vars.insert("MAINTENANCE_INTERVAL_SECONDS".into(), "1".into());
    })
    .await
}

fn mail_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("mail"))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                .collect()
        })
        .unwrap_or_default()
}

async fn register(app: &TestApp, email: &str) {
    let response = app
        .post_register(&json!({"username": "alice", "email": email, "password": PASSWORD}))
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_and_everything_in_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| {
        std::fs::metadata(path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .permissions()
            .mode()
            & 0o777
    };

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let app = spawn_with_development_mailer(&dir, "300").await;
    register(&app, "alice@example.com").await;
    let mail = poll_until(Duration::from_secs(20), || async {
        mail_files(&dir).into_iter().next()
    })
    .await
    .expect("the development mailer wrote the mail");

    for folder in [dir.clone(), dir.join("db"), dir.join("mail")] {
        assert_eq!(mode(&folder), 0o700, "{}", folder.display());
    }
    let db = dir.join("db/portal.db");
    for file in [
        db.clone(),
        PathBuf::from(format!("{}-wal", db.display())),
        PathBuf::from(format!("{}-shm", db.display())),
        dir.join("secret.key"),
        mail,
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[tokio::test]
async fn a_development_mail_is_deleted_once_its_code_has_expired() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let app = spawn_with_development_mailer(&dir, "2").await;
    register(&app, "alice@example.com").await;
    let written = poll_until(Duration::from_secs(20), || async {
        mail_files(&dir).into_iter().next()
    })
    .await
    .expect("the development mailer wrote the mail");

    let deleted = poll_until(Duration::from_secs(20), || async {
        (!written.exists()).then_some(())
    })
    .await;
    assert!(deleted.is_some(), "{} outlived its code", written.display());
}
