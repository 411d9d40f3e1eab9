//! Logging: `tracing` to stdout, one line per event, each carrying the request id of its request span.
//! A request is logged by its path alone: query strings and client errors can carry codes, addresses and
//! passwords, and none of them belongs in a log.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::HttpMessage;
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder, TracingLogger};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::error::AppError;
use crate::settings::LogFormat;

const DEFAULT_FILTER: &str = "info,actix_server=warn,lettre=warn";

pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    if let Err(e) = try_init_with_writer(format, filter, std::io::stdout, ansi) {
        eprintln!("otp-portal: logging is already set up: {e}");
    }
}

/// The subscriber of [`init`], writing to `writer`: tests capture the server's log with it.
pub fn try_init_with_writer<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
    ansi: bool,
) -> Result<(), Box<dyn std::error::Error + Send + Sync + 'static>>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // A line when each request ends, with its status and duration.
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .with_writer(writer)
        .with_ansi(ansi);
    match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    }
}

/// The request-logging middleware: one span per request, built by [`RequestSpan`].
pub fn request_logger() -> TracingLogger<RequestSpan> {
    TracingLogger::new()
}

/// The id a request is logged under and answered with (`X-Request-Id`): the one a proxy in front sent,
/// when it is a plain token, else a new one.
#[derive(Clone, Debug)]
pub struct EffectiveRequestId(pub String);

/// The longest incoming `X-Request-Id` adopted.
const MAX_REQUEST_ID: usize = 128;

/// An incoming `X-Request-Id` made of letters, digits and `-_.:` only: anything else (log injection,
/// a huge value) is replaced by our own.
fn adopted_request_id(request: &ServiceRequest) -> Option<String> {
    let value = request.headers().get("x-request-id")?.to_str().ok()?;
    let plain = !value.is_empty()
        && value.len() <= MAX_REQUEST_ID
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    plain.then(|| value.to_owned())
}

/// The root span of a request: tracing-actix-web's fields, but the target is the path without its query,
/// and an error is described by its stable problem code rather than its text.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let method = request.method().as_str().to_owned();
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "default".to_owned());
        let request_id = adopted_request_id(request).unwrap_or_else(|| {
            request
                .extensions()
                .get::<RequestId>()
                .map(ToString::to_string)
                .unwrap_or_default()
        });
        request
            .extensions_mut()
            .insert(EffectiveRequestId(request_id.clone()));
        let connection = request.connection_info();
        let user_agent = request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %method,
            http.route = %route,
            http.flavor = ?request.version(),
            http.scheme = %connection.scheme(),
            http.host = %connection.host(),
            http.client_ip = %connection.realip_remote_addr().unwrap_or_default(),
            http.user_agent = %user_agent,
            // `path()`, never `uri()`: the query string stays out of the log.
            http.target = %request.path(),
            http.status_code = tracing::field::Empty,
            otel.name = %format!("{method} {route}"),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            request_id = %request_id,
            exception.message = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        let (status, error) = match outcome {
            Ok(response) => (response.status(), response.response().error()),
            Err(error) => (error.as_response_error().status_code(), Some(error)),
        };
        span.record("http.status_code", status.as_u16());
        span.record(
            "otel.status_code",
            if status.is_server_error() {
                "ERROR"
            } else {
                "OK"
            },
        );
        if let Some(error) = error {
            span.record("exception.message", describe(error, status));
        }
    }
}

/// What the log says about a failed request. A client error's text can quote what the client sent (serde
/// names a mistyped value, which may be a code or a password), so only its stable code is logged; a server
/// error's text is ours. The chain of an unexpected error is logged where it is turned into a response.
fn describe(error: &actix_web::Error, status: StatusCode) -> String {
    match error.as_error::<AppError>() {
        Some(app_error) if !status.is_server_error() => app_error.code().as_str().to_owned(),
        _ if !status.is_server_error() => status.canonical_reason().unwrap_or("").to_owned(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::test::TestRequest;

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_request_span_names_the_path_without_its_query() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_span_events(FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let request =
            TestRequest::with_uri("/api/auth/verify-email?code=123456&email=x%40example.com")
                .insert_header(("user-agent", "probe"))
                .to_srv_request();
        tracing::subscriber::with_default(subscriber, || {
            drop(RequestSpan::on_request_start(&request));
        });
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("/api/auth/verify-email"), "{log}");
        assert!(log.contains("probe"), "{log}");
        for secret in ["123456", "example.com", "code=", "?"] {
            assert!(!log.contains(secret), "{secret:?} in the log: {log}");
        }
    }

    #[test]
    fn a_client_error_is_described_by_its_code_alone() {
        let error = actix_web::Error::from(AppError::validation(
            "code",
            "invalid type: integer `918273`, expected a string",
        ));
        let described = describe(&error, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(described, "validation_failed");
        let bare = actix_web::error::ErrorBadRequest("secret 918273");
        assert_eq!(describe(&bare, StatusCode::BAD_REQUEST), "Bad Request");
    }
}
