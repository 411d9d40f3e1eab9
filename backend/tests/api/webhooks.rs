//! Signed webhooks through the real server: a receiver in the test checks every delivery with the
//! Standard Webhooks reference library (not the server's code), fails on purpose, and is slow on purpose.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::admin_helpers::make_admin;
use crate::helpers::{
    expect_json, poll_until, spawn_app_with, TestApp, MAIL_DEADLINE, PASSWORD, VERIFY_EMAIL,
};

/// The key the test configures, as an operator would write it.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// One request the receiver got, with whether its signature checked out.
#[derive(Clone, Debug)]
struct Delivery {
    id: String,
    verified: bool,
    body: Value,
}

/// How the receiver answers.
#[derive(Clone, Copy)]
enum Behaviour {
    /// `500` to the first `n` requests, then `200`.
    FailFirst(usize),
    /// Sleeps this long before answering `200`.
    Slow(Duration),
}

#[derive(Clone)]
struct Receiver {
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    /// Set once the slow receiver has answered a request.
    answered: Arc<AtomicBool>,
    url: String,
}

impl Receiver {
    async fn start(behaviour: Behaviour) -> Self {
        let deliveries = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(AtomicUsize::new(0));
        let answered = Arc::new(AtomicBool::new(false));
        let state = web::Data::new((deliveries.clone(), seen, answered.clone(), behaviour));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        Self {
            deliveries,
            answered,
            url: format!("http://127.0.0.1:{port}/hook"),
        }
    }

    fn deliveries(&self) -> Vec<Delivery> {
        self.deliveries.lock().unwrap().clone()
    }

    /// Waits for `n` deliveries.
    async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        poll_until(MAIL_DEADLINE, || async {
            let got = self.deliveries();
            (got.len() >= n).then_some(got)
        })
        .await
        .unwrap_or_else(|| panic!("{n} deliveries did not arrive: {:?}", self.deliveries()))
    }

    /// Waits for an event of `kind`, returning its payload.
    async fn wait_for_event(&self, kind: &str) -> Value {
        poll_until(MAIL_DEADLINE, || async {
            self.deliveries()
                .into_iter()
                .find(|d| d.body["type"] == kind)
                .map(|d| d.body)
        })
        .await
        .unwrap_or_else(|| panic!("no {kind} event arrived: {:?}", self.deliveries()))
    }
}

type State = (
    Arc<Mutex<Vec<Delivery>>>,
    Arc<AtomicUsize>,
    Arc<AtomicBool>,
    Behaviour,
);

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let (deliveries, seen, answered, behaviour) = state.get_ref();
    let mut headers = http::HeaderMap::new();
    for (name, value) in req.headers() {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.insert(name, value);
        }
    }
    let verified = standardwebhooks::Webhook::new(SECRET)
        .unwrap()
        .verify(&body, &headers)
        .is_ok();
    let id = req
        .headers()
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let n = seen.fetch_add(1, Ordering::SeqCst);
    deliveries
        .lock()
        .unwrap()
        .push(Delivery { id, verified, body });
    match *behaviour {
        Behaviour::FailFirst(failures) if n < failures => {
            HttpResponse::InternalServerError().body("not now")
        }
        Behaviour::FailFirst(_) => HttpResponse::Ok().finish(),
        Behaviour::Slow(delay) => {
            tokio::time::sleep(delay).await;
            answered.store(true, Ordering::SeqCst);
            HttpResponse::Ok().finish()
        }
    }
}

async fn app_with_receiver(receiver: &Receiver) -> TestApp {
    let url = receiver.url.clone();
    spawn_app_with(move |vars| {
        vars.insert("WEBHOOK_URL".into(), url);
        vars.insert("WEBHOOK_SECRET".into(), SECRET.into());
    })
    .await
}

/// The outbox row of a webhook, as the admin's log shows it.
async fn outbox_entry(app: &TestApp, admin_token: &str, id: &str) -> Value {
    let log: Value = app
        .client
        .get(app.url("/api/admin/mail?channel=webhook&per_page=100"))
        .bearer_auth(admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} is not in the log: {log}"))
}

#[tokio::test]
async fn an_event_is_retried_with_the_same_id_until_accepted_and_never_after() {
    let receiver = Receiver::start(Behaviour::FailFirst(2)).await;
    let app = app_with_receiver(&receiver).await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;

    let deliveries = receiver.wait_for(3).await;
    assert!(
        deliveries.iter().all(|d| d.verified),
        "a signature did not verify: {deliveries:?}"
    );
    let id = &deliveries[0].id;
    assert!(id.starts_with("msg_"), "{id}");
    assert!(
        deliveries.iter().all(|d| &d.id == id),
        "retries changed the id: {deliveries:?}"
    );
    let event = &deliveries[0].body;
    assert_eq!(event["type"], "user.verified");
    assert_eq!(event["data"]["user_id"], session.user.id.to_string());
    assert_eq!(event["data"]["username"], "alice");
    assert_eq!(event["data"]["email"], "alice@example.com");

    // Accepted at the third attempt: the row says so, and nothing more arrives.
    let admin = make_admin(&app, "boss").await;
    let entry = poll_until(MAIL_DEADLINE, || async {
        let entry = outbox_entry(&app, &admin.token, id).await;
        (entry["status"] == "sent").then_some(entry)
    })
    .await
    .expect("the webhook is marked delivered");
    assert_eq!(entry["attempts"], 3, "{entry}");
    assert_eq!(entry["channel"], "webhook");
    assert_eq!(entry["recipient"], receiver.url);
    // The retry schedule (1 s, then 2 s in this configuration) would have sent a fourth by now.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let again = receiver.deliveries().iter().filter(|d| &d.id == id).count();
    assert_eq!(again, 3, "delivered again after a 2xx");
}

#[tokio::test]
async fn sign_in_password_changes_disabling_and_deletion_are_announced() {
    let receiver = Receiver::start(Behaviour::FailFirst(0)).await;
    let app = app_with_receiver(&receiver).await;
    let admin = make_admin(&app, "boss").await;
    let alice = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let id = alice.user.id.to_string();

    let second = app.login_ok("alice", PASSWORD).await;
    let login = receiver.wait_for_event("user.login").await;
    assert_eq!(login["data"]["user_id"], id);
    assert!(login["data"]["session_id"].is_string(), "{login}");
    assert_eq!(login["data"]["ip"], "127.0.0.1");

    let changed = app
        .client
        .post(app.url("/api/me/password"))
        .bearer_auth(&second.access_token)
        .json(&json!({"current_password": PASSWORD, "new_password": "an entirely new passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let password = receiver.wait_for_event("user.password_changed").await;
    assert_eq!(password["data"], json!({"user_id": id, "reason": "change"}));

    for (action, event) in [("disable", "user.disabled"), ("enable", "user.enabled")] {
        let response = app
            .client
            .request(
                Method::POST,
                app.url(&format!("/api/admin/users/{id}/{action}")),
            )
            .bearer_auth(&admin.token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let announced = receiver.wait_for_event(event).await;
        assert_eq!(announced["data"], json!({"user_id": id, "by": admin.id}));
    }

    let deleted = app
        .client
        .delete(app.url(&format!("/api/admin/users/{id}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = receiver.wait_for_event("user.deleted").await;
    assert_eq!(gone["data"], json!({"user_id": id, "by": "admin"}));
    assert!(
        receiver.deliveries().iter().all(|d| d.verified),
        "{:?}",
        receiver.deliveries()
    );
    // Every event is its own message.
    let mut ids: Vec<String> = receiver.deliveries().into_iter().map(|d| d.id).collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all);
}

#[tokio::test]
async fn a_slow_receiver_holds_up_neither_requests_nor_mail() {
    let receiver = Receiver::start(Behaviour::Slow(Duration::from_secs(3))).await;
    let app = app_with_receiver(&receiver).await;
    app.register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    // The receiver now holds the first delivery for three seconds.
    receiver.wait_for(1).await;
    assert!(!receiver.answered.load(Ordering::SeqCst));

    // A sign-in (which queues another event) answers while the receiver still sleeps...
    let response = app
        .login(&json!({"login": "alice", "password": PASSWORD}))
        .await;
    expect_json(response, StatusCode::OK).await;
    // ...and so does a registration, whose code mail is delivered meanwhile.
    app.register("bob", "bob@example.com", PASSWORD).await;
    app.smtp
        .wait_for_mail("bob@example.com", VERIFY_EMAIL)
        .await;
    assert!(
        !receiver.answered.load(Ordering::SeqCst),
        "the receiver answered before the request and the mail were done: this test proves nothing"
    );

    // Both events arrive in the end, signed.
    receiver.wait_for_event("user.login").await;
    assert!(receiver.deliveries().iter().all(|d| d.verified));
}

#[tokio::test]
async fn a_tampered_delivery_would_not_verify() {
    // The receiver's check is not vacuous: the reference library refuses a body changed after signing.
    let key = otp_portal::webhooks::signature(
        &base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            SECRET.trim_start_matches("whsec_"),
        )
        .unwrap(),
        "msg_1",
        chrono::Utc::now().timestamp(),
        r#"{"type":"user.login"}"#,
    );
    let mut headers = http::HeaderMap::new();
    headers.insert("webhook-id", "msg_1".parse().unwrap());
    headers.insert(
        "webhook-timestamp",
        chrono::Utc::now().timestamp().to_string().parse().unwrap(),
    );
    headers.insert("webhook-signature", key.parse().unwrap());
    let hook = standardwebhooks::Webhook::new(SECRET).unwrap();
    assert!(hook.verify(br#"{"type":"user.login"}"#, &headers).is_ok());
    assert!(hook.verify(br#"{"type":"user.logout"}"#, &headers).is_err());
}
