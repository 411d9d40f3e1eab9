//! JSON body extractors whose every failure is a problem-details response: wrong content type (415),
//! over 16 KiB (413), broken JSON (400 `malformed_json`), valid JSON of the wrong shape (422 naming the
//! field).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub const BODY_LIMIT: usize = 16 * 1024;

/// A required JSON body.
pub struct Json<T>(pub T);

/// A JSON body that may be absent (an empty body).
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = read_limited(req, payload);
        Box::pin(async move {
            let body = body.await?;
            if !is_json {
                return Err(AppError::UnsupportedMediaType);
            }
            parse(&body).map(Json)
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = read_limited(req, payload);
        Box::pin(async move {
            let body = body.await?;
            if body.iter().all(u8::is_ascii_whitespace) {
                return Ok(OptionalJson(None));
            }
            if !is_json {
                return Err(AppError::UnsupportedMediaType);
            }
            // `null` says "no body" as plainly as an empty one does.
            if serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v.is_null()) {
                return Ok(OptionalJson(None));
            }
            parse(&body).map(|v| OptionalJson(Some(v)))
        })
    }
}

/// `application/json` or any `application/*+json`, with or without parameters.
fn is_json(req: &HttpRequest) -> bool {
    req.mime_type().ok().flatten().is_some_and(|mime| {
        mime.type_() == "application"
            && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
    })
}

fn read_limited(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<Bytes, AppError>> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let mut payload = payload.take();
    Box::pin(async move {
        if declared.is_some_and(|n| n > BODY_LIMIT) {
            return Err(AppError::PayloadTooLarge);
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk
                .map_err(|e| AppError::MalformedJson(format!("the body could not be read: {e}")))?;
            if body.len() + chunk.len() > BODY_LIMIT {
                return Err(AppError::PayloadTooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    })
}

/// Decodes `body`, telling syntax errors (400) from shape errors (422, keyed by the field concerned).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let malformed =
        |e: serde_json::Error| AppError::MalformedJson(format!("The body is not valid JSON: {e}."));
    let value: serde_json::Value = serde_json::from_slice(body).map_err(malformed)?;
    // serde would also read a struct from an array of its fields; the contract speaks of objects only.
    if !value.is_object() {
        return Err(AppError::validation("body", "must be a JSON object"));
    }
    let value = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        shape_error(&path, &e.into_inner().to_string())
    })?;
    Ok(value)
}

fn shape_error(path: &str, message: &str) -> AppError {
    // serde reports unknown and missing fields against the enclosing object; name the field itself.
    let quoted = message.split('`').nth(1).unwrap_or_default();
    let message_without_position = message.split(" at line ").next().unwrap_or(message);
    if message.starts_with("unknown field") {
        return AppError::validation(quoted, "is not an accepted field");
    }
    if message.starts_with("missing field") {
        return AppError::validation(quoted, "is required");
    }
    let field = if path == "." || path.is_empty() {
        "body"
    } else {
        path
    };
    AppError::validation(field, message_without_position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::RegisterRequest;

    fn err(body: &str) -> AppError {
        parse::<RegisterRequest>(body.as_bytes()).err().unwrap()
    }

    fn field_of(e: &AppError) -> Vec<String> {
        match e {
            AppError::Validation(errors) => errors.keys().cloned().collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn broken_json_is_malformed() {
        assert!(matches!(err("{\"username\":"), AppError::MalformedJson(_)));
        assert!(matches!(err("not json"), AppError::MalformedJson(_)));
        assert!(matches!(err(""), AppError::MalformedJson(_)));
        let trailing = r#"{"username":"a","email":"b","password":"c"} x"#;
        assert!(matches!(err(trailing), AppError::MalformedJson(_)));
    }

    #[test]
    fn shape_errors_name_the_field() {
        let unknown = err(r#"{"username":"a","email":"b","password":"c","role":"admin"}"#);
        assert_eq!(field_of(&unknown), ["role"]);
        assert_eq!(
            field_of(&err(r#"{"username":"a","email":"b"}"#)),
            ["password"]
        );
        assert_eq!(
            field_of(&err(r#"{"username":5,"email":"b","password":"c"}"#)),
            ["username"]
        );
        assert_eq!(field_of(&err("[1,2]")), ["body"]);
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;
        use shared::api::{
            LoginRequest, RegisterRequest, ResetPasswordRequest, VerifyEmailRequest,
        };

        /// Every body is either accepted or refused with a client error; nothing else can happen.
        fn classify<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
            match parse::<T>(body) {
                Ok(value) => Some(value),
                Err(AppError::MalformedJson(_) | AppError::Validation(_)) => None,
                Err(other) => panic!("a body was refused as {other:?}"),
            }
        }

        fn json_value() -> impl Strategy<Value = serde_json::Value> {
            let leaf = prop_oneof![
                Just(serde_json::Value::Null),
                any::<bool>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                "\\PC{0,40}".prop_map(serde_json::Value::from),
            ];
            leaf.prop_recursive(3, 24, 6, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                    prop::collection::btree_map(
                        prop_oneof![
                            Just("username".to_owned()),
                            Just("email".to_owned()),
                            Just("password".to_owned()),
                            Just("code".to_owned()),
                            Just("login".to_owned()),
                            Just("new_password".to_owned()),
                            "[a-z]{1,8}",
                        ],
                        inner,
                        0..5,
                    )
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #[test]
            fn arbitrary_bytes_never_panic_the_decoder(body in prop::collection::vec(any::<u8>(), 0..256)) {
                let _ = classify::<RegisterRequest>(&body);
                let _ = classify::<LoginRequest>(&body);
            }

            #[test]
            fn arbitrary_json_is_decoded_then_validated_without_panic(value in json_value()) {
                let body = serde_json::to_vec(&value).unwrap();
                if let Some(request) = classify::<RegisterRequest>(&body) {
                    let _ = request.validate();
                }
                if let Some(request) = classify::<VerifyEmailRequest>(&body) {
                    let _ = request.validate();
                }
                if let Some(request) = classify::<ResetPasswordRequest>(&body) {
                    let _ = request.validate();
                }
                if let Some(request) = classify::<LoginRequest>(&body) {
                    let _ = request.validate();
                }
            }

            #[test]
            fn well_formed_registrations_decode_to_the_same_fields(
                username in "\\PC{0,40}", email in "\\PC{0,40}", password in "\\PC{0,40}",
            ) {
                let body = serde_json::json!({"username": username, "email": email, "password": password});
                let decoded: RegisterRequest = parse(&serde_json::to_vec(&body).unwrap()).unwrap();
                prop_assert_eq!(decoded, RegisterRequest { username, email, password });
            }
        }
    }
}
