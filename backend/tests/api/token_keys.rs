//! Access tokens without a shared secret: EdDSA, verified by an independent JOSE implementation with
//! nothing but `/.well-known/jwks.json`; key rotation with live sessions, across two instances on one
//! database; the internal keys no longer depend on `JWT_SECRET`.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jwt_compact::alg::Ed25519;
use jwt_compact::jwk::JsonWebKey;
use jwt_compact::{AlgorithmExt, UntrustedToken};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{
    expect_json, expect_problem, spawn_app_with, TestApp, PASSWORD, VERIFY_EMAIL,
};

const SECRET_KEY: &str = "the server's own secret key, shared by its instances";

/// An app signing with published keys (no `JWT_SECRET`), on `database` if given.
async fn app_with_published_keys(shared_with: Option<&TestApp>) -> TestApp {
    let shared = shared_with.map(|app| (app.database_url.clone(), data_dir(app)));
    spawn_app_with(move |vars| {
        vars.remove("JWT_SECRET");
        vars.insert("SECRET_KEY".into(), SECRET_KEY.into());
        if let Some((database_url, dir)) = shared {
            vars.insert("DATABASE_URL".into(), database_url);
            vars.insert("DATA_DIR".into(), dir);
        }
    })
    .await
}

fn data_dir(app: &TestApp) -> String {
    app.data_dir.clone()
}

async fn jwks(app: &TestApp) -> Value {
    let response = app.get("/.well-known/jwks.json").await;
    let cache = response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(cache.as_deref(), Some("public, max-age=60"));
    expect_json(response, StatusCode::OK).await
}

fn header(token: &str) -> Value {
    let part = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// Verifies `token` the way another service would: the JWK named by its `kid`, from the JWKS alone.
fn verify_with(jwks: &Value, token: &str) -> Result<Value, String> {
    let untrusted = UntrustedToken::new(token).map_err(|e| e.to_string())?;
    let kid = untrusted
        .header()
        .key_id
        .clone()
        .ok_or("the token has no kid")?;
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .ok_or_else(|| format!("no published key {kid}"))?;
    assert_eq!(
        (jwk["alg"].as_str(), jwk["use"].as_str()),
        (Some("EdDSA"), Some("sig"))
    );
    let jwk: JsonWebKey<'_> = serde_json::from_value(jwk.clone()).map_err(|e| e.to_string())?;
    let key = <Ed25519 as jwt_compact::Algorithm>::VerifyingKey::try_from(&jwk)
        .map_err(|e| e.to_string())?;
    let token = Ed25519
        .validator::<HashMap<String, Value>>(&key)
        .validate(&untrusted)
        .map_err(|e| e.to_string())?;
    let claims = token.claims();
    Ok(json!(claims.custom))
}

/// Runs `otp-portal keys rotate` on the app's configuration.
async fn rotate(app: &TestApp) -> std::process::Output {
    let database_url = app.database_url.clone();
    let dir = data_dir(app);
    tokio::task::spawn_blocking(move || {
        let cwd = tempfile::tempdir().unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_otp-portal"))
            .args(["keys", "rotate"])
            .env_clear()
            .env("DATABASE_URL", database_url)
            .env("DATA_DIR", dir)
            .env("SECRET_KEY", SECRET_KEY)
            .current_dir(cwd.path())
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn another_service_verifies_our_tokens_with_the_jwks_alone() {
    let app = app_with_published_keys(None).await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let head = header(&session.access_token);
    assert_eq!(head["alg"], "EdDSA", "{head}");
    let set = jwks(&app).await;
    assert_eq!(set["keys"].as_array().unwrap().len(), 1, "{set}");
    let key = &set["keys"][0];
    assert_eq!(
        (key["kty"].as_str(), key["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    assert_eq!(head["kid"], key["kid"]);
    assert!(key.get("d").is_none(), "a private key is published: {key}");

    let claims = verify_with(&set, &session.access_token).unwrap();
    assert_eq!(claims["sub"], session.user.id.to_string());
    assert_eq!(claims["iss"], "otp-portal");
    assert!(claims["sid"].is_string());

    // A token whose claims were changed after signing is refused by the outside verifier too.
    let mut parts: Vec<String> = session.access_token.split('.').map(str::to_owned).collect();
    let mut forged: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    forged["sub"] = json!("someone else");
    parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
    let forged = parts.join(".");
    assert!(verify_with(&set, &forged).is_err());
    expect_problem(app.me(&forged).await, 401, "unauthorized").await;
    // And an HS256 token (key confusion: the public key used as an HMAC secret) means nothing.
    let confused = jsonwebtoken::encode(
        &jsonwebtoken::Header {
            kid: key["kid"].as_str().map(str::to_owned),
            ..jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256)
        },
        &json!({"sub": session.user.id, "sid": claims["sid"], "iss": "otp-portal", "iat": 0, "exp": 4_000_000_000u64}),
        &jsonwebtoken::EncodingKey::from_secret(key["x"].as_str().unwrap().as_bytes()),
    )
    .unwrap();
    expect_problem(app.me(&confused).await, 401, "unauthorized").await;
    expect_json(app.me(&session.access_token).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_rotation_keeps_live_sessions_and_every_instance_follows_it() {
    let first = app_with_published_keys(None).await;
    let before = first
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    let old_kid = header(&before.access_token)["kid"].clone();

    let output = rotate(&first).await;
    assert!(
        output.status.success(),
        "keys rotate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("new signing key"), "{stderr}");

    // A second instance on the same database signs with the new key from its start...
    let second = app_with_published_keys(Some(&first)).await;
    let after = second.login_ok("alice", PASSWORD).await;
    let new_kid = header(&after.access_token)["kid"].clone();
    assert_ne!(
        new_kid, old_kid,
        "the second instance signs with the retired key"
    );

    // ...both keys are published (the old one until its tokens have expired)...
    let set = jwks(&second).await;
    let kids: Vec<&Value> = set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["kid"])
        .collect();
    assert!(
        kids.contains(&&old_kid) && kids.contains(&&new_kid),
        "{set}"
    );
    verify_with(&set, &before.access_token).unwrap();
    verify_with(&set, &after.access_token).unwrap();

    // ...and each instance takes the other's tokens: the first learns the new key at its first sight.
    for (app, token) in [
        (&first, &before.access_token),
        (&first, &after.access_token),
        (&second, &before.access_token),
        (&second, &after.access_token),
    ] {
        let me = expect_json(app.me(token).await, StatusCode::OK).await;
        assert_eq!(me["username"], "alice");
    }
    // A logout on one instance ends the session on the other at once.
    assert_eq!(second.logout(&before.access_token).await.status(), 204);
    expect_problem(first.me(&before.access_token).await, 401, "unauthorized").await;
}

#[tokio::test]
async fn with_a_shared_jwt_secret_there_is_nothing_to_publish_or_rotate() {
    let app = spawn_app_with(|_| {}).await;
    let session = app
        .register_and_verify("alice", "alice@example.com", PASSWORD)
        .await;
    assert_eq!(header(&session.access_token)["alg"], "HS256");
    expect_problem(app.get("/.well-known/jwks.json").await, 404, "not_found").await;
}

#[tokio::test]
async fn changing_the_jwt_secret_voids_no_code() {
    // One instance with one JWT_SECRET mails a code; another with a different JWT_SECRET (same
    // SECRET_KEY, same data) checks it: codes are keyed by the secret key alone.
    let first = spawn_app_with(|vars| {
        vars.insert("SECRET_KEY".into(), SECRET_KEY.into());
    })
    .await;
    first.register("alice", "alice@example.com", PASSWORD).await;
    let code = first
        .smtp
        .wait_for_mail("alice@example.com", VERIFY_EMAIL)
        .await
        .code();
    let token = first.registration_token("alice@example.com").unwrap();
    let (database_url, dir) = (first.database_url.clone(), data_dir(&first));
    let second = spawn_app_with(move |vars| {
        vars.insert("SECRET_KEY".into(), SECRET_KEY.into());
        vars.insert(
            "JWT_SECRET".into(),
            "another-secret-another-secret-another-secret".into(),
        );
        vars.insert("DATABASE_URL".into(), database_url);
        vars.insert("DATA_DIR".into(), dir);
    })
    .await;
    let verified = second
        .verify_email(
            &json!({"email": "alice@example.com", "code": code, "registration_token": token}),
        )
        .await;
    expect_json(verified, StatusCode::OK).await;
}
