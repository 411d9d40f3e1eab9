//! Registrations that are never verified are purged at the time fixed when they were made.

use std::time::Duration;

use diesel::prelude::*;
use otp_portal::store::schema::{email_codes, registrations};
use serde_json::json;

use crate::helpers::{expect_problem, poll_until, spawn_app_with, PASSWORD};

/// Registrations and verification codes left in the database.
fn rows_left(app: &crate::helpers::TestApp) -> (i64, i64) {
    let pool = otp_portal::store::connect(&app.database_url).unwrap();
    let mut conn = pool.get().unwrap();
    let registrations = registrations::table.count().get_result(&mut conn).unwrap();
    let codes = email_codes::table
        .filter(email_codes::purpose.eq("verify_email"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    (registrations, codes)
}

#[tokio::test]
async fn an_unverified_registration_is_purged_with_its_code() {
    let app = spawn_app_with(|vars| {
        vars.insert("PENDING_ACCOUNT_TTL_SECONDS".into(), "1".into());
        vars.insert("MAINTENANCE_INTERVAL_SECONDS".into(), "1".into());
    })
    .await;
    let code = app
        .register_for_code("alice", "first@example.com", PASSWORD)
        .await;
    let pending = json!({"login": "alice", "password": PASSWORD});
    expect_problem(app.login(&pending).await, 403, "email_not_verified").await;

    let purged = poll_until(Duration::from_secs(20), || async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        (rows_left(&app) == (0, 0)).then_some(())
    })
    .await;

    assert!(purged.is_some(), "the registration was never purged");
    expect_problem(app.login(&pending).await, 401, "invalid_credentials").await;
    let late = app
        .verify_email(&json!({"email": "first@example.com", "code": code}))
        .await;
    expect_problem(late, 410, "code_expired").await;
}
