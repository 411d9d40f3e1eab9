//! Signed-in state held in memory, so that a request with a valid access token is answered without the
//! database or a signature check: the tokens already checked, the open sessions, and the accounts' views.
//!
//! Correct only while every change that could make an entry wrong reaches it: the store records each one
//! (`store::changes`), the writing instance applies it once committed, and every other instance hears
//! it: on PostgreSQL on the notification channel ([`crate::store::listen`]), on SQLite from the
//! `auth_changes` table it reads before use. While a PostgreSQL instance is not listening (starting, or
//! its listening connection lost) its cache is off and every request goes to the database; coming back
//! it starts empty, since changes may have been missed meanwhile.
//!
//! An entry read from the database is kept only if no change arrived while it was being read (the
//! generation is unchanged), so a read that raced a change cannot bring back what the change ended.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use shared::api::User;

use super::tokens::AccessClaims;
use crate::store::changes::{Change, Polled, SqliteWatch, Ticket};
use crate::store::Timestamp;

/// Entries of each kind beyond this empty that kind (simpler than LRU, and rare: one per session).
const CAPACITY: usize = 100_000;

/// An account's view is read again after this long even when no change was heard: a safety net for a
/// row changed outside the store's functions (by hand, say). Admin calls read the database every time.
const VIEW_TTL: Duration = Duration::from_secs(10);

/// How long a writer waits for every listening instance to acknowledge its change (PostgreSQL). Longer
/// than a listener's lease (`store::listen::LEASE`): an instance cut off without a word (its backend
/// still listed as listening, its packets lost) cannot acknowledge, and by the time the writer stops
/// waiting and answers its client, that instance's lease has run out and it holds nothing.
pub const ACK_WAIT: Duration = Duration::from_secs(3);
const _: () = assert!(crate::store::listen::LEASE.as_millis() < ACK_WAIT.as_millis());

/// Acknowledgements kept, for a writer that starts waiting after some arrived.
const ACKS_KEPT: usize = 4096;

pub struct AuthCache {
    state: Mutex<State>,
    acked: Condvar,
    shared: bool,
    /// SQLite: the changes other processes (and this one's other connections) committed, seen
    /// through several connections so that threads do not queue for one (each finds what its own
    /// connection has not seen yet, so any of them is up to date after its poll).
    watches: Vec<Mutex<SqliteWatch>>,
    /// SQLite: the database file, to find this process's other caches on it.
    file: Option<PathBuf>,
    /// Session lookups answered from memory, and not.
    hits: AtomicU64,
    misses: AtomicU64,
}

struct State {
    /// On for an instance alone on its database; on PostgreSQL only while listening.
    on: bool,
    generation: u64,
    tokens: HashMap<String, AccessClaims>,
    sessions: HashMap<String, Session>,
    users: HashMap<String, View>,
    /// Recent acknowledgements: (tag, listening backend).
    acks: std::collections::VecDeque<(u64, i32)>,
    /// PostgreSQL: until when the listener last proved it hears the server (see [`AuthCache::renew`]).
    /// Past it the cache turns itself off, whatever the listener's task is doing.
    lease: Option<Instant>,
}

struct Session {
    user_id: String,
    expires_at: Timestamp,
}

struct View {
    user: User,
    read_at: Instant,
}

/// The generation before a read from the database; pass it back to keep what was read.
#[derive(Clone, Copy)]
pub struct Generation(Option<u64>);

impl AuthCache {
    /// Told only of this process's own changes (unit tests).
    pub fn local() -> Self {
        Self::new(true, false, Vec::new(), None)
    }

    /// For SQLite: looks at `auth_changes` through one of `watches` before every use, and hears this
    /// process's changes to the file at `path` directly (from every cache of this process on it).
    pub fn sqlite(path: &str, watches: Vec<SqliteWatch>) -> Arc<Self> {
        let file = std::fs::canonicalize(path).unwrap_or_else(|_| path.into());
        let cache = Arc::new(Self::new(
            true,
            false,
            watches.into_iter().map(Mutex::new).collect(),
            Some(file.clone()),
        ));
        let mut registry = SQLITE_CACHES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        registry.retain(|(_, cache)| cache.strong_count() > 0);
        registry.push((file, Arc::downgrade(&cache)));
        drop(registry);
        cache
    }

    /// For PostgreSQL: off until the listener says it hears every instance's changes.
    pub fn shared() -> Self {
        Self::new(false, true, Vec::new(), None)
    }

    fn new(
        on: bool,
        shared: bool,
        watches: Vec<Mutex<SqliteWatch>>,
        file: Option<PathBuf>,
    ) -> Self {
        Self {
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            watches,
            file,
            state: Mutex::new(State {
                on,
                generation: 0,
                tokens: HashMap::new(),
                sessions: HashMap::new(),
                users: HashMap::new(),
                acks: std::collections::VecDeque::new(),
                lease: None,
            }),
            acked: Condvar::new(),
            shared,
        }
    }

    /// The state, once brought up to date with what other connections committed (SQLite). The watch
    /// stays locked until the changes are applied, so no request reads the state between another's
    /// poll and its applying what the poll found.
    fn lock(&self) -> MutexGuard<'_, State> {
        if self.watches.is_empty() {
            return self.raw();
        }
        let mut watch = self.watches[thread_slot() % self.watches.len()]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let polled = watch.poll();
        let mut state = self.raw();
        match polled {
            Ok(Polled::Nothing) => {}
            Ok(Polled::Changes(changes)) => state.forget(&changes),
            Ok(Polled::Gap) => state.clear(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the changes of other connections: the cache starts again");
                state.clear();
            }
        }
        drop(watch);
        state
    }

    fn raw(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves nothing half-done that matters: maps are replaced whole.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.on && state.lease.is_some_and(|until| Instant::now() >= until) {
            tracing::warn!(
                "the listener has not heard the database in time: every request reads the database \
                 until it does"
            );
            // Kept, not served: the listener goes on applying what it hears, and serving resumes only
            // on an answer that proves it heard everything up to then ([`AuthCache::renew`]). Reads
            // begun before the lapse are not kept.
            state.generation += 1;
            state.on = false;
        }
        state
    }

    pub fn is_on(&self) -> bool {
        self.raw().on
    }

    /// Listening (or not) from now on; either way what is held may be stale, so it goes.
    pub fn set_on(&self, on: bool) {
        let mut state = self.raw();
        state.clear();
        state.on = on;
        if !on {
            state.lease = None;
        }
        drop(state);
        self.acked.notify_all();
    }

    /// The listener heard the server answer a request it sent at `sent`: every change committed before
    /// the server answered was delivered before that answer, on the same connection, and applied. The
    /// cache may serve from memory until `until` (`sent` plus the lease). A cache whose lease had run
    /// out resumes with what it holds: the connection is the same (a lost one empties the cache,
    /// [`AuthCache::set_on`]), so every change since was heard and applied, in order, lapse or not.
    pub fn renew(&self, until: Instant) {
        let mut state = self.raw();
        state.on = true;
        state.lease = Some(until);
        drop(state);
        self.acked.notify_all();
    }

    pub fn generation(&self) -> Generation {
        let state = self.lock();
        Generation(state.on.then_some(state.generation))
    }

    /// The claims of `token` if it was checked before and has not expired at `now` (Unix seconds).
    pub fn claims(&self, token: &str, now: i64) -> Option<AccessClaims> {
        let state = self.raw();
        if !state.on {
            return None;
        }
        state.tokens.get(token).filter(|c| now < c.exp).cloned()
    }

    /// A token whose signature and claims were just checked. Tokens do not change, so no generation.
    pub fn remember_claims(&self, token: &str, claims: &AccessClaims) {
        let mut state = self.raw();
        if state.on {
            insert_bounded(&mut state.tokens, token, claims.clone());
        }
    }

    /// Whether session `sid` of account `sub` is known to be open at `now`.
    pub fn session_open(&self, sid: &str, sub: &str, now: Timestamp) -> bool {
        let open = self.session_owner(sid, now).as_deref() == Some(sub);
        let counter = if open { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        open
    }

    /// The account of session `sid` if it is known to be open at `now`.
    pub fn session_owner(&self, sid: &str, now: Timestamp) -> Option<String> {
        let state = self.lock();
        if !state.on {
            return None;
        }
        let session = state.sessions.get(sid).filter(|s| now < s.expires_at)?;
        Some(session.user_id.clone())
    }

    /// Whether the cache is in use, and its session lookups answered from memory and not.
    pub fn stats(&self) -> (bool, u64, u64) {
        (
            self.raw().on,
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Waits (up to `limit`) for the cache to be in use: on PostgreSQL, for the listener.
    pub async fn wait_until_on(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while !self.is_on() {
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        true
    }

    pub fn remember_session(
        &self,
        generation: Generation,
        sid: &str,
        user_id: &str,
        expires_at: Timestamp,
    ) {
        let mut state = self.lock();
        if state.current(generation) {
            let session = Session {
                user_id: user_id.to_owned(),
                expires_at,
            };
            insert_bounded(&mut state.sessions, sid, session);
        }
    }

    /// The view of an enabled account, if held and fresh.
    pub fn user(&self, id: &str) -> Option<User> {
        Self::view(&self.lock(), id)
    }

    /// As [`AuthCache::user`], for a request whose session was just checked here: that check brought
    /// the cache up to date (SQLite), and the answer is as of then. Sessions only ever close, so a
    /// session found open then was open at that moment too.
    pub fn user_after_check(&self, id: &str) -> Option<User> {
        Self::view(&self.raw(), id)
    }

    fn view(state: &State, id: &str) -> Option<User> {
        if !state.on {
            return None;
        }
        let view = state.users.get(id)?;
        (view.read_at.elapsed() < VIEW_TTL).then(|| view.user.clone())
    }

    /// The view of an account read enabled from the database.
    pub fn remember_user(&self, generation: Generation, id: &str, user: &User) {
        let mut state = self.lock();
        if state.current(generation) {
            let view = View {
                user: user.clone(),
                read_at: Instant::now(),
            };
            insert_bounded(&mut state.users, id, view);
        }
    }

    /// Forgets what `changes` may have made wrong.
    pub fn apply(&self, changes: &[Change]) {
        self.raw().forget(changes);
    }

    /// Applies what this instance just committed and, on PostgreSQL, waits until every instance that
    /// was listening when it committed has acknowledged applying it, so that the client hears that the
    /// change is done only once no instance would still accept what it ended.
    pub fn apply_own(&self, changes: Vec<(Change, Option<Ticket>)>) {
        if changes.is_empty() {
            return;
        }
        let mut awaited: Vec<(u64, i32)> = Vec::new();
        for ticket in changes.iter().filter_map(|(_, ticket)| ticket.as_ref()) {
            for pid in &ticket.listeners {
                if !awaited.contains(&(ticket.tag, *pid)) {
                    awaited.push((ticket.tag, *pid));
                }
            }
        }
        let changes: Vec<Change> = changes.into_iter().map(|(change, _)| change).collect();
        self.apply(&changes);
        if !self.shared {
            self.tell_neighbours(&changes);
            return;
        }
        let deadline = Instant::now() + ACK_WAIT;
        let mut state = self.raw();
        loop {
            awaited.retain(|ack| !state.acks.contains(ack));
            // Not listening, this instance cannot hear the acknowledgements: the others still get the
            // announcement, a moment later perhaps.
            if awaited.is_empty() || !state.on {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                tracing::warn!(
                    missing = awaited.len(),
                    "a change was not acknowledged by every listening instance within {ACK_WAIT:?}: \
                     one may still accept a revoked session for a moment"
                );
                return;
            }
            state = self
                .acked
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// Instance `pid` (its listening backend) has applied the change `tag`.
    pub fn acknowledged(&self, tag: u64, pid: i32) {
        let mut state = self.raw();
        if state.acks.len() >= ACKS_KEPT {
            state.acks.pop_front();
        }
        state.acks.push_back((tag, pid));
        drop(state);
        self.acked.notify_all();
    }
}

/// Holds `value` under `key`; a map at [`CAPACITY`] is emptied first.
fn insert_bounded<V>(map: &mut HashMap<String, V>, key: &str, value: V) {
    if map.len() >= CAPACITY {
        map.clear();
    }
    map.insert(key.to_owned(), value);
}

/// A number of this thread's own, to spread threads over the watches.
fn thread_slot() -> usize {
    use std::sync::atomic::AtomicUsize;
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static SLOT: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    SLOT.with(|slot| *slot)
}

impl AuthCache {
    /// The other caches of this process on the same SQLite file (servers started side by side, as the
    /// tests do) learn of the change at once, not at their next look at the file.
    fn tell_neighbours(&self, changes: &[Change]) {
        let Some(file) = &self.file else {
            return;
        };
        let neighbours: Vec<Arc<AuthCache>> = SQLITE_CACHES
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .filter(|(other, _)| other == file)
            .filter_map(|(_, cache)| cache.upgrade())
            .filter(|cache| !std::ptr::eq(cache.as_ref(), self))
            .collect();
        for neighbour in neighbours {
            neighbour.apply(changes);
        }
    }
}

/// The caches of this process on SQLite files, by file.
static SQLITE_CACHES: Mutex<Vec<(PathBuf, Weak<AuthCache>)>> = Mutex::new(Vec::new());

impl State {
    fn forget(&mut self, changes: &[Change]) {
        self.generation += 1;
        for change in changes {
            match change {
                Change::User(id) => {
                    self.users.remove(id);
                    self.sessions.retain(|_, s| s.user_id != *id);
                }
                Change::Session(id) => {
                    self.sessions.remove(id);
                }
            }
        }
    }

    fn current(&self, generation: Generation) -> bool {
        self.on && generation.0 == Some(self.generation)
    }

    fn clear(&mut self) {
        self.generation += 1;
        self.tokens.clear();
        self.sessions.clear();
        self.users.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(seconds, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let cache = AuthCache::local();
        let before = cache.generation();
        cache.apply(&[Change::Session("s".into())]);
        cache.remember_session(before, "s", "u", at(100));
        assert!(!cache.session_open("s", "u", at(1)));
        cache.remember_session(cache.generation(), "s", "u", at(100));
        assert!(cache.session_open("s", "u", at(1)));
        assert!(!cache.session_open("s", "someone else", at(1)));
        assert!(!cache.session_open("s", "u", at(100)), "expired");
    }

    #[test]
    fn a_change_to_the_account_ends_every_session_held_for_it() {
        let cache = AuthCache::local();
        let generation = cache.generation();
        cache.remember_session(generation, "s1", "u", at(100));
        cache.remember_session(generation, "s2", "u", at(100));
        cache.remember_session(generation, "s3", "v", at(100));
        cache.apply(&[Change::User("u".into())]);
        assert!(!cache.session_open("s1", "u", at(1)));
        assert!(!cache.session_open("s2", "u", at(1)));
        assert!(cache.session_open("s3", "v", at(1)));
    }

    #[test]
    fn a_shared_cache_holds_nothing_until_it_listens_and_forgets_all_when_it_stops() {
        let cache = AuthCache::shared();
        cache.remember_session(cache.generation(), "s", "u", at(100));
        assert!(!cache.session_open("s", "u", at(1)));
        cache.set_on(true);
        let generation = cache.generation();
        cache.remember_session(generation, "s", "u", at(100));
        assert!(cache.session_open("s", "u", at(1)));
        cache.set_on(false);
        assert!(!cache.session_open("s", "u", at(1)));
        cache.set_on(true);
        cache.remember_session(generation, "s", "u", at(100));
        assert!(
            !cache.session_open("s", "u", at(1)),
            "read before the gap, kept after it"
        );
    }

    #[test]
    fn a_writer_returns_once_every_listening_instance_acknowledged() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let cache = std::sync::Arc::new(AuthCache::shared());
        cache.set_on(true);
        let ticket = Ticket {
            tag: 7,
            listeners: vec![100, 200],
        };
        let second = std::sync::Arc::new(AtomicBool::new(false));
        let listener = {
            let (cache, second) = (cache.clone(), second.clone());
            std::thread::spawn(move || {
                cache.acknowledged(7, 100);
                std::thread::sleep(Duration::from_millis(50));
                second.store(true, Ordering::SeqCst);
                cache.acknowledged(7, 200);
            })
        };
        cache.apply_own(vec![(Change::User("u".into()), Some(ticket))]);
        assert!(
            second.load(Ordering::SeqCst),
            "returned before the second instance acknowledged"
        );
        listener.join().unwrap();
        // Acknowledged before the writer asks: kept, found, no wait.
        cache.acknowledged(8, 100);
        assert!(cache.raw().acks.contains(&(8, 100)));
        let ticket = Ticket {
            tag: 8,
            listeners: vec![100],
        };
        cache.apply_own(vec![(Change::User("u".into()), Some(ticket))]);
    }

    #[test]
    fn a_lease_that_runs_out_turns_the_cache_off_until_it_is_renewed() {
        let cache = AuthCache::shared();
        cache.renew(Instant::now() + Duration::from_millis(100));
        cache.remember_session(cache.generation(), "s", "u", at(100));
        assert!(cache.session_open("s", "u", at(1)));
        // No heartbeat answered in time (a silent network): nothing is served from memory, and what a
        // read made before the lapse brings back is not kept.
        let before_the_lapse = cache.generation();
        std::thread::sleep(Duration::from_millis(150));
        assert!(!cache.session_open("s", "u", at(1)));
        assert!(!cache.is_on());
        cache.remember_session(before_the_lapse, "s2", "u2", at(100));
        // Meanwhile the listener applies what it hears: here the end of session "s".
        cache.apply(&[Change::Session("s".into())]);
        // A later answer on the same connection turns it on again, with what it held and heard.
        cache.renew(Instant::now() + Duration::from_secs(60));
        assert!(cache.is_on());
        assert!(
            !cache.session_open("s", "u", at(1)),
            "ended during the lapse"
        );
        assert!(
            !cache.session_open("s2", "u2", at(1)),
            "read before the lapse, not kept"
        );
        cache.remember_session(cache.generation(), "t", "u", at(100));
        assert!(cache.session_open("t", "u", at(1)));
    }

    #[test]
    fn what_was_held_before_a_lapse_is_served_again_after_it() {
        let cache = AuthCache::shared();
        cache.renew(Instant::now() + Duration::from_millis(100));
        cache.remember_session(cache.generation(), "s", "u", at(100));
        std::thread::sleep(Duration::from_millis(150));
        assert!(!cache.session_open("s", "u", at(1)));
        cache.renew(Instant::now() + Duration::from_secs(60));
        assert!(cache.session_open("s", "u", at(1)));
        // A lost connection is another matter: everything goes.
        cache.set_on(false);
        cache.renew(Instant::now() + Duration::from_secs(60));
        assert!(!cache.session_open("s", "u", at(1)));
    }
}
