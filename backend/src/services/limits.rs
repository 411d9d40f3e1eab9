//! Request limits per client IP, per target address and for the whole server, kept in memory with GCRA
//! (governor). Mail-sending requests have two tiers: past the soft one a solved CAPTCHA is required, past
//! the hard one the request is refused. Every request, refused or not, counts against the hard tier, so
//! an attacker who ignores the CAPTCHA soon meets the hard limit.
//!
//! Each instance counts on its own: behind a load balancer with N instances the effective limits are up
//! to N times these (the per-account login throttle lives in the database and is shared).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock, QuantaInstant};
use governor::NotUntil;
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;
use crate::settings::LimitSettings;

/// An hourly allowance; `None` when the setting is 0 (off).
struct Keyed<K: std::hash::Hash + Eq + Clone>(Option<DefaultKeyedRateLimiter<K>>);
struct Direct(Option<DefaultDirectRateLimiter>);

fn wait_seconds(not_until: NotUntil<QuantaInstant>) -> u64 {
    not_until
        .wait_time_from(DefaultClock::default().now())
        .as_secs()
        .max(1)
}

fn refuse_if(wait: Option<u64>) -> Result<(), AppError> {
    match wait {
        Some(retry_after) => Err(AppError::RateLimited { retry_after }),
        None => Ok(()),
    }
}

fn quota(per_hour: u32) -> Option<Quota> {
    NonZeroU32::new(per_hour).map(Quota::per_hour)
}

impl<K: std::hash::Hash + Eq + Clone> Keyed<K> {
    fn new(per_hour: u32) -> Self {
        Self(quota(per_hour).map(RateLimiter::keyed))
    }

    /// Seconds to wait if the key is over its allowance.
    fn check(&self, key: &K) -> Option<u64> {
        let limiter = self.0.as_ref()?;
        limiter.check_key(key).err().map(wait_seconds)
    }

    fn prune(&self) {
        if let Some(limiter) = &self.0 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

impl Direct {
    fn new(per_hour: u32) -> Self {
        Self(quota(per_hour).map(RateLimiter::direct))
    }

    fn check(&self) -> Option<u64> {
        let limiter = self.0.as_ref()?;
        limiter.check().err().map(wait_seconds)
    }
}

struct Tier {
    per_ip: Keyed<IpAddr>,
    per_address: Keyed<String>,
    total: Direct,
}

impl Tier {
    /// Counts the request against every limit of the tier (so none is skipped because another refused),
    /// and returns the longest wait among those exceeded.
    fn check(&self, ip: Option<IpAddr>, address: &str) -> Option<u64> {
        let waits = [
            ip.and_then(|ip| self.per_ip.check(&ip)),
            self.per_address.check(&address.to_owned()),
            self.total.check(),
        ];
        waits.into_iter().flatten().max()
    }
}

pub struct Limits {
    mail_hard: Tier,
    mail_soft: Tier,
    code_checks_per_ip: Keyed<IpAddr>,
    logins_per_ip: Keyed<IpAddr>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    CaptchaRequired,
    Refused { retry_after: u64 },
}

impl Limits {
    pub fn new(s: &LimitSettings) -> Self {
        Self {
            mail_hard: Tier {
                per_ip: Keyed::new(s.mail_per_ip),
                per_address: Keyed::new(s.mail_per_address),
                total: Direct::new(s.mail_total),
            },
            mail_soft: Tier {
                per_ip: Keyed::new(s.captcha_mail_per_ip),
                per_address: Keyed::new(s.captcha_mail_per_address),
                total: Direct::new(s.captcha_mail_total),
            },
            code_checks_per_ip: Keyed::new(s.code_checks_per_ip),
            logins_per_ip: Keyed::new(s.logins_per_ip),
        }
    }

    /// A request that would send mail to `address` (its canonical form).
    pub fn mail(&self, ip: Option<IpAddr>, address: &str, captcha_solved: bool) -> Verdict {
        if let Some(retry_after) = self.mail_hard.check(ip, address) {
            return Verdict::Refused { retry_after };
        }
        if !captcha_solved && self.mail_soft.check(ip, address).is_some() {
            return Verdict::CaptchaRequired;
        }
        Verdict::Allowed
    }

    /// A request that checks an e-mailed code.
    pub fn code_check(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        refuse_if(ip.and_then(|ip| self.code_checks_per_ip.check(&ip)))
    }

    /// A request that checks a password.
    pub fn login(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        refuse_if(ip.and_then(|ip| self.logins_per_ip.check(&ip)))
    }

    /// Drops the state of keys that are back to a full allowance, so memory follows current traffic.
    pub fn prune(&self) {
        self.mail_hard.per_ip.prune();
        self.mail_hard.per_address.prune();
        self.mail_soft.per_ip.prune();
        self.mail_soft.per_address.prune();
        self.code_checks_per_ip.prune();
        self.logins_per_ip.prune();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn settings() -> LimitSettings {
        LimitSettings {
            mail_per_ip: 4,
            mail_per_address: 3,
            mail_total: 100,
            captcha_mail_per_ip: 2,
            captcha_mail_per_address: 2,
            captcha_mail_total: 100,
            code_checks_per_ip: 2,
            logins_per_ip: 0,
            login_lockout_threshold: 5,
            login_lockout_base: Duration::from_secs(30),
            login_lockout_max: Duration::from_secs(900),
            captcha_difficulty: 1000,
            captcha_ttl: Duration::from_secs(60),
        }
    }

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

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
        assert!(matches!(
            limits.mail(Some(A), "v@example.com", true),
            Verdict::Refused { retry_after } if retry_after > 0
        ));
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
        assert!(matches!(
            limits.mail(Some(B), "x@example.com", true),
            Verdict::Refused { .. }
        ));
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
