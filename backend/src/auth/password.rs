//! argon2id password hashing with the OWASP-recommended parameters (19 MiB, 2 passes, 1 lane).

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use anyhow::anyhow;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};

use crate::error::AppError;

fn argon2() -> anyhow::Result<Argon2<'static>> {
    let params =
        Params::new(19 * 1024, 2, 1, None).map_err(|e| anyhow!("argon2 parameters: {e}"))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A PHC string with a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow!("hashing a password: {e}"))
}

/// Verifies against a stored PHC string; a malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
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
        Ok(Self {
            gate: Mutex::new(GateState::default()),
            freed: Condvar::new(),
            slots: slots.max(1),
            max_waiting,
            max_wait: Duration::from_secs(2),
            decoy: hash(&hex::encode(random))?,
        })
    }

    /// One slot per core, and a queue twice as long.
    pub fn for_this_machine() -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(cores, 2 * cores)
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

    /// How many computations run and wait right now.
    pub fn load(&self) -> (usize, usize) {
        let state = self.lock();
        (state.running, state.waiting)
    }

    pub fn hash(&self, password: &str) -> Result<String, AppError> {
        let _slot = self.enter()?;
        Ok(hash(password)?)
    }

    pub fn verify(&self, password: &str, phc: &str) -> Result<bool, AppError> {
        let _slot = self.enter()?;
        Ok(verify(password, phc))
    }

    /// The work of a verification that cannot succeed.
    pub fn burn(&self, password: &str) -> Result<(), AppError> {
        self.verify(password, &self.decoy).map(drop)
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
