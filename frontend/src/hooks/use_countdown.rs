//! Seconds left until a deadline on the page's monotonic clock, re-rendering as they tick down.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::countdown::remaining_seconds;

/// Milliseconds on the page's monotonic clock (`performance.now()`): unlike the device's date and time,
/// it cannot be wrong or be set back while a countdown runs.
pub fn page_clock() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

fn left(deadline: Option<f64>) -> u64 {
    deadline.map_or(0, |d| remaining_seconds(d, page_clock()))
}

/// Whole seconds until `deadline` (monotonic ms, see `countdown::deadlines`; 0 without one, and once it
/// has passed). The time is recomputed from the clock on every tick and every render rather than
/// decremented, so a throttled background tab never drifts and a new deadline counts from its first
/// render.
#[hook]
pub fn use_countdown(deadline: Option<f64>) -> u64 {
    let remaining = use_state_eq(|| left(deadline));
    {
        let remaining = remaining.clone();
        use_effect_with(deadline.map(f64::to_bits), move |_| {
            remaining.set(left(deadline));
            let interval =
                deadline.map(|_| Interval::new(250, move || remaining.set(left(deadline))));
            move || drop(interval)
        });
    }
    // Read from the clock in the render itself: the state only makes the ticks re-render, and a render
    // right after the deadline changed (the effect has not run yet) must not see the old value.
    let _ = *remaining;
    left(deadline)
}
