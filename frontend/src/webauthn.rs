//! The browser's WebAuthn calls. The server's options are WebAuthn JSON, which
//! `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON` turn into what
//! `navigator.credentials` takes, and `credential.toJSON()` gives back what the server reads; so no
//! base64 or ArrayBuffer juggling happens here. Reached through `Reflect`, since web-sys binds the
//! JSON forms only as unstable APIs.

use js_sys::{Function, Object, Promise, Reflect, JSON};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why a passkey ceremony did not give an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// This browser has no passkeys (or not the JSON forms of the API).
    Unsupported,
    /// The person closed the dialog, it timed out, or no passkey was chosen (the browser does not tell
    /// these apart, on purpose).
    Cancelled,
    /// `create` found that this authenticator already holds a passkey of the account.
    AlreadyRegistered,
    /// Anything else, with the browser's message.
    Failed(String),
}

fn global(name: &str) -> Option<JsValue> {
    let value = Reflect::get(&js_sys::global(), &JsValue::from_str(name)).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(value)
}

fn property(target: &JsValue, name: &str) -> Result<JsValue, Failure> {
    Reflect::get(target, &JsValue::from_str(name)).map_err(|_| Failure::Unsupported)
}

fn method(target: &JsValue, name: &str) -> Result<Function, Failure> {
    property(target, name)?
        .dyn_into::<Function>()
        .map_err(|_| Failure::Unsupported)
}

fn public_key_credential() -> Result<JsValue, Failure> {
    global("PublicKeyCredential").ok_or(Failure::Unsupported)
}

/// Whether passkeys can work on a page at `host` served securely or not: the server's own rule (a
/// domain name, never an IP address; https, or localhost while developing), so the page offers
/// nothing the server would refuse.
pub fn site_allows(host: &str, secure: bool) -> bool {
    let ip = host.starts_with('[') || host.parse::<std::net::IpAddr>().is_ok();
    let local = host == "localhost" || host.ends_with(".localhost");
    !host.is_empty() && !ip && (secure || local)
}

/// Whether this browser, on this site, can make and use passkeys the way this client asks for them.
pub fn supported() -> bool {
    let Some(location) = global("location") else {
        return false;
    };
    let text = |name: &str| {
        property(&location, name)
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let (host, secure) = (text("hostname"), text("protocol") == "https:");
    site_allows(&host, secure)
        && public_key_credential()
            .and_then(|pkc| method(&pkc, "parseRequestOptionsFromJSON"))
            .is_ok()
}

/// Whether the browser can offer passkeys in the username field's autofill.
pub async fn conditional_mediation_available() -> bool {
    let Ok(pkc) = public_key_credential() else {
        return false;
    };
    let Ok(check) = method(&pkc, "isConditionalMediationAvailable") else {
        return false;
    };
    let Some(promise) = check
        .call0(&pkc)
        .ok()
        .and_then(|p| p.dyn_into::<Promise>().ok())
    else {
        return false;
    };
    matches!(JsFuture::from(promise).await, Ok(v) if v.is_truthy())
}

fn failure(error: JsValue) -> Failure {
    let name = Reflect::get(&error, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "AbortError" => Failure::Cancelled,
        "InvalidStateError" => Failure::AlreadyRegistered,
        "NotSupportedError" | "SecurityError" => Failure::Unsupported,
        _ => Failure::Failed(
            Reflect::get(&error, &JsValue::from_str("message"))
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or(name),
        ),
    }
}

fn parse_options(parser: &str, public_key: &Value) -> Result<JsValue, Failure> {
    let pkc = public_key_credential()?;
    let json = JSON::parse(&public_key.to_string()).map_err(|_| Failure::Unsupported)?;
    method(&pkc, parser)?.call1(&pkc, &json).map_err(failure)
}

fn set(target: &Object, name: &str, value: &JsValue) -> Result<(), Failure> {
    Reflect::set(target, &JsValue::from_str(name), value)
        .map(drop)
        .map_err(|_| Failure::Unsupported)
}

async fn credentials_call(name: &str, argument: &Object) -> Result<Value, Failure> {
    let navigator = global("navigator").ok_or(Failure::Unsupported)?;
    let credentials = property(&navigator, "credentials")?;
    let promise = method(&credentials, name)?
        .call1(&credentials, argument)
        .map_err(failure)?
        .dyn_into::<Promise>()
        .map_err(|_| Failure::Unsupported)?;
    let credential = JsFuture::from(promise).await.map_err(failure)?;
    if credential.is_null() || credential.is_undefined() {
        return Err(Failure::Cancelled);
    }
    let json = method(&credential, "toJSON")?
        .call0(&credential)
        .map_err(failure)?;
    let text = JSON::stringify(&json)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or(Failure::Unsupported)?;
    serde_json::from_str(&text).map_err(|e| Failure::Failed(e.to_string()))
}

/// `navigator.credentials.create()` with the server's creation options; the new passkey's JSON.
pub async fn create(public_key: &Value) -> Result<Value, Failure> {
    let options = parse_options("parseCreationOptionsFromJSON", public_key)?;
    let argument = Object::new();
    set(&argument, "publicKey", &options)?;
    credentials_call("create", &argument).await
}

/// An `AbortController`, to withdraw a waiting autofill request before the page asks for another.
#[derive(Clone)]
pub struct Abort(JsValue);

impl Abort {
    pub fn new() -> Option<Self> {
        let class = global("AbortController")?.dyn_into::<Function>().ok()?;
        Reflect::construct(&class, &js_sys::Array::new())
            .ok()
            .map(Self)
    }

    fn signal(&self) -> Option<JsValue> {
        Reflect::get(&self.0, &JsValue::from_str("signal")).ok()
    }

    pub fn abort(&self) {
        if let Ok(abort) = method(&self.0, "abort") {
            let _ = abort.call0(&self.0);
        }
    }
}

/// `navigator.credentials.get()` with the server's request options; the assertion's JSON. With
/// `conditional`, the browser waits and offers the passkeys in the username field's autofill.
pub async fn get(public_key: &Value, conditional: Option<&Abort>) -> Result<Value, Failure> {
    let options = parse_options("parseRequestOptionsFromJSON", public_key)?;
    let argument = Object::new();
    set(&argument, "publicKey", &options)?;
    if let Some(abort) = conditional {
        set(&argument, "mediation", &JsValue::from_str("conditional"))?;
        if let Some(signal) = abort.signal() {
            set(&argument, "signal", &signal)?;
        }
    }
    credentials_call("get", &argument).await
}

#[cfg(test)]
mod tests {
    use super::site_allows;

    #[test]
    fn passkeys_are_offered_only_where_the_server_allows_them() {
        assert!(site_allows("id.example.com", true));
        assert!(site_allows("localhost", false));
        assert!(site_allows("portal.localhost", false));
        assert!(!site_allows("id.example.com", false));
        assert!(!site_allows("127.0.0.1", true));
        assert!(!site_allows("[::1]", true));
        assert!(!site_allows("", true));
    }
}
