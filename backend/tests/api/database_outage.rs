//! A database that cannot take writes for a while answers 503 with Retry-After, changes nothing, and
//! the same request succeeds once the database is back.

use diesel::connection::SimpleConnection;
use otp_portal::store::{Conn, WRITE_LOCK};
use serde_json::json;

use crate::helpers::{expect_problem, retry_after, spawn_app, PASSWORD, VERIFY_EMAIL};

#[tokio::test]
async fn a_locked_database_is_a_retryable_503_and_nothing_is_half_done() {
    let app = spawn_app().await;
    let pool = otp_portal::store::connect(&app.database_url).unwrap();
    let mut blocker = pool.get().unwrap();
    // Another process holding the write lock past the server's busy (or lock) timeout.
    let (hold, release) = match &*blocker {
        Conn::Sqlite(_) => ("BEGIN EXCLUSIVE;".to_owned(), "ROLLBACK;".to_owned()),
        Conn::Postgres(_) => (
            format!("SELECT pg_advisory_lock({WRITE_LOCK});"),
            format!("SELECT pg_advisory_unlock({WRITE_LOCK});"),
        ),
    };
    blocker.batch_execute(&hold).unwrap();

    let body = json!({"username": "patient", "email": "patient@example.com", "password": PASSWORD});
    let refused = app.post_register(&body).await;
    let (_, headers) = expect_problem(refused, 503, "service_unavailable").await;
    assert!(retry_after(&headers) > 0);
    // Reads still work (WAL mode on SQLite), so the server reports itself up.
    assert_eq!(app.health().await.status(), 200);

    blocker.batch_execute(&release).unwrap();
    let accepted = app.post_register(&body).await;
    assert_eq!(accepted.status(), 202, "{}", accepted.text().await.unwrap());
    let code = app
        .smtp
        .wait_for_mail("patient@example.com", VERIFY_EMAIL)
        .await
        .code();
    app.verify("patient@example.com", &code).await;
    assert_eq!(
        app.smtp.mail_count("patient@example.com"),
        1,
        "the refused attempt queued no mail"
    );
}
