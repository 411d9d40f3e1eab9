//! `GET /metrics` in the Prometheus text format (the `prometheus` crate): requests by route and status
//! with latency histograms, e-mailed codes by purpose and fate, outbox deliveries by channel and outcome,
//! and, read when scraped, the outbox's queue (length and the age of its oldest row) and the password
//! hasher's load. Counters are this process's own; the queue gauges are the database's (the same on
//! every instance).

use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    codes: IntCounterVec,
    deliveries: IntCounterVec,
    queued: IntGaugeVec,
    oldest_queued: IntGaugeVec,
    hashing: IntGaugeVec,
    cache_on: IntGauge,
    cache_lookups: IntCounterVec,
}

impl Metrics {
    pub fn new() -> prometheus::Result<Self> {
        let registry = Registry::new_custom(Some("otp_portal".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer, by route and method",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["route", "method"],
        )?;
        let codes = IntCounterVec::new(
            Opts::new(
                "codes_total",
                "E-mailed codes by purpose and event (issued, replaced, verified, failed, expired)",
            ),
            &["purpose", "event"],
        )?;
        let deliveries = IntCounterVec::new(
            Opts::new(
                "outbox_deliveries_total",
                "Delivery attempts by channel (mail, webhook) and outcome (sent, retry, failed)",
            ),
            &["channel", "outcome"],
        )?;
        let queued = IntGaugeVec::new(
            Opts::new("outbox_queued", "Rows waiting to be delivered, by channel"),
            &["channel"],
        )?;
        let oldest_queued = IntGaugeVec::new(
            Opts::new(
                "outbox_oldest_queued_age_seconds",
                "Age of the oldest row waiting to be delivered (0 when none), by channel",
            ),
            &["channel"],
        )?;
        let hashing = IntGaugeVec::new(
            Opts::new(
                "password_hashing",
                "Password hashes running in their slots and waiting for one",
            ),
            &["state"],
        )?;
        let up = IntGauge::new("up", "1 while this instance serves")?;
        let cache_on = IntGauge::new(
            "auth_cache_on",
            "1 while signed-in state is answered from memory (on PostgreSQL: while this instance \
             hears the others' changes)",
        )?;
        let cache_lookups = IntCounterVec::new(
            Opts::new(
                "auth_cache_session_lookups_total",
                "Sessions of access tokens looked up in memory, by result (hit, miss)",
            ),
            &["result"],
        )?;
        registry.register(Box::new(cache_on.clone()))?;
        registry.register(Box::new(cache_lookups.clone()))?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(codes.clone()))?;
        registry.register(Box::new(deliveries.clone()))?;
        registry.register(Box::new(queued.clone()))?;
        registry.register(Box::new(oldest_queued.clone()))?;
        registry.register(Box::new(hashing.clone()))?;
        registry.register(Box::new(up.clone()))?;
        up.set(1);
        Ok(Self {
            registry,
            requests,
            latency,
            codes,
            deliveries,
            queued,
            oldest_queued,
            hashing,
            cache_on,
            cache_lookups,
        })
    }

    /// One answered request. `route` is the route's pattern (bounded), never the raw path.
    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[route, method])
            .observe(took.as_secs_f64());
    }

    pub fn code(&self, purpose: &str, event: &str) {
        self.codes.with_label_values(&[purpose, event]).inc();
    }

    pub fn delivery(&self, channel: &str, outcome: &str) {
        self.deliveries.with_label_values(&[channel, outcome]).inc();
    }

    /// The text exposition, after setting the gauges read at scrape time.
    pub fn render(
        &self,
        queue: &[(String, i64, i64)],
        running: usize,
        waiting: usize,
        (cache_on, hits, misses): (bool, u64, u64),
    ) -> String {
        self.cache_on.set(i64::from(cache_on));
        for (result, total) in [("hit", hits), ("miss", misses)] {
            let counter = self.cache_lookups.with_label_values(&[result]);
            counter.inc_by(total.saturating_sub(counter.get()));
        }
        for (channel, count, oldest) in queue {
            self.queued.with_label_values(&[channel]).set(*count);
            self.oldest_queued
                .with_label_values(&[channel])
                .set(*oldest);
        }
        let as_gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        self.hashing
            .with_label_values(&["running"])
            .set(as_gauge(running));
        self.hashing
            .with_label_values(&["waiting"])
            .set(as_gauge(waiting));
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "encoding the metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}
