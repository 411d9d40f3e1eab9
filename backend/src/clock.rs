//! The one clock the flows read: UTC, as the naive timestamps the store keeps. Flows take `now` as an
//! argument (so tests and one request see one instant); only the edges (routes, workers, maintenance)
//! call [`now`].

use chrono::{SubsecRound, Utc};

use crate::store::Timestamp;

/// To the microsecond: what PostgreSQL keeps of a timestamp, so a value answered at once and the same
/// value read back later are equal on every backend.
pub fn now() -> Timestamp {
    Utc::now().naive_utc().trunc_subsecs(6)
}
