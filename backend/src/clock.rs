//! The one clock the flows read: UTC, as the naive timestamps the store keeps. Flows take `now` as an
//! argument (so tests and one request see one instant); only the edges (routes, workers, maintenance)
//! call [`now`].

use chrono::Utc;

use crate::store::Timestamp;

pub fn now() -> Timestamp {
    Utc::now().naive_utc()
}
