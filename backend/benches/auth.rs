//! Micro-benchmarks of the server's per-request cryptography, through the crate's public API: the
//! HMAC of an e-mailed code, access tokens signed and checked with EdDSA (the key ring, the default) and
//! HS256 (`JWT_SECRET`), and one argon2id hash and verification at our parameters. The load tests
//! (`scripts/bench-ratios.sh`) read the argon2 figure from here to state the login ceiling.
//!
//! `cargo bench -p otp-portal --bench auth`; results in `$CARGO_TARGET_DIR/criterion/`.

// A benchmark whose set-up fails has nothing to measure: stopping at once is the right answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use otp_portal::auth::keys::Keys;
use otp_portal::auth::password::Hasher;
use otp_portal::auth::{otp, tokens};
use otp_portal::settings::Settings;
use otp_portal::store::codes::Purpose;
use shared::domain::OtpCode;

const SECRET_KEY: &str = "bench-secret-key-bench-secret-key-0123456789";
const JWT_SECRET: &str = "bench-secret-bench-secret-bench-secret-0123";

/// The server's keys as `serve` loads them: the key ring in a fresh SQLite database (EdDSA), or
/// `JWT_SECRET` (HS256).
fn keys(dir: &std::path::Path, jwt_secret: Option<&str>) -> Keys {
    let data_dir = dir.display().to_string();
    let jwt_secret = jwt_secret.map(str::to_owned);
    let settings = Settings::from_lookup(|key| match key {
        "DATA_DIR" => Some(data_dir.clone()),
        "SECRET_KEY" => Some(SECRET_KEY.to_owned()),
        "JWT_SECRET" => jwt_secret.clone(),
        _ => None,
    })
    .unwrap();
    let pool =
        otp_portal::store::connect(&format!("sqlite://{}/portal.db", dir.display())).unwrap();
    Keys::load(&settings, &pool).unwrap()
}

fn code_hash(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let keys = keys(dir.path(), Some(JWT_SECRET));
    let code = OtpCode::parse("042917").unwrap();
    // The binding of a registration's code: the address and the registration id.
    let binding = "alice@example.com\n0b7c6f43-5c1e-4c56-9a55-3a1f8f0f0a11";
    let stored = otp::hash(&keys.code_key, Purpose::VerifyEmail, binding, &code);
    let mut group = c.benchmark_group("code");
    group.bench_function("hash", |b| {
        b.iter(|| {
            otp::hash(
                &keys.code_key,
                Purpose::VerifyEmail,
                black_box(binding),
                &code,
            )
        })
    });
    group.bench_function("matches", |b| {
        b.iter(|| {
            otp::matches(
                &keys.code_key,
                Purpose::VerifyEmail,
                black_box(binding),
                &code,
                black_box(&stored),
            )
        })
    });
    group.finish();
}

fn jwt(c: &mut Criterion) {
    let ttl = Duration::from_secs(900);
    let user = "8d0f3c52-2f7a-4d7e-9d5b-6f1f4f7f2b10";
    let session = "3e9b1a77-0c2d-4f55-8a0e-1b2c3d4e5f60";
    for (name, jwt_secret) in [("eddsa", None), ("hs256", Some(JWT_SECRET))] {
        let dir = tempfile::tempdir().unwrap();
        let keys = keys(dir.path(), jwt_secret);
        let token = tokens::issue_access(&keys, user, session, ttl).unwrap();
        assert!(tokens::decode_access(&keys, &token).is_some());
        let mut group = c.benchmark_group(format!("jwt_{name}"));
        group.bench_function("sign", |b| {
            b.iter(|| tokens::issue_access(&keys, black_box(user), session, ttl).unwrap())
        });
        group.bench_function("check", |b| {
            b.iter(|| tokens::decode_access(&keys, black_box(&token)).unwrap())
        });
        group.finish();
    }
}

fn argon2(c: &mut Criterion) {
    // One slot, as each core has in the server: its memory is allocated once and reused.
    let hasher = Hasher::new(1, 0).unwrap();
    let password = "correct horse battery staple";
    let phc = hasher.hash(password).unwrap();
    let mut group = c.benchmark_group("argon2id");
    // Tens of milliseconds per hash: ten samples over a few seconds are enough and keep the run short.
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("hash", |b| {
        b.iter(|| hasher.hash(black_box(password)).unwrap())
    });
    group.bench_function("verify", |b| {
        b.iter(|| assert!(hasher.verify(black_box(password), &phc).unwrap()))
    });
    // One verification on every core at once, each with its own slot, as the server runs them under
    // load: the time of the batch, which exceeds one verification's when the cores contend for memory
    // bandwidth and cache (19 MiB each). cores / this is the limit the machine can actually reach.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let slots: Vec<Hasher> = (0..cores).map(|_| Hasher::new(1, 0).unwrap()).collect();
    group.bench_function("verify_on_every_core", |b| {
        b.iter(|| {
            std::thread::scope(|scope| {
                for slot in &slots {
                    let phc = &phc;
                    scope.spawn(move || assert!(slot.verify(black_box(password), phc).unwrap()));
                }
            })
        })
    });
    group.finish();
}

fn short() -> Criterion {
    // The fast functions settle within a second; the defaults (5 s each, 100 samples) would only add
    // minutes to a run on a shared machine.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = short();
    targets = code_hash, jwt, argon2
}
criterion_main!(benches);
