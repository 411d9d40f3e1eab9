//! Countdown arithmetic for the code and resend timers: how many whole seconds are left before a
//! server-given deadline, and how to show and announce them. No browser calls, so it is tested natively.

use chrono::{DateTime, Utc};

/// Whole seconds left until `deadline`, rounded up (a code with 0.2 s left is still "00:01"), 0 once past.
pub fn remaining_seconds(deadline: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    let millis = (deadline - now).num_milliseconds();
    if millis <= 0 {
        0
    } else {
        // Both casts are exact: `millis` is positive and the quotient fits.
        (millis as u64).div_ceil(1000)
    }
}

/// `mm:ss`, minutes not capped at 59 (a 90-minute wait reads "90:00").
pub fn format_mm_ss(seconds: u64) -> String {
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

/// The same time in words, for screen readers: "4 minutes 5 seconds", "1 minute", "30 seconds".
pub fn spoken(seconds: u64) -> String {
    let (minutes, secs) = (seconds / 60, seconds % 60);
    let unit = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (minutes, secs) {
        (0, s) => unit(s, "second", "seconds"),
        (m, 0) => unit(m, "minute", "minutes"),
        (m, s) => format!(
            "{} {}",
            unit(m, "minute", "minutes"),
            unit(s, "second", "seconds")
        ),
    }
}

/// Whether a screen reader should hear the time now: every whole minute, then at 30 and 10 seconds and
/// at the end. Announcing every second would drown out everything else on the page.
pub fn worth_announcing(seconds: u64) -> bool {
    seconds.is_multiple_of(60) || seconds == 30 || seconds == 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn remaining_time_rounds_partial_seconds_up() {
        let deadline = at(300);
        assert_eq!(remaining_seconds(deadline, at(0)), 300);
        assert_eq!(
            remaining_seconds(deadline, at(299) + Duration::milliseconds(800)),
            1
        );
        assert_eq!(
            remaining_seconds(deadline, at(0) + Duration::milliseconds(1)),
            300
        );
    }

    #[test]
    fn remaining_time_is_zero_at_and_after_the_deadline() {
        assert_eq!(remaining_seconds(at(10), at(10)), 0);
        assert_eq!(remaining_seconds(at(10), at(11)), 0);
        assert_eq!(remaining_seconds(at(10), at(10_000)), 0);
    }

    #[test]
    fn countdowns_read_as_minutes_and_seconds() {
        assert_eq!(format_mm_ss(300), "05:00");
        assert_eq!(format_mm_ss(299), "04:59");
        assert_eq!(format_mm_ss(61), "01:01");
        assert_eq!(format_mm_ss(9), "00:09");
        assert_eq!(format_mm_ss(0), "00:00");
        assert_eq!(format_mm_ss(90 * 60), "90:00");
    }

    #[test]
    fn spoken_times_use_words_and_plurals() {
        assert_eq!(spoken(245), "4 minutes 5 seconds");
        assert_eq!(spoken(60), "1 minute");
        assert_eq!(spoken(61), "1 minute 1 second");
        assert_eq!(spoken(30), "30 seconds");
        assert_eq!(spoken(1), "1 second");
        assert_eq!(spoken(0), "0 seconds");
    }

    #[test]
    fn only_minutes_and_the_last_moments_are_announced() {
        let announced: Vec<u64> = (0..=300).rev().filter(|s| worth_announcing(*s)).collect();
        assert_eq!(announced, [300, 240, 180, 120, 60, 30, 10, 0]);
    }
}
