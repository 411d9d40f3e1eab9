//! Countdown arithmetic for the code and resend timers: when a code expires and another may be asked
//! for, and how to show the seconds left and when to announce them (the words come from the message files). No browser calls, so it is tested natively.
//!
//! Deadlines are moments of the page's monotonic clock (milliseconds, as `performance.now()`), counted
//! from the moment the server's answer arrived and the server's own `expires_in`: a device clock that is
//! minutes or hours wrong never shortens or stretches a countdown, and neither does a clock changed
//! while it runs.

use chrono::{DateTime, Duration, Utc};
use shared::api::CodeSentResponse;

/// When the code stops working and when another may be asked for, on the page's monotonic clock (ms).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Deadlines {
    pub code: f64,
    pub resend: f64,
}

/// The deadlines of a code whose answer arrived at `arrived` (monotonic ms). The resend wait is the
/// server's `resend_after` measured against the server's own "now" (`expires_at - expires_in`), so it
/// needs no device clock either.
pub fn deadlines(sent: &CodeSentResponse, arrived: f64) -> Deadlines {
    let server_now = sent.expires_at - Duration::seconds(sent.expires_in);
    let resend_in = (sent.resend_after - server_now).num_milliseconds().max(0);
    Deadlines {
        code: arrived + (sent.expires_in.max(0) as f64) * 1000.0,
        resend: arrived + resend_in as f64,
    }
}

/// A deadline `seconds` from `now` (monotonic ms): a server's `Retry-After`.
pub fn after_seconds(now: f64, seconds: u64) -> f64 {
    now + seconds as f64 * 1000.0
}

/// The monotonic moment an answer arrived, for a page loaded after it: the monotonic clock restarts
/// with each document, so the time since arrival is taken from the device's wall clock, which was
/// recorded then (`received`) and is read now. Only its progress counts, not its setting, so a clock
/// that is hours off is still right; one set back meanwhile counts as "just arrived".
pub fn arrival_on_this_page(received: DateTime<Utc>, now_wall: DateTime<Utc>, now: f64) -> f64 {
    let since = (now_wall - received).num_milliseconds().max(0);
    now - since as f64
}

/// Whole seconds left until `deadline`, rounded up (a code with 0.2 s left is still "00:01"), 0 once
/// past. Both are monotonic milliseconds.
pub fn remaining_seconds(deadline: f64, now: f64) -> u64 {
    let millis = deadline - now;
    if millis.is_nan() || millis <= 0.0 {
        0
    } else {
        // Positive and finite: the cast is exact up to rounding, which `ceil` settles.
        (millis / 1000.0).ceil() as u64
    }
}

/// `mm:ss`, minutes not capped at 59 (a 90-minute wait reads "90:00").
pub fn format_mm_ss(seconds: u64) -> String {
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

/// Whether a screen reader should hear the time now: every whole minute, then at 30 and 10 seconds and
/// at the end. Announcing every second would drown out everything else on the page.
pub fn worth_announcing(seconds: u64) -> bool {
    seconds.is_multiple_of(60) || seconds == 30 || seconds == 10
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, Words};
    use chrono::TimeZone;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    /// An answer the server gave at its time `server_now`: a 5-minute code, another after 60 s.
    fn sent_at(server_now: DateTime<Utc>) -> CodeSentResponse {
        CodeSentResponse {
            email: "ada@example.com".to_owned(),
            expires_at: server_now + Duration::seconds(300),
            expires_in: 300,
            resend_after: server_now + Duration::seconds(60),
        }
    }

    #[test]
    fn deadlines_count_from_the_arrival_of_the_answer() {
        let d = deadlines(&sent_at(at(0)), 12_345.0);
        assert_eq!(d.code, 12_345.0 + 300_000.0);
        assert_eq!(d.resend, 12_345.0 + 60_000.0);
        assert_eq!(remaining_seconds(d.code, 12_345.0), 300);
        assert_eq!(remaining_seconds(d.resend, 12_345.0), 60);
        assert_eq!(remaining_seconds(d.code, 12_345.0 + 61_000.0), 239);
        assert_eq!(remaining_seconds(d.resend, 12_345.0 + 61_000.0), 0);
    }

    #[test]
    fn a_device_clock_hours_off_does_not_change_the_countdown() {
        // The server answers at its 12:00; the device believes it is three hours later (or earlier).
        let sent = sent_at(at(0));
        for offset_hours in [3, -3] {
            let device_now = at(0) + Duration::hours(offset_hours);
            let arrived = 5_000.0;
            let d = deadlines(&sent, arrived);
            assert_eq!(remaining_seconds(d.code, arrived), 300);
            assert_eq!(remaining_seconds(d.code, arrived + 100_000.0), 200);
            assert_eq!(remaining_seconds(d.resend, arrived + 30_000.0), 30);
            // Reloaded 100 s later: the wall clock, wrong as it is, still moved by 100 s.
            let later =
                arrival_on_this_page(device_now, device_now + Duration::seconds(100), 1_000.0);
            let d = deadlines(&sent, later);
            assert_eq!(remaining_seconds(d.code, 1_000.0), 200);
            assert_eq!(remaining_seconds(d.resend, 1_000.0), 0);
            // Reading `expires_at` against that device clock would have been hours out.
            assert_ne!((sent.expires_at - device_now).num_seconds(), 300);
        }
    }

    #[test]
    fn a_clock_set_back_after_the_answer_counts_as_just_arrived() {
        assert_eq!(arrival_on_this_page(at(100), at(40), 7_000.0), 7_000.0);
        assert_eq!(arrival_on_this_page(at(100), at(130), 7_000.0), -23_000.0);
    }

    #[test]
    fn a_retry_after_counts_from_now() {
        assert_eq!(remaining_seconds(after_seconds(2_000.0, 42), 2_000.0), 42);
        assert_eq!(remaining_seconds(after_seconds(2_000.0, 42), 43_500.0), 1);
    }

    #[test]
    fn a_resend_time_before_the_answer_means_no_wait() {
        let mut sent = sent_at(at(0));
        sent.resend_after = at(-10);
        assert_eq!(deadlines(&sent, 900.0).resend, 900.0);
    }

    #[test]
    fn remaining_time_rounds_partial_seconds_up() {
        assert_eq!(remaining_seconds(300_000.0, 0.0), 300);
        assert_eq!(remaining_seconds(300_000.0, 299_200.0), 1);
        assert_eq!(remaining_seconds(300_000.0, 1.0), 300);
        assert_eq!(remaining_seconds(300_000.0, 0.5), 300);
    }

    #[test]
    fn remaining_time_is_zero_at_and_after_the_deadline() {
        assert_eq!(remaining_seconds(10_000.0, 10_000.0), 0);
        assert_eq!(remaining_seconds(10_000.0, 11_000.0), 0);
        assert_eq!(remaining_seconds(10_000.0, 1e9), 0);
        assert_eq!(remaining_seconds(f64::NAN, 0.0), 0);
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
    fn spoken_times_use_the_message_files_words_and_plurals() {
        // What the countdown announces to screen readers, in each language.
        let en = Language::ENGLISH;
        let de = Language::from_code("de").unwrap();
        for (seconds, english, german) in [
            (299, "4 minutes 59 seconds", "4 Minuten 59 Sekunden"),
            (245, "4 minutes 5 seconds", "4 Minuten 5 Sekunden"),
            (60, "1 minute", "1 Minute"),
            (61, "1 minute 1 second", "1 Minute 1 Sekunde"),
            (30, "30 seconds", "30 Sekunden"),
            (1, "1 second", "1 Sekunde"),
            (0, "0 seconds", "0 Sekunden"),
        ] {
            assert_eq!(en.duration(seconds), english);
            assert_eq!(de.duration(seconds), german);
        }
        assert_eq!(
            format!("{} {}", de.t("verify-countdown-label"), de.duration(299)),
            "Code läuft ab in 4 Minuten 59 Sekunden"
        );
    }

    #[test]
    fn only_minutes_and_the_last_moments_are_announced() {
        let announced: Vec<u64> = (0..=300).rev().filter(|s| worth_announcing(*s)).collect();
        assert_eq!(announced, [300, 240, 180, 120, 60, 30, 10, 0]);
    }
}
