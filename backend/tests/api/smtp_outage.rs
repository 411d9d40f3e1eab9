//! Mail goes through an outbox: a request answers while the SMTP server is down, and the mail is delivered
//! once it is back.

use std::time::Duration;

use crate::helpers::{free_port, spawn_app_with_sink, SmtpSink, PASSWORD, VERIFY_EMAIL};

#[tokio::test]
async fn a_code_queued_while_smtp_is_down_is_delivered_when_it_comes_back() {
    let port = free_port();
    // A sink that is never mailed; the application is pointed at the dead port instead.
    let unused = SmtpSink::start().await;
    let app = spawn_app_with_sink(unused, |vars| {
        vars.insert(
            "SMTP_URL".into(),
            format!("smtp://127.0.0.1:{port}?tls=none"),
        );
        vars.insert("MAIL_RETRY_BASE_SECONDS".into(), "1".into());
    })
    .await;

    // Nothing listens on the port, yet the request is answered.
    app.register("alice", "alice@example.com", PASSWORD).await;

    let sink = SmtpSink::start_on(port).await;
    let mail = sink
        .wait_for_nth_mail_within(
            "alice@example.com",
            VERIFY_EMAIL,
            1,
            Duration::from_secs(30),
        )
        .await;
    let tokens = app.verify("alice@example.com", &mail.code()).await;
    assert_eq!(tokens.user.username, "alice");
    assert_eq!(app.smtp.messages().len(), 0);
}
