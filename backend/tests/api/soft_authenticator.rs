//! A software passkey for the tests: what a browser and an authenticator together hand the server, built
//! from the WebAuthn specification with P-256 (ES256) keys, "none" attestation and CBOR. It lets a test
//! choose what a real one decides: whether it verified its user, its signature counter, the origin the
//! browser reports, and which challenge it signs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ciborium::Value as Cbor;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const USER_PRESENT: u8 = 0x01;
const USER_VERIFIED: u8 = 0x04;
const ATTESTED_CREDENTIAL: u8 = 0x40;

pub struct SoftPasskey {
    key: SigningKey,
    pub credential_id: Vec<u8>,
    /// The account's handle the relying party gave at creation (returned with every assertion).
    pub user_handle: Vec<u8>,
    /// Its signature counter; `None` for an authenticator that keeps none (always 0).
    pub counter: Option<u32>,
    /// Whether it verifies its user (a PIN, a fingerprint) when asked.
    pub verifies_user: bool,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(text)
        .expect("base64url from the server")
}

fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": kind,
        "challenge": challenge,
        "origin": origin,
        "crossOrigin": false,
    }))
    .unwrap()
}

fn cbor(value: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).unwrap();
    out
}

impl SoftPasskey {
    /// Answers `navigator.credentials.create()` with `options` (the server's `public_key`) as a browser
    /// at `origin` would; returns the passkey and `credential.toJSON()`.
    pub fn create(options: &Value, origin: &str, verifies_user: bool) -> (Self, Value) {
        let rp_id = options["rp"]["id"].as_str().expect("rp.id");
        let challenge = options["challenge"].as_str().expect("challenge");
        let user_handle = unb64(options["user"]["id"].as_str().expect("user.id"));
        let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>().into()).unwrap();
        let credential_id = rand::random::<[u8; 16]>().to_vec();
        let passkey = Self {
            key,
            credential_id,
            user_handle,
            counter: Some(0),
            verifies_user,
        };

        let point = VerifyingKey::from(&passkey.key).to_encoded_point(false);
        let cose_key = Cbor::Map(vec![
            (Cbor::from(1), Cbor::from(2)),  // kty: EC2
            (Cbor::from(3), Cbor::from(-7)), // alg: ES256
            (Cbor::from(-1), Cbor::from(1)), // crv: P-256
            (Cbor::from(-2), Cbor::Bytes(point.x().unwrap().to_vec())),
            (Cbor::from(-3), Cbor::Bytes(point.y().unwrap().to_vec())),
        ]);
        let mut auth_data = passkey.auth_data_head(rp_id, ATTESTED_CREDENTIAL, 0);
        auth_data.extend_from_slice(&[0; 16]); // AAGUID: none
        auth_data.extend_from_slice(
            &u16::try_from(passkey.credential_id.len())
                .unwrap()
                .to_be_bytes(),
        );
        auth_data.extend_from_slice(&passkey.credential_id);
        auth_data.extend_from_slice(&cbor(&cose_key));
        let attestation_object = cbor(&Cbor::Map(vec![
            (Cbor::from("fmt"), Cbor::from("none")),
            (Cbor::from("attStmt"), Cbor::Map(Vec::new())),
            (Cbor::from("authData"), Cbor::Bytes(auth_data)),
        ]));
        let client_data = client_data("webauthn.create", challenge, origin);
        let answer = json!({
            "id": b64(&passkey.credential_id),
            "rawId": b64(&passkey.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "attestationObject": b64(&attestation_object),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        });
        (passkey, answer)
    }

    fn auth_data_head(&self, rp_id: &str, extra_flags: u8, counter: u32) -> Vec<u8> {
        let mut flags = USER_PRESENT | extra_flags;
        if self.verifies_user {
            flags |= USER_VERIFIED;
        }
        let mut data = Sha256::digest(rp_id.as_bytes()).to_vec();
        data.push(flags);
        data.extend_from_slice(&counter.to_be_bytes());
        data
    }

    /// Answers `navigator.credentials.get()` with `options` (the server's `public_key`) as a browser at
    /// `origin` would; the counter moves on first, if it keeps one.
    pub fn assert(&mut self, options: &Value, origin: &str) -> Value {
        if let Some(counter) = self.counter.as_mut() {
            *counter += 1;
        }
        self.assert_with_counter(options, origin, self.counter.unwrap_or(0))
    }

    /// An assertion with a chosen counter (a copy of the key that fell behind, say).
    pub fn assert_with_counter(&self, options: &Value, origin: &str, counter: u32) -> Value {
        let rp_id = options["rpId"].as_str().expect("rpId");
        let challenge = options["challenge"].as_str().expect("challenge");
        let auth_data = self.auth_data_head(rp_id, 0, counter);
        let client_data = client_data("webauthn.get", challenge, origin);
        let mut signed = auth_data.clone();
        signed.extend_from_slice(&Sha256::digest(&client_data));
        let signature: Signature = self.key.sign(&signed);
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data),
                "authenticatorData": b64(&auth_data),
                "signature": b64(signature.to_der().as_bytes()),
                "userHandle": b64(&self.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })
    }
}
