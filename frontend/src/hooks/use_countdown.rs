//! Seconds left until a deadline, re-rendering as they tick down.

use chrono::{DateTime, Utc};
use gloo_timers::callback::Interval;
use yew::prelude::*;

use crate::countdown::remaining_seconds;

fn left(deadline: Option<DateTime<Utc>>) -> u64 {
    deadline.map_or(0, |d| remaining_seconds(d, Utc::now()))
}

/// Whole seconds until `deadline` (0 without one, and once it has passed). The time is recomputed from
/// the clock on every tick and every render rather than decremented, so a throttled background tab never
/// drifts and a new deadline counts from its first render.
#[hook]
pub fn use_countdown(deadline: Option<DateTime<Utc>>) -> u64 {
    let remaining = use_state_eq(|| left(deadline));
    {
        let remaining = remaining.clone();
        use_effect_with(deadline, move |deadline| {
            let deadline = *deadline;
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
