//! Request limits per client, per target address and for the whole server, kept in memory with GCRA
//! (governor). A client is an IPv4 address or an IPv6 prefix (a /64 unless configured otherwise).
//!
//! A request is checked narrow to broad (the client, then the address, then the server) and the first
//! refusal ends the walk, so a request refused by a narrower limit spends nothing of a broader one: the
//! server-wide budget, which protects the mail relay, can only be spent by requests each client was
//! allowed, and one client cannot drain it for everyone else.
//!
//! Mail-sending requests have two tiers: past the soft one a solved CAPTCHA is required (`428`), past the
//! hard one the request is refused (`429`). They interleave so that:
//! 1. the client's own hard limit counts every request it makes, those answered `428` included, so a
//!    client that ignores the CAPTCHA soon meets it;
//! 2. without a solution, the soft tier is walked narrow to broad; a request it stops has spent nothing
//!    broader than the client's own budgets;
//! 3. only then are the address's and the server's hard budgets charged, in that order.
//!
//! These tables are each instance's own, a cheap first line that sheds a flood without touching the
//! database. Where several instances share the database (PostgreSQL), every per-client budget and the
//! CAPTCHA tier are counted again in it ([`take_shared`], `services::codes`), so behind a load balancer
//! a client gets its budget once, not once per instance. The hard mail budgets of an address and of the
//! server are always counted in the database (`store::rate_limits`), and the per-account login
//! throttle lives there too.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::{DashMapStateStore, ShrinkableKeyedStateStore};
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{NotUntil, Quota, RateLimiter};

use super::Ctx;
use crate::error::AppError;
use crate::settings::{LimitSettings, Settings};
use crate::store::{rate_limits, Timestamp};

/// The client of requests whose origin cannot be told: an `X-Forwarded-For` whose entries up to the
/// first untrusted hop do not parse, or a connection without a peer address. They share this one bucket
/// rather than escaping the per-client limits or being charged to a proxy; `0.0.0.0` is never a real peer.
pub const UNKNOWN_CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::UNSPECIFIED);

/// The most keys one table holds. An entry of an IP table is about 100 bytes and one of the address
/// table about 300 at worst, so the seven tables stay under roughly 100 MB whatever a flood of distinct
/// keys does. Keys leave once their allowance is full again (see [`Limits::prune`]). The address tables
/// are only reached by requests their client was allowed, so their keys are bounded by the clients'
/// allowances too.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// A full table is swept of stale keys at most this often, so a flood of new keys costs one sweep per
/// interval rather than one per request.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// Why a limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// The key has used up its allowance; it may try again after this many seconds.
    Exhausted { retry_after: u64 },
    /// The table holds as many other keys as it may; a new key may try again after this many seconds.
    TableFull { retry_after: u64 },
}

impl Refusal {
    fn retry_after(self) -> u64 {
        match self {
            Self::Exhausted { retry_after } | Self::TableFull { retry_after } => retry_after,
        }
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Exhausted { retry_after } => Self::RateLimited { retry_after },
            // Not this client's doing: too many others are being counted. `503` asks it to come back.
            Refusal::TableFull { .. } => Self::Unavailable(anyhow::anyhow!(
                "a rate-limit table is full of other clients"
            )),
        }
    }
}

/// Whole seconds, rounded up and at least 1 (a `Retry-After: 0` invites a tight loop).
fn whole_seconds(wait: Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

fn quota(per_hour: u32) -> Option<Quota> {
    NonZeroU32::new(per_hour).map(Quota::per_hour)
}

/// The key under which the per-client limits count `ip`: an IPv4 address (IPv4-mapped IPv6 included) as
/// itself, an IPv6 address by its first `ipv6_prefix` bits, since one customer usually holds a whole
/// /64 and could otherwise take a fresh address for every request.
pub fn client_key(ip: Option<IpAddr>, ipv6_prefix: u8) -> IpAddr {
    match ip.map(|ip| ip.to_canonical()) {
        None => UNKNOWN_CLIENT,
        Some(IpAddr::V4(v4)) => IpAddr::V4(v4),
        Some(IpAddr::V6(v6)) => {
            let host_bits = 128u32.saturating_sub(u32::from(ipv6_prefix));
            let mask = u128::MAX.checked_shl(host_bits).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & mask).into())
        }
    }
}

/// A keyed state store shared between the rate limiter, which writes it, and the cap on its size, which
/// reads it (governor keeps its store private).
struct SharedStore<K: Hash + Eq + Clone>(Arc<DashMapStateStore<K>>);

impl<K: Hash + Eq + Clone> StateStore for SharedStore<K> {
    type Key = K;

    fn measure_and_replace<T, F, E>(&self, key: &K, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        self.0.measure_and_replace(key, f)
    }
}

impl<K: Hash + Eq + Clone> ShrinkableKeyedStateStore<K> for SharedStore<K> {
    fn retain_recent(&self, drop_below: Nanos) {
        ShrinkableKeyedStateStore::retain_recent(&*self.0, drop_below);
    }

    fn shrink_to_fit(&self) {
        ShrinkableKeyedStateStore::shrink_to_fit(&*self.0);
    }

    fn len(&self) -> usize {
        ShrinkableKeyedStateStore::len(&*self.0)
    }

    fn is_empty(&self) -> bool {
        ShrinkableKeyedStateStore::is_empty(&*self.0)
    }
}

type KeyedLimiter<K, C> = RateLimiter<K, SharedStore<K>, C, NoOpMiddleware<<C as Clock>::Instant>>;
type DirectLimiter<C> =
    RateLimiter<NotKeyed, InMemoryState, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// An hourly allowance per key, in a table of at most `max_keys` keys; `None` when the setting is 0.
struct Keyed<K: Hash + Eq + Clone, C: Clock>(Option<CappedTable<K, C>>);

struct CappedTable<K: Hash + Eq + Clone, C: Clock> {
    limiter: KeyedLimiter<K, C>,
    keys: Arc<DashMapStateStore<K>>,
    max_keys: usize,
    /// How long one request takes to refill.
    refill: Duration,
    start: C::Instant,
    /// When the full table was last swept, in nanoseconds since `start`; `u64::MAX` before the first.
    last_sweep: AtomicU64,
}

impl<K: Hash + Eq + Clone, C: Clock + Clone> Keyed<K, C> {
    fn new(per_hour: u32, clock: &C, max_keys: usize) -> Self {
        Self(quota(per_hour).map(|quota| {
            let keys = Arc::new(DashMapStateStore::default());
            CappedTable {
                limiter: RateLimiter::new(quota, SharedStore(keys.clone()), clock.clone()),
                keys,
                max_keys,
                refill: quota.replenish_interval(),
                start: clock.now(),
                last_sweep: AtomicU64::new(u64::MAX),
            }
        }))
    }

    /// Counts one request of `key`, unless the key is over its allowance or is new to a full table.
    fn check(&self, key: &K) -> Result<(), Refusal> {
        let Some(table) = &self.0 else {
            return Ok(());
        };
        table.admit(key)?;
        table.limiter.check_key(key).map_err(|not_until| {
            let retry_after = wait_seconds(&not_until, table.limiter.clock().now());
            Refusal::Exhausted { retry_after }
        })
    }

    fn prune(&self) {
        if let Some(table) = &self.0 {
            table.limiter.retain_recent();
            table.limiter.shrink_to_fit();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |table| table.keys.len())
    }
}

impl<K: Hash + Eq + Clone, C: Clock> CappedTable<K, C> {
    /// Whether `key` may have an entry: a key already present always may; a new one needs room, made by
    /// sweeping stale keys if the table is full. Concurrent new keys may overshoot the cap by the number
    /// of requests in flight, which is bounded.
    fn admit(&self, key: &K) -> Result<(), Refusal> {
        if self.keys.contains_key(key) || self.keys.len() < self.max_keys {
            return Ok(());
        }
        if self.sweep_due() {
            self.limiter.retain_recent();
        }
        if self.keys.len() < self.max_keys {
            return Ok(());
        }
        // Governor deems a key that made one request stale after twice its refill.
        Err(Refusal::TableFull {
            retry_after: whole_seconds(self.refill.saturating_mul(2)),
        })
    }

    /// Claims the next sweep if `SWEEP_INTERVAL` has passed since the last one.
    fn sweep_due(&self) -> bool {
        let now = self
            .limiter
            .clock()
            .now()
            .duration_since(self.start)
            .as_u64();
        let last = self.last_sweep.load(Ordering::Relaxed);
        let due =
            last == u64::MAX || now.saturating_sub(last) >= Nanos::from(SWEEP_INTERVAL).as_u64();
        due && self
            .last_sweep
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
    }
}

fn wait_seconds<P: Reference>(not_until: &NotUntil<P>, now: P) -> u64 {
    whole_seconds(not_until.wait_time_from(now))
}

/// An hourly allowance for the whole server; `None` when the setting is 0.
struct Direct<C: Clock>(Option<DirectLimiter<C>>);

impl<C: Clock + Clone> Direct<C> {
    fn new(per_hour: u32, clock: &C) -> Self {
        Self(quota(per_hour).map(|quota| RateLimiter::direct_with_clock(quota, clock.clone())))
    }

    fn check(&self) -> Result<(), Refusal> {
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        limiter.check().map_err(|not_until| Refusal::Exhausted {
            retry_after: wait_seconds(&not_until, limiter.clock().now()),
        })
    }
}

/// One tier of the mail limits, from narrow to broad.
struct Tier<C: Clock> {
    per_client: Keyed<IpAddr, C>,
    per_address: Keyed<String, C>,
    total: Direct<C>,
}

impl<C: Clock + Clone> Tier<C> {
    fn new(per_client: u32, per_address: u32, total: u32, clock: &C, max_keys: usize) -> Self {
        Self {
            per_client: Keyed::new(per_client, clock, max_keys),
            per_address: Keyed::new(per_address, clock, max_keys),
            total: Direct::new(total, clock),
        }
    }

    fn prune(&self) {
        self.per_client.prune();
        self.per_address.prune();
    }
}

pub struct Limits<C: Clock = DefaultClock> {
    ipv6_prefix: u8,
    /// Mail for one address from one client: below the address's own allowance, so that no single
    /// source can use all of it and keep the owner from getting a code.
    mail_per_client_address: Keyed<(IpAddr, String), C>,
    mail_hard: Tier<C>,
    mail_soft: Tier<C>,
    code_checks_per_client: Keyed<IpAddr, C>,
    logins_per_client: Keyed<IpAddr, C>,
    refreshes_per_client: Keyed<IpAddr, C>,
    /// Requests of clients' budgets this instance took from the database ahead ([`take_shared`]).
    prepaid: Prepaid,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    CaptchaRequired,
    Refused { retry_after: u64 },
}

impl Limits {
    pub fn new(s: &LimitSettings) -> Self {
        Self::with_clock(s, &DefaultClock::default(), DEFAULT_MAX_KEYS)
    }
}

impl<C: Clock + Clone> Limits<C> {
    fn with_clock(s: &LimitSettings, clock: &C, max_keys: usize) -> Self {
        let keyed = |per_hour| Keyed::new(per_hour, clock, max_keys);
        Self {
            ipv6_prefix: s.ipv6_prefix,
            mail_per_client_address: Keyed::new(s.mail_per_address_per_ip, clock, max_keys),
            mail_hard: Tier::new(
                s.mail_per_ip,
                s.mail_per_address,
                s.mail_total,
                clock,
                max_keys,
            ),
            mail_soft: Tier::new(
                s.captcha_mail_per_ip,
                s.captcha_mail_per_address,
                s.captcha_mail_total,
                clock,
                max_keys,
            ),
            prepaid: Prepaid::default(),
            code_checks_per_client: keyed(s.code_checks_per_ip),
            logins_per_client: keyed(s.logins_per_ip),
            refreshes_per_client: keyed(s.refresh_per_ip),
        }
    }

    fn client(&self, ip: Option<IpAddr>) -> IpAddr {
        client_key(ip, self.ipv6_prefix)
    }

    /// A request that would send mail to `address` (its canonical form). See the module's comment for
    /// the order of the checks.
    pub fn mail(&self, ip: Option<IpAddr>, address: &str, captcha_solved: bool) -> Verdict {
        let client = self.client(ip);
        let refused = |refusal: Refusal| Verdict::Refused {
            retry_after: refusal.retry_after(),
        };
        if let Err(refusal) = self.mail_hard.per_client.check(&client) {
            return refused(refusal);
        }
        let address = address.to_owned();
        if let Err(refusal) = self
            .mail_per_client_address
            .check(&(client, address.clone()))
        {
            return refused(refusal);
        }
        if !captcha_solved {
            let soft = &self.mail_soft;
            let over_soft = soft.per_client.check(&client).is_err()
                || soft.per_address.check(&address).is_err()
                || soft.total.check().is_err();
            if over_soft {
                return Verdict::CaptchaRequired;
            }
        }
        let hard = &self.mail_hard;
        match hard
            .per_address
            .check(&address)
            .and_then(|()| hard.total.check())
        {
            Ok(()) => Verdict::Allowed,
            Err(refusal) => refused(refusal),
        }
    }

    /// A request that checks an e-mailed code.
    pub fn code_check(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        Ok(self.code_checks_per_client.check(&self.client(ip))?)
    }

    /// A request that checks a password.
    pub fn login(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        Ok(self.logins_per_client.check(&self.client(ip))?)
    }

    /// A request that exchanges a refresh token.
    pub fn refresh(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        Ok(self.refreshes_per_client.check(&self.client(ip))?)
    }

    /// Drops the state of keys that are back to a full allowance, so memory follows current traffic.
    pub fn prune(&self) {
        self.mail_per_client_address.prune();
        self.mail_hard.prune();
        self.mail_soft.prune();
        self.code_checks_per_client.prune();
        self.logins_per_client.prune();
        self.refreshes_per_client.prune();
    }
}

/// A per-client budget of the requests that are not mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientBudget {
    CodeChecks,
    Logins,
    Refreshes,
}

impl ClientBudget {
    fn name(self) -> &'static str {
        match self {
            Self::CodeChecks => "code-checks",
            Self::Logins => "logins",
            Self::Refreshes => "refreshes",
        }
    }

    fn per_hour(self, s: &LimitSettings) -> u32 {
        match self {
            Self::CodeChecks => s.code_checks_per_ip,
            Self::Logins => s.logins_per_ip,
            Self::Refreshes => s.refresh_per_ip,
        }
    }
}

impl<C: Clock + Clone> Limits<C> {
    /// Spends one request of `budget` in this instance's own table.
    pub fn per_client(&self, budget: ClientBudget, ip: Option<IpAddr>) -> Result<(), AppError> {
        match budget {
            ClientBudget::CodeChecks => self.code_check(ip),
            ClientBudget::Logins => self.login(ip),
            ClientBudget::Refreshes => self.refresh(ip),
        }
    }
}

/// Whether the per-client budgets are counted in the database as well: on PostgreSQL, which several
/// instances behind a load balancer share. A SQLite file has one server, whose own count is the whole.
pub fn counted_in_database(settings: &Settings) -> bool {
    matches!(
        crate::store::backend_of(&settings.database_url),
        Ok(crate::store::Kind::Postgres)
    )
}

/// The key under which the database counts `budget` of the client at `ip` (its address, or its IPv6
/// prefix, as the tables here count it).
pub fn shared_key(settings: &LimitSettings, budget: &str, ip: Option<IpAddr>) -> String {
    format!("client:{budget}:{}", client_key(ip, settings.ipv6_prefix))
}

/// The hourly allowance of `budget` the database counts, if it counts one: where
/// [`counted_in_database`], and the budget is not turned off (0).
pub fn shared_allowance(settings: &Settings, budget: ClientBudget) -> Option<u32> {
    let per_hour = budget.per_hour(&settings.limits);
    (counted_in_database(settings) && per_hour > 0).then_some(per_hour)
}

/// Requests of clients' budgets taken from the database ahead of use: what is left of each, and until
/// when it may be used.
#[derive(Default)]
struct Prepaid(std::sync::Mutex<std::collections::HashMap<String, (u32, std::time::Instant)>>);

impl Prepaid {
    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (u32, std::time::Instant)>>
    {
        // Counts each updated in one step: a panic elsewhere cannot leave one torn.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Entries of [`Prepaid`] beyond this empty it (each is a few requests of one client).
const PREPAID_CAPACITY: usize = 100_000;

/// How many requests of a budget of `per_hour` an instance takes from the database at once: a
/// hundredth of it (at most 1000). The database is asked once per that many requests of a busy
/// client; the price is that requests one instance took and its client then sent elsewhere are
/// refused to the client meanwhile, at most that many less one per instance (a budget is never
/// exceeded). Budgets under 200 an hour are taken one request at a time, exactly.
fn prepay_count(per_hour: u32) -> u32 {
    (per_hour / 100).clamp(1, 1000)
}

/// The key under which the database counts the client's `budget` (see [`shared_key`]).
pub fn client_budget_key(settings: &Settings, budget: ClientBudget, ip: Option<IpAddr>) -> String {
    shared_key(&settings.limits, budget.name(), ip)
}

/// Spends a request of the budget counted under `key` ([`client_budget_key`]) that this instance
/// took from the database ahead, if one is left: then the database need not be asked.
pub fn spend_prepaid(ctx: &Ctx, key: &str) -> bool {
    let mut prepaid = ctx.limits.prepaid.lock();
    match prepaid.get_mut(key) {
        Some((left, until)) if *left > 0 && std::time::Instant::now() < *until => {
            *left -= 1;
            true
        }
        Some(_) => {
            prepaid.remove(key);
            false
        }
        None => false,
    }
}

/// Spends one request of the client's `budget`, of `per_hour` ([`shared_allowance`]), in the
/// database, which every instance shares, taking a few more ahead for this instance while the budget
/// has them ([`prepay_count`], [`spend_prepaid`]). Called after the instance's own table allowed the
/// request, so a flood it sheds costs the database nothing.
pub fn take_shared(
    ctx: &Ctx,
    budget: ClientBudget,
    per_hour: u32,
    ip: Option<IpAddr>,
    now: Timestamp,
) -> Result<(), AppError> {
    let key = client_budget_key(&ctx.settings, budget, ip);
    let mut conn = ctx.conn()?;
    match rate_limits::take_alone(&mut conn, &key, per_hour, prepay_count(per_hour), now)? {
        Ok(taken) => {
            if taken > 1 {
                // Usable for as long as the budget takes to earn them back.
                let earned_in = Duration::from_secs(3600) / per_hour * taken;
                let mut prepaid = ctx.limits.prepaid.lock();
                if prepaid.len() >= PREPAID_CAPACITY {
                    prepaid.clear();
                }
                prepaid.insert(key, (taken - 1, std::time::Instant::now() + earned_in));
            }
            Ok(())
        }
        Err(retry_after) => {
            tracing::warn!(ip = ?ip, budget = budget.name(), retry_after, "refused by a shared client budget");
            Err(AppError::RateLimited { retry_after })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;
    use std::net::Ipv6Addr;

    fn settings() -> LimitSettings {
        LimitSettings {
            mail_per_ip: 4,
            mail_per_address: 3,
            mail_total: 100,
            mail_per_address_per_ip: 0,
            captcha_mail_per_ip: 2,
            captcha_mail_per_address: 2,
            captcha_mail_total: 100,
            code_checks_per_ip: 2,
            logins_per_ip: 0,
            refresh_per_ip: 0,
            ipv6_prefix: 64,
            login_lockout_threshold: 5,
            login_lockout_account_threshold: 20,
            login_lockout_base: Duration::from_secs(30),
            login_lockout_max: Duration::from_secs(900),
            captcha_difficulty: 1000,
            captcha_ttl: Duration::from_secs(60),
        }
    }

    /// The mail limits with the CAPTCHA tier off.
    fn hard_only(per_ip: u32, per_address: u32, total: u32) -> LimitSettings {
        LimitSettings {
            mail_per_ip: per_ip,
            mail_per_address: per_address,
            mail_total: total,
            captcha_mail_per_ip: 0,
            captcha_mail_per_address: 0,
            captcha_mail_total: 0,
            ..settings()
        }
    }

    #[test]
    fn one_client_can_spend_only_part_of_an_address_allowance() {
        let s = LimitSettings {
            mail_per_address_per_ip: 2,
            ..hard_only(100, 4, 100)
        };
        let limits = Limits::new(&s);
        let a = IpAddr::from([192, 0, 2, 1]);
        let b = IpAddr::from([192, 0, 2, 2]);
        for _ in 0..2 {
            assert_eq!(
                limits.mail(Some(a), "owner@example.com", false),
                Verdict::Allowed
            );
        }
        for _ in 0..5 {
            assert!(matches!(
                limits.mail(Some(a), "owner@example.com", false),
                Verdict::Refused { .. }
            ));
        }
        // The refused requests spent nothing of the address's allowance: another client still has it.
        for _ in 0..2 {
            assert_eq!(
                limits.mail(Some(b), "owner@example.com", false),
                Verdict::Allowed
            );
        }
        // And the first client may still mail other addresses.
        assert_eq!(
            limits.mail(Some(a), "other@example.com", false),
            Verdict::Allowed
        );
    }

    fn with_fake_clock(
        s: &LimitSettings,
        max_keys: usize,
    ) -> (Limits<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (Limits::with_clock(s, &clock, max_keys), clock)
    }

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
    const C: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 3));

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn refused(verdict: &Verdict) -> bool {
        matches!(verdict, Verdict::Refused { retry_after } if *retry_after > 0)
    }

    #[test]
    fn pressure_asks_for_a_captcha_then_the_hard_limit_refuses() {
        let limits = Limits::new(&settings());
        assert_eq!(
            limits.mail(Some(A), "x@example.com", false),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(A), "y@example.com", false),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(A), "z@example.com", false),
            Verdict::CaptchaRequired
        );
        assert_eq!(
            limits.mail(Some(A), "w@example.com", true),
            Verdict::Allowed
        );
        assert!(refused(&limits.mail(Some(A), "v@example.com", true)));
        // Another IP is not affected.
        assert_eq!(
            limits.mail(Some(B), "u@example.com", false),
            Verdict::Allowed
        );
    }

    #[test]
    fn one_address_is_limited_across_ips() {
        let limits = Limits::new(&settings());
        assert_eq!(
            limits.mail(Some(A), "x@example.com", true),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(B), "x@example.com", true),
            Verdict::Allowed
        );
        assert_eq!(limits.mail(None, "x@example.com", true), Verdict::Allowed);
        assert!(refused(&limits.mail(Some(B), "x@example.com", true)));
    }

    #[test]
    fn requests_refused_for_their_client_spend_nothing_of_the_address_or_the_server() {
        let limits = Limits::new(&hard_only(2, 1, 4));
        assert_eq!(
            limits.mail(Some(A), "a1@example.com", true),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(A), "a2@example.com", true),
            Verdict::Allowed
        );
        for n in 0..1000 {
            let verdict = limits.mail(Some(A), &format!("flood{n}@example.com"), true);
            assert!(refused(&verdict), "request {n}: {verdict:?}");
        }
        assert!(refused(&limits.mail(Some(A), "victim@example.com", true)));
        // Neither the address A kept asking for nor the server's budget was touched by A's refusals.
        assert_eq!(
            limits.mail(Some(B), "victim@example.com", true),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(C), "c@example.com", true),
            Verdict::Allowed
        );
        // The server's budget is spent by allowed requests only: four of them.
        assert!(refused(&limits.mail(Some(C), "c2@example.com", true)));
    }

    #[test]
    fn requests_refused_for_their_address_spend_nothing_of_the_server() {
        let limits = Limits::new(&hard_only(100, 1, 3));
        assert_eq!(
            limits.mail(Some(A), "victim@example.com", true),
            Verdict::Allowed
        );
        for _ in 0..50 {
            assert!(refused(&limits.mail(Some(A), "victim@example.com", true)));
        }
        assert_eq!(
            limits.mail(Some(B), "b@example.com", true),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(C), "c@example.com", true),
            Verdict::Allowed
        );
        assert!(refused(&limits.mail(Some(C), "c2@example.com", true)));
    }

    #[test]
    fn a_client_ignoring_the_captcha_meets_its_hard_limit_and_spends_nothing_broader() {
        let limits = Limits::new(&LimitSettings {
            mail_per_ip: 3,
            mail_per_address: 100,
            mail_total: 100,
            captcha_mail_per_ip: 1,
            captcha_mail_per_address: 100,
            captcha_mail_total: 2,
            ..settings()
        });
        assert_eq!(
            limits.mail(Some(A), "a@example.com", false),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(A), "a@example.com", false),
            Verdict::CaptchaRequired
        );
        assert_eq!(
            limits.mail(Some(A), "a@example.com", false),
            Verdict::CaptchaRequired
        );
        for _ in 0..20 {
            assert!(refused(&limits.mail(Some(A), "a@example.com", false)));
            assert!(refused(&limits.mail(Some(A), "a@example.com", true)));
        }
        // A's 428s did not push the server into asking everyone for a CAPTCHA…
        assert_eq!(
            limits.mail(Some(B), "b@example.com", false),
            Verdict::Allowed
        );
        // …but allowed requests do count: the server-wide soft budget of two is now spent.
        assert_eq!(
            limits.mail(Some(C), "c@example.com", false),
            Verdict::CaptchaRequired
        );
        assert_eq!(
            limits.mail(Some(C), "c@example.com", true),
            Verdict::Allowed
        );
    }

    #[test]
    fn a_captcha_asked_for_by_the_address_does_not_spend_its_hard_budget() {
        let limits = Limits::new(&LimitSettings {
            captcha_mail_per_address: 1,
            mail_per_address: 2,
            ..settings()
        });
        assert_eq!(
            limits.mail(Some(A), "x@example.com", false),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(B), "x@example.com", false),
            Verdict::CaptchaRequired
        );
        // The person who was asked solves the puzzle and gets the second mail the address allows.
        assert_eq!(
            limits.mail(Some(B), "x@example.com", true),
            Verdict::Allowed
        );
        assert!(refused(&limits.mail(Some(B), "x@example.com", true)));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_prefix_and_ipv4_by_address() {
        assert_eq!(
            client_key(Some(ip("2001:db8:1:2:aaaa::1")), 64),
            ip("2001:db8:1:2::")
        );
        assert_eq!(
            client_key(Some(ip("2001:db8:1:2:ffff:ffff:ffff:ffff")), 64),
            ip("2001:db8:1:2::")
        );
        assert_ne!(
            client_key(Some(ip("2001:db8:1:3::1")), 64),
            client_key(Some(ip("2001:db8:1:2::1")), 64)
        );
        assert_eq!(
            client_key(Some(ip("2001:db8:1:3::1")), 48),
            ip("2001:db8:1::")
        );
        assert_eq!(client_key(Some(ip("2001:db8::5")), 128), ip("2001:db8::5"));
        assert_eq!(
            client_key(Some(ip("2001:db8:1:2::1")), 32),
            ip("2001:db8::")
        );
        // IPv4 is counted per address, however it arrives.
        assert_eq!(client_key(Some(ip("198.51.100.7")), 64), ip("198.51.100.7"));
        assert_eq!(
            client_key(Some(ip("::ffff:198.51.100.7")), 64),
            ip("198.51.100.7")
        );
        assert_ne!(client_key(Some(ip("198.51.100.8")), 32), ip("198.51.100.7"));
        assert_eq!(client_key(None, 64), UNKNOWN_CLIENT);
    }

    #[test]
    fn clients_in_one_ipv6_prefix_share_every_per_client_budget() {
        let limits = Limits::new(&LimitSettings {
            logins_per_ip: 2,
            refresh_per_ip: 1,
            ..hard_only(1, 100, 100)
        });
        let first = Some(ip("2001:db8:0:1::1"));
        let neighbour = Some(ip("2001:db8:0:1:8000::42"));
        let elsewhere = Some(ip("2001:db8:0:2::1"));

        assert!(limits.login(first).is_ok());
        assert!(limits.login(neighbour).is_ok());
        assert!(matches!(
            limits.login(first),
            Err(AppError::RateLimited { .. })
        ));
        assert!(matches!(
            limits.login(neighbour),
            Err(AppError::RateLimited { .. })
        ));
        assert!(limits.login(elsewhere).is_ok());

        assert_eq!(limits.mail(first, "a@example.com", true), Verdict::Allowed);
        assert!(refused(&limits.mail(neighbour, "b@example.com", true)));
        assert_eq!(
            limits.mail(elsewhere, "c@example.com", true),
            Verdict::Allowed
        );

        assert!(limits.refresh(neighbour).is_ok());
        assert!(matches!(
            limits.refresh(first),
            Err(AppError::RateLimited { .. })
        ));
        assert!(limits.refresh(elsewhere).is_ok());

        let mapped = Limits::new(&LimitSettings {
            logins_per_ip: 1,
            ..settings()
        });
        assert!(mapped.login(Some(ip("::ffff:192.0.2.1"))).is_ok());
        assert!(mapped.login(Some(A)).is_err());
    }

    #[test]
    fn requests_of_unknown_origin_share_one_bucket() {
        let limits = Limits::new(&LimitSettings {
            logins_per_ip: 2,
            ..settings()
        });
        assert!(limits.login(None).is_ok());
        assert!(limits.login(Some(UNKNOWN_CLIENT)).is_ok());
        assert!(matches!(
            limits.login(None),
            Err(AppError::RateLimited { .. })
        ));
        assert!(limits.login(Some(A)).is_ok());
    }

    #[test]
    fn refreshes_are_limited_per_client() {
        let limits = Limits::new(&LimitSettings {
            refresh_per_ip: 2,
            ..settings()
        });
        assert!(limits.refresh(Some(A)).is_ok());
        assert!(limits.refresh(Some(A)).is_ok());
        assert!(matches!(
            limits.refresh(Some(A)),
            Err(AppError::RateLimited { retry_after }) if retry_after > 0
        ));
        assert!(limits.refresh(Some(B)).is_ok());
        // 0 turns it off.
        let off = Limits::new(&settings());
        for _ in 0..1000 {
            assert!(off.refresh(Some(A)).is_ok());
        }
    }

    #[test]
    fn a_full_table_refuses_new_clients_and_keeps_counting_known_ones() {
        let (limits, clock) = with_fake_clock(
            &LimitSettings {
                logins_per_ip: 2,
                ..settings()
            },
            2,
        );
        assert!(limits.login(Some(A)).is_ok());
        assert!(limits.login(Some(B)).is_ok());
        for n in 0..100u16 {
            let newcomer = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, n, 0, 0, 0, 0, 1));
            assert!(matches!(
                limits.login(Some(newcomer)),
                Err(AppError::Unavailable(_))
            ));
        }
        assert_eq!(limits.logins_per_client.len(), 2);
        // Known clients are still counted, and still refused past their allowance.
        assert!(limits.login(Some(A)).is_ok());
        assert!(matches!(
            limits.login(Some(A)),
            Err(AppError::RateLimited { .. })
        ));

        // Once their allowance has refilled, stale entries are swept to make room.
        clock.advance(Duration::from_secs(2 * 3600));
        assert!(limits.login(Some(C)).is_ok());
        assert!(limits.logins_per_client.len() <= 2);
    }

    #[test]
    fn a_full_table_sweeps_at_most_once_a_second() {
        // 3600 an hour: each request takes a second to refill; governor deems a key that made one
        // request stale two seconds later.
        let (limits, clock) = with_fake_clock(
            &LimitSettings {
                logins_per_ip: 3600,
                ..settings()
            },
            1,
        );
        let at = |millis: u64, last: &mut u64| {
            clock.advance(Duration::from_millis(millis - *last));
            *last = millis;
        };
        let mut now = 0;
        assert!(limits.login(Some(A)).is_ok());
        at(1900, &mut now);
        assert!(
            limits.login(Some(B)).is_err(),
            "swept, but A was not stale yet"
        );
        at(2500, &mut now);
        assert!(
            limits.login(Some(B)).is_err(),
            "A is stale, but the last sweep was 0.6 s ago"
        );
        at(2900, &mut now);
        assert!(
            limits.login(Some(B)).is_ok(),
            "a second later the sweep made room"
        );
        assert_eq!(limits.logins_per_client.len(), 1);
    }

    #[test]
    fn full_tables_of_mail_clients_and_addresses_refuse_without_spending_the_server_budget() {
        let (limits, _clock) = with_fake_clock(&hard_only(10, 10, 4), 2);
        assert_eq!(
            limits.mail(Some(A), "x@example.com", true),
            Verdict::Allowed
        );
        assert_eq!(
            limits.mail(Some(B), "x@example.com", true),
            Verdict::Allowed
        );
        for n in 0..50u8 {
            let newcomer = IpAddr::V4(Ipv4Addr::new(203, 0, 113, n));
            assert!(refused(&limits.mail(Some(newcomer), "x@example.com", true)));
        }
        assert_eq!(
            limits.mail(Some(A), "y@example.com", true),
            Verdict::Allowed
        );
        for n in 0..50 {
            let new_address = format!("new{n}@example.com");
            assert!(refused(&limits.mail(Some(A), &new_address, true)));
        }
        assert_eq!(
            limits.mail(Some(B), "y@example.com", true),
            Verdict::Allowed
        );
        assert!(
            refused(&limits.mail(Some(B), "x@example.com", true)),
            "the server's budget of 4 went to the four allowed requests"
        );
    }

    #[test]
    fn the_wait_is_rounded_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(74_001)), 75);
        assert_eq!(whole_seconds(Duration::from_secs(75)), 75);
    }

    #[test]
    fn a_zero_setting_turns_the_limit_off() {
        let limits = Limits::new(&settings());
        for _ in 0..50 {
            assert!(limits.login(Some(A)).is_ok());
        }
        assert!(limits.code_check(Some(A)).is_ok());
        assert!(limits.code_check(Some(A)).is_ok());
        assert!(matches!(
            limits.code_check(Some(A)),
            Err(AppError::RateLimited { retry_after }) if retry_after > 0
        ));
    }
}
