//! `Application`: opens the store, loads keys, binds the listener (port 0 in tests), wires routes and
//! middleware, and runs the server together with the mail worker and the maintenance task.

use std::future::Future;
use std::net::TcpListener;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use actix_web::dev::{Payload, Server, Service, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::ConnectionType;
use actix_web::middleware::ErrorHandlers;
use actix_web::web::Bytes;
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer};
use anyhow::Context;
use futures_util::Stream;
use lettre::message::Mailbox;
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

use crate::auth::cache::AuthCache;
use crate::auth::keys::Keys;
use crate::auth::password::Hasher;
use crate::captcha::Captcha;
use crate::error::problem_for_bare_errors;
use crate::mail::transport::Transport;
use crate::mail::worker::{Delivery, Worker};
use crate::services::limits::Limits;
use crate::services::{maintenance, Ctx};
use crate::settings::Settings;
use crate::{private_files, routes, store, telemetry};

/// Connections through which a SQLite server looks for other connections' changes: one per actix
/// worker would be enough on two cores; a few more keep the blocking threads' lookups from queueing.
const WATCHES: usize = 4;

/// How long a closing connection may linger for the client to take the last bytes.
const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Application {
    port: u16,
    server: Server,
    ctx: Ctx,
    workers: Vec<Worker>,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        private_files::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data folder {}", settings.data_dir.display()))?;
        // An existing folder may be one the operator chose for more than us: say so, change nothing.
        if private_files::is_open_to_others(&settings.data_dir).unwrap_or(false) {
            tracing::warn!(
                folder = %settings.data_dir.display(),
                "the data folder is open to other users; `chmod 700` it"
            );
        }
        if let Some(why) = crate::services::passkeys::unavailable_reason(&settings.public_url) {
            tracing::info!("passkeys are off: {why}");
        }
        let (database_url, pool_size) =
            (settings.database_url.clone(), settings.database_pool_size);
        let pool =
            tokio::task::spawn_blocking(move || store::connect_with(&database_url, pool_size))
                .await??;
        let keys = {
            let (settings, pool) = (settings.clone(), pool.clone());
            tokio::task::spawn_blocking(move || Keys::load(&settings, &pool)).await??
        };
        let queue = settings.password_hash_queue;
        let hasher = tokio::task::spawn_blocking(move || Hasher::for_this_machine(queue)).await??;
        let from: Mailbox = settings
            .mail_from
            .parse()
            .with_context(|| format!("MAIL_FROM {:?} is not a mailbox", settings.mail_from))?;
        let transport = Transport::from_settings(&settings)?;
        let captcha = Captcha::new(
            &keys.captcha_key,
            settings.limits.captcha_difficulty,
            settings.limits.captcha_ttl,
        );
        let limits = Limits::new(&settings.limits);
        let settings = Arc::new(settings);
        let metrics = Arc::new(crate::metrics::Metrics::new()?);
        let auth = match store::backend_of(&settings.database_url)? {
            store::Kind::Sqlite => {
                let path = store::sqlite_path(&settings.database_url)?;
                AuthCache::sqlite(
                    path,
                    (0..WATCHES)
                        .map(|_| store::changes::SqliteWatch::open(path))
                        .collect::<anyhow::Result<_>>()?,
                )
            }
            store::Kind::Postgres => Arc::new(AuthCache::shared()),
        };
        if !auth.is_on() {
            store::listen::spawn(settings.database_url.clone(), &auth)?;
            // Serving at once would be correct (every request reads the database until then), but
            // slower; a listener that cannot start says why in the log and the server serves anyway.
            auth.wait_until_on(Duration::from_secs(5)).await;
        }
        let ctx = Ctx {
            auth,
            metrics: metrics.clone(),
            limits: Arc::new(limits),
            captcha: Arc::new(captcha),
            pool: pool.clone(),
            settings: settings.clone(),
            keys: Arc::new(keys),
            hasher: Arc::new(hasher),
            mail_wakeup: Arc::new(Notify::new()),
            webhook_wakeup: Arc::new(Notify::new()),
        };
        let mut workers = vec![Worker {
            pool: pool.clone(),
            delivery: Delivery::Mail { transport, from },
            metrics: metrics.clone(),
            settings: settings.clone(),
            wakeup: ctx.mail_wakeup.clone(),
        }];
        if let Some(hook) = &settings.webhook {
            workers.push(Worker {
                pool,
                delivery: Delivery::Webhook(crate::webhooks::Sender::new(hook.clone())?),
                metrics: metrics.clone(),
                settings: settings.clone(),
                wakeup: ctx.webhook_wakeup.clone(),
            });
        }

        let listener = TcpListener::bind(&settings.bind_addr)
            .with_context(|| format!("binding {}", settings.bind_addr))?;
        let port = listener.local_addr()?.port();
        let data = web::Data::new(ctx.clone());
        let client_dir = web::Data::new(routes::client::ClientDir(settings.client_dir.clone()));
        let public_url = settings.public_url.clone();
        let request_timeout = settings.request_timeout;
        let session_key = actix_web::cookie::Key::from(&ctx.keys.session_cookie_key);
        let session_settings = settings.clone();
        let request_metrics = metrics.clone();
        let server = HttpServer::new(move || {
            let request_metrics = request_metrics.clone();
            App::new()
                .app_data(data.clone())
                .app_data(client_dir.clone())
                .configure(routes::configure)
                .wrap(session_cookie(&session_settings, session_key.clone()))
                .wrap_fn(move |mut req, srv| {
                    let expired = Arc::new(AtomicBool::new(false));
                    let body = DeadlinePayload {
                        inner: req.take_payload(),
                        deadline: Instant::now() + request_timeout,
                        timer: None,
                        expired: expired.clone(),
                    };
                    req.set_payload(Payload::Stream {
                        payload: Box::pin(body),
                    });
                    let response = srv.call(req);
                    async move {
                        let response = response.await?;
                        if !expired.load(Ordering::Relaxed) {
                            return Ok(response.map_into_left_body());
                        }
                        let (req, _) = response.into_parts();
                        let mut timeout = HttpResponse::RequestTimeout().finish();
                        timeout
                            .head_mut()
                            .set_connection_type(ConnectionType::Close);
                        Ok(ServiceResponse::new(req, timeout).map_into_right_body())
                    }
                })
                .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
                .wrap(routes::headers::security_headers(&public_url))
                .wrap_fn(|req, srv| {
                    let request_id = req
                        .extensions()
                        .get::<telemetry::EffectiveRequestId>()
                        .map(|id| id.0.clone());
                    let response = srv.call(req);
                    async move {
                        let mut response = response.await?;
                        if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok())
                        {
                            response
                                .headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), id);
                        }
                        Ok(response)
                    }
                })
                .wrap_fn(move |req, srv| {
                    // The route's pattern, not the path: a bounded set of labels, and no address or
                    // code that a path could carry.
                    let route = req
                        .match_pattern()
                        .unwrap_or_else(|| "unmatched".to_owned());
                    let method = req.method().as_str().to_owned();
                    let started = std::time::Instant::now();
                    let metrics = request_metrics.clone();
                    let response = srv.call(req);
                    async move {
                        let response = response.await?;
                        let status = response.status().as_u16();
                        metrics.request(&route, &method, status, started.elapsed());
                        Ok(response)
                    }
                })
                .wrap(telemetry::request_logger())
        })
        // The head of a request must arrive within the timeout (then a 408), and its body within the
        // timeout after that (`DeadlinePayload`).
        .client_request_timeout(request_timeout)
        .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
        .listen(listener)?
        // Signals are the binary's business (`run_until_signalled`): a test process keeps its own.
        .disable_signals()
        .run();
        Ok(Self {
            port,
            server,
            ctx,
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until Ctrl-C (SIGINT) or SIGTERM, then stops gracefully: no new connections, the requests
    /// in flight are answered (for up to 30 seconds), then the background tasks end.
    pub async fn run_until_signalled(self) -> anyhow::Result<()> {
        let handle = self.server.handle();
        tokio::spawn(async move {
            let signal = shutdown_signal().await;
            tracing::info!(
                signal,
                "shutting down gracefully: answering the requests in flight"
            );
            handle.stop(true).await;
        });
        self.run_until_stopped().await
    }

    /// Serves until the server is stopped, with the background tasks alongside.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let workers: Vec<_> = self
            .workers
            .into_iter()
            .map(|worker| tokio::spawn(worker.run()))
            .collect();
        let maintenance = tokio::spawn(maintenance::run(self.ctx));
        let result = self.server.await;
        for worker in workers {
            worker.abort();
        }
        maintenance.abort();
        result.context("running the HTTP server")
    }
}

/// Resolves at the first Ctrl-C or SIGTERM, naming it.
async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; Ctrl-C still stops the server");
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

/// The forward-auth cookie (`otp_portal_session`): private (encrypted and signed with a key derived from
/// the secret key), HttpOnly, `SameSite=Lax` so a link from elsewhere into the guarded app still carries
/// it, on `/` of this host or `COOKIE_DOMAIN`, as long as a session lives. It only names the session;
/// the sessions table decides, so a revocation counts at once.
fn session_cookie(
    settings: &Settings,
    key: actix_web::cookie::Key,
) -> actix_session::SessionMiddleware<actix_session::storage::CookieSessionStore> {
    use actix_session::config::{CookieContentSecurity, PersistentSession};
    let ttl = actix_web::cookie::time::Duration::seconds(
        i64::try_from(settings.session_ttl.as_secs()).unwrap_or(i64::MAX),
    );
    actix_session::SessionMiddleware::builder(
        actix_session::storage::CookieSessionStore::default(),
        key,
    )
    .cookie_name(SESSION_COOKIE.to_owned())
    .cookie_path("/".to_owned())
    .cookie_domain(settings.cookie_domain.clone())
    .cookie_secure(settings.cookie_secure)
    .cookie_http_only(true)
    .cookie_same_site(actix_web::cookie::SameSite::Lax)
    .cookie_content_security(CookieContentSecurity::Private)
    .session_lifecycle(PersistentSession::default().session_ttl(ttl))
    .build()
}

/// The name of the forward-auth cookie.
pub const SESSION_COOKIE: &str = "otp_portal_session";

/// A request body that must have arrived by `deadline`. Past it, reading fails and the request is answered
/// `408` on a connection that is then closed: a client trickling its body cannot hold a connection open.
struct DeadlinePayload {
    inner: Payload,
    deadline: Instant,
    /// Made on the first wait, so that a request without a body costs no timer.
    timer: Option<Pin<Box<Sleep>>>,
    expired: Arc<AtomicBool>,
}

impl Stream for DeadlinePayload {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.expired.load(Ordering::Relaxed) {
            return Poll::Ready(None);
        }
        if Instant::now() < this.deadline {
            if let Poll::Ready(item) = Pin::new(&mut this.inner).poll_next(cx) {
                return Poll::Ready(item);
            }
            let deadline = this.deadline;
            let timer = this
                .timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
            if timer.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
        }
        this.expired.store(true, Ordering::Relaxed);
        Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the request body did not arrive in time",
        )))))
    }
}
