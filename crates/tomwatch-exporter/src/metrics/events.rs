//! The event queue's metrics (issue 13), present only when the configuration reads a queue:
//! messages received by source, ignored by reason, and the latency from an event to the
//! snapshot that reflects it.

use prometheus::proto::{Bucket, Histogram, Metric, MetricFamily, MetricType};
use prometheus::{IntCounterVec, Opts, Registry};
use tomwatch_engine::state::{ServeState, LATENCY_BUCKETS};

pub(super) const LATENCY: &str = "tomwatch_event_rescan_latency_seconds";

/// The families to add to a scrape; empty without an event queue.
pub(super) fn families(state: &ServeState) -> Vec<MetricFamily> {
    let Some(counters) = state.event_counters() else {
        return Vec::new();
    };
    let registry = Registry::new();
    let counter = |name: &str, help: &str, label: &str| {
        let vec = IntCounterVec::new(Opts::new(name, help), &[label])
            .expect("static metric definition is valid");
        registry
            .register(Box::new(vec.clone()))
            .expect("metric names are unique");
        vec
    };
    let received = counter(
        "tomwatch_events_received_total",
        "Messages read from the event queue, by CloudTrail eventSource (`other`: not a known source, or unreadable).",
        "source",
    );
    let ignored = counter(
        "tomwatch_events_ignored_total",
        "Messages that caused no rescan, by reason; they are deleted from the queue.",
        "reason",
    );
    for (source, count) in &counters.received {
        received.with_label_values(&[source]).inc_by(*count);
    }
    for (reason, count) in &counters.ignored {
        ignored.with_label_values(&[reason.as_str()]).inc_by(*count);
    }
    let mut families = registry.gather();
    families.push(latency_family(&counters.latency));
    families
}

/// A histogram kept as counts in the state, put in the exposition's shape: the registry is
/// rebuilt per scrape, so a live `prometheus::Histogram` could not carry the observations.
fn latency_family(latency: &tomwatch_engine::state::LatencyHistogram) -> MetricFamily {
    let buckets = LATENCY_BUCKETS
        .iter()
        .zip(latency.cumulative)
        .map(|(bound, count)| {
            let mut bucket = Bucket::default();
            bucket.set_upper_bound(*bound);
            bucket.set_cumulative_count(count);
            bucket
        })
        .collect();
    let mut histogram = Histogram::default();
    histogram.set_bucket(buckets);
    histogram.set_sample_count(latency.count);
    histogram.set_sample_sum(latency.sum);
    let mut metric = Metric::default();
    metric.set_histogram(histogram);
    let mut family = MetricFamily::default();
    family.set_name(LATENCY.to_string());
    family.set_help(
        "Seconds from a change event's time to the published snapshot that reflects its rescan."
            .to_string(),
    );
    family.set_field_type(MetricType::HISTOGRAM);
    family.set_metric(vec![metric]);
    family
}
