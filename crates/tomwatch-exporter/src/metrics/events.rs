//! The event queue's metrics (issue 13), present only when the configuration reads a queue:
//! messages received by source, ignored by reason, and the latency from an event to the
//! snapshot that reflects it.

use super::families::Metrics;
use prometheus::proto::{Bucket, Histogram, Metric, MetricFamily, MetricType};
use tomwatch_engine::state::{EventCounters, LatencyHistogram, LATENCY_BUCKETS};

const LATENCY: &str = "tomwatch_event_rescan_latency_seconds";

/// Sets the event counters' series; the latency histogram is [`latency_family`].
pub(super) fn fill(metrics: &Metrics, counters: &EventCounters) {
    for (source, count) in &counters.received {
        metrics
            .events_received
            .with_label_values(&[source])
            .inc_by(*count);
    }
    for (reason, count) in &counters.ignored {
        metrics
            .events_ignored
            .with_label_values(&[reason.as_str()])
            .inc_by(*count);
    }
}

/// A histogram kept as counts in the state, put in the exposition's shape: the registry is
/// rebuilt per scrape, so a live `prometheus::Histogram` could not carry the observations.
pub(super) fn latency_family(latency: &LatencyHistogram) -> MetricFamily {
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

#[cfg(test)]
mod tests {
    use super::super::render;
    use super::super::tests::{build, value};
    use tomwatch_engine::state::ServeState;

    #[test]
    fn event_metrics_appear_with_a_queue_and_count_what_it_did() {
        use tomwatch_engine::events::Ignored;
        let state = ServeState::new(Default::default());
        let text = render(&state, &build());
        assert!(
            !text.contains("tomwatch_events_"),
            "without an event queue there is nothing to count"
        );

        state.set_events_enabled(true);
        state.record_event_received("ec2.amazonaws.com");
        state.record_event_received("ec2.amazonaws.com");
        state.record_event_received("other");
        state.record_event_ignored(Ignored::NotAws);
        state.record_event_latency(0.8);
        state.record_event_latency(3.0);
        let text = render(&state, &build());
        let received = |source| {
            value(
                &text,
                "tomwatch_events_received_total",
                &[("source", source)],
            )
        };
        assert_eq!(received("ec2.amazonaws.com"), Some(2.0));
        assert_eq!(received("other"), Some(1.0));
        let ignored = |reason| {
            value(
                &text,
                "tomwatch_events_ignored_total",
                &[("reason", reason)],
            )
        };
        assert_eq!(ignored("not_aws"), Some(1.0));
        assert_eq!(
            ignored("malformed"),
            Some(0.0),
            "every reason has a series from the start"
        );
        let latency = "tomwatch_event_rescan_latency_seconds";
        assert!(text.contains(&format!("# TYPE {latency} histogram")));
        assert_eq!(
            value(&text, &format!("{latency}_bucket"), &[("le", "0.5")]),
            Some(0.0)
        );
        assert_eq!(
            value(&text, &format!("{latency}_bucket"), &[("le", "1")]),
            Some(1.0)
        );
        assert_eq!(
            value(&text, &format!("{latency}_bucket"), &[("le", "5")]),
            Some(2.0)
        );
        assert_eq!(
            value(&text, &format!("{latency}_bucket"), &[("le", "+Inf")]),
            Some(2.0)
        );
        assert_eq!(value(&text, &format!("{latency}_count"), &[]), Some(2.0));
        assert_eq!(value(&text, &format!("{latency}_sum"), &[]), Some(3.8));
    }
}
