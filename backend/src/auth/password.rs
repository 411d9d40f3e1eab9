//! argon2id password hashing with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use anyhow::anyhow;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, Version};
#[cfg(test)]
use argon2::{PasswordHasher, PasswordVerifier};

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The working memory of one argon2 computation (19 MiB), allocated once per slot and reused: a fresh
/// allocation per hash is kept by the allocator after it is freed, so memory would grow with traffic.
type Blocks = Vec<argon2::Block>;

fn new_blocks() -> anyhow::Result<Blocks> {
    let params = argon2()?.params().clone();
    Ok(vec![argon2::Block::default(); params.block_count()])
}

/// Like [`hash`], in `blocks`.
fn hash_in(password: &str, blocks: &mut Blocks) -> anyhow::Result<String> {
    let argon2 = argon2()?;
    let params = argon2.params().clone();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow!("decoding a fresh salt: {e}"))?;
    let mut out = [0u8; 32];
    argon2
        .hash_password_into_with_memory(password.as_bytes(), raw_salt, &mut out, &mut blocks[..])
        .map_err(|e| anyhow!("hashing a password: {e}"))?;
    // The PHC string format of `hash` (B64 is base64 without padding).
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        salt.as_str(),
        STANDARD_NO_PAD.encode(out)
    ))
}

/// Like [`verify`], in `blocks` when the stored hash has our parameters (else in fresh memory).
fn verify_in(password: &str, phc: &str, blocks: &mut Blocks) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let computed = if blocks.len() == params.block_count() {
        argon2.hash_password_into_with_memory(
            password.as_bytes(),
            raw_salt,
            &mut out,
            &mut blocks[..],
        )
    } else {
        argon2.hash_password_into(password.as_bytes(), raw_salt, &mut out)
    };
    computed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// The library's own hashing, kept as the reference the tests check [`hash_in`] against.
#[cfg(test)]
fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("hashing a password: {e}"))
}

/// The library's own verification, kept as the reference the tests check [`verify_in`] against.
#[cfg(test)]
fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2()
        .map(|a| a.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Every argon2 computation of the server goes through here. At most `slots` run at once (each takes
/// 19 MiB for a few tens of milliseconds of one core); a few more may wait briefly, and past that the
/// request is refused with a retryable `503`, so a flood costs bounded memory and leaves the cores to
/// everyone else. The per-IP limits and the CAPTCHA gate run before any caller gets here.
pub struct Hasher {
    /// Admission, taken on the async side before any blocking work: slots plus queue. A request that
    /// finds none is refused at once, without a blocking thread or a database connection.
    admission: Arc<Semaphore>,
    /// One working memory per slot.
    memory: Mutex<Vec<Blocks>>,
    gate: Mutex<GateState>,
    freed: Condvar,
    slots: usize,
    max_waiting: usize,
    max_wait: Duration,
    /// A hash of a random password, verified against when a login names nobody, so that an unknown login
    /// costs the same time as a wrong password.
    decoy: String,
}

#[derive(Default)]
struct GateState {
    running: usize,
    waiting: usize,
}

/// A request's place among those that may hash, given back when the request is answered.
pub struct Admission(#[allow(dead_code)] OwnedSemaphorePermit);

/// A running slot, given back when dropped.
struct Slot<'a>(&'a Hasher);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.running -= 1;
        drop(state);
        self.0.freed.notify_one();
    }
}

impl Hasher {
    /// `slots` running at once (at least 1) and `max_waiting` queued behind them.
    pub fn new(slots: usize, max_waiting: usize) -> anyhow::Result<Self> {
        let random: [u8; 16] = rand::random();
        let slots = slots.max(1);
        let mut memory: Vec<Blocks> = (0..slots)
            .map(|_| new_blocks())
            .collect::<anyhow::Result<_>>()?;
        // In a slot's memory, so that start-up touches no more than the slots hold.
        let decoy = match memory.first_mut() {
            Some(blocks) => hash_in(&hex::encode(random), blocks)?,
            None => hash_in(&hex::encode(random), &mut new_blocks()?)?,
        };
        Ok(Self {
            admission: Arc::new(Semaphore::new(slots + max_waiting)),
            memory: Mutex::new(memory),
            gate: Mutex::new(GateState::default()),
            freed: Condvar::new(),
            slots,
            max_waiting,
            max_wait: Duration::from_secs(2),
            decoy,
        })
    }

    /// One slot per core, and a queue of `queue` (by default twice as long as there are cores).
    pub fn for_this_machine(queue: Option<usize>) -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, queue.unwrap_or(2 * cores))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        // The state is two counters updated in one step each: a panic elsewhere cannot leave it torn.
        self.gate
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn enter(&self) -> Result<Slot<'_>, AppError> {
        let mut state = self.lock();
        if state.running < self.slots {
            state.running += 1;
            return Ok(Slot(self));
        }
        if state.waiting >= self.max_waiting {
            tracing::warn!(
                running = state.running,
                waiting = state.waiting,
                "password hashing saturated"
            );
            return Err(AppError::HashingBusy);
        }
        state.waiting += 1;
        let (mut state, _) = self
            .freed
            .wait_timeout_while(state, self.max_wait, |s| s.running >= self.slots)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.waiting -= 1;
        if state.running >= self.slots {
            return Err(AppError::HashingBusy);
        }
        state.running += 1;
        Ok(Slot(self))
    }

    /// A place among the requests that may hash, or `503` at once: the route takes it before handing the
    /// request to a blocking thread, and the request holds it until it is answered.
    pub fn admit(&self) -> Result<Admission, AppError> {
        self.admission
            .clone()
            .try_acquire_owned()
            .map(Admission)
            .map_err(|_| AppError::HashingBusy)
    }

    /// Runs `f` with one slot's working memory.
    fn with_memory<T>(&self, f: impl FnOnce(&mut Blocks) -> T) -> Result<T, AppError> {
        let _slot = self.enter()?;
        let taken = self
            .memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        let mut blocks = match taken {
            Some(blocks) => blocks,
            None => new_blocks()?,
        };
        let result = f(&mut blocks);
        self.memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(blocks);
        Ok(result)
    }

    /// How many computations run and wait right now.
    pub fn load(&self) -> (usize, usize) {
        let state = self.lock();
        (state.running, state.waiting)
    }

    pub fn hash(&self, password: &str) -> Result<String, AppError> {
        Ok(self.with_memory(|blocks| hash_in(password, blocks))??)
    }

    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, AppError> {
        self.with_memory(|blocks| verify_in(password, phc, blocks))
    }

    /// The work of a verification that cannot succeed.
    pub fn burn(&self, password: &str) -> Result<(), AppError> {
        self.verify(password, &self.decoy).map(drop)
    }

    /// Verifies against `phc` if there is one, else burns the same work: an absent account (or
    /// registration) costs the time of a present one.
    pub fn verify_or_burn(&self, password: &str, phc: Option<&str>) -> Result<bool, AppError> {
        match phc {
            Some(phc) => self.verify(password, phc),
            None => self.burn(password).map(|()| false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password_and_is_salted() {
        let a = hash("correct horse").unwrap();
        let b = hash("correct horse").unwrap();
        assert_ne!(a, b, "two hashes of one password share a salt");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(verify("correct horse", &a));
        assert!(!verify("correct horsE", &a));
        assert!(!verify("correct horse", "not a phc string"));
    }

    #[test]
    fn the_reused_memory_makes_the_same_hashes_as_the_library() {
        let hasher = Hasher::new(1, 0).unwrap();
        let ours = hasher.hash("correct horse").unwrap();
        assert!(
            ours.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{ours}"
        );
        assert!(
            verify("correct horse", &ours),
            "the library accepts our PHC string"
        );
        assert!(!verify("correct horsE", &ours));
        let theirs = hash("correct horse").unwrap();
        assert!(hasher.verify("correct horse", &theirs).unwrap());
        assert!(!hasher.verify("correct horsE", &theirs).unwrap());
        assert!(!hasher.verify("correct horse", "not a phc string").unwrap());
        // A hash made with other parameters still verifies (in memory of its own size).
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(hasher.verify("correct horse", &other).unwrap());
    }

    #[test]
    fn admission_is_refused_once_slots_and_queue_are_taken() {
        let hasher = Hasher::new(1, 1).unwrap();
        let first = hasher.admit().unwrap();
        let _second = hasher.admit().unwrap();
        assert!(matches!(hasher.admit(), Err(AppError::HashingBusy)));
        drop(first);
        assert!(hasher.admit().is_ok());
    }

    #[test]
    fn past_its_slots_and_queue_the_hasher_refuses_instead_of_piling_up() {
        let hasher = std::sync::Arc::new(Hasher::new(1, 1).unwrap());
        let running = hasher.enter().unwrap();
        let queued = {
            let hasher = hasher.clone();
            std::thread::spawn(move || hasher.hash("correct horse"))
        };
        while hasher.load() != (1, 1) {
            std::thread::yield_now();
        }
        assert!(matches!(
            hasher.hash("correct horse"),
            Err(AppError::HashingBusy)
        ));
        drop(running);
        let phc = queued.join().unwrap().unwrap();
        assert!(
            verify("correct horse", &phc),
            "the queued request ran once a slot was free"
        );
        assert_eq!(hasher.load(), (0, 0), "every slot is given back");
    }
}
