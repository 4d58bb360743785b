//! The counters of event-driven rescans (issue 13): events read from the queue by source, those
//! ignored by reason, and the time from each event to the snapshot that shows its effect.

use crate::events::Ignored;
use std::collections::BTreeMap;

/// Upper bounds (seconds) of `tomwatch_event_rescan_latency_seconds`. Fixed, so the series are
/// known in advance; from sub-second (an emulator, a warm session) to the minutes that
/// CloudTrail's delivery to EventBridge can take on a bad day.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0,
];

/// A histogram of latencies in the exposition's shape: cumulative counts per upper bound.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencyHistogram {
    /// Observations at or below each of [`LATENCY_BUCKETS`], cumulative.
    pub cumulative: [u64; LATENCY_BUCKETS.len()],
    pub count: u64,
    pub sum: f64,
}

impl LatencyHistogram {
    pub fn observe(&mut self, seconds: f64) {
        // A clock that went backwards is not a negative latency.
        let seconds = seconds.max(0.0);
        for (bound, count) in LATENCY_BUCKETS.iter().zip(self.cumulative.iter_mut()) {
            if seconds <= *bound {
                *count += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// What the event queue has done since start-up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventCounters {
    /// By `source` label ([`crate::events::source_label`]).
    pub received: BTreeMap<&'static str, u64>,
    /// Every reason, from zero, so an alert on a reason sees a series before its first event.
    pub ignored: BTreeMap<Ignored, u64>,
    pub latency: LatencyHistogram,
}

impl EventCounters {
    pub fn new() -> Self {
        EventCounters {
            ignored: Ignored::ALL.iter().map(|reason| (*reason, 0)).collect(),
            ..EventCounters::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies_fall_into_every_bucket_at_or_above_them() {
        let mut histogram = LatencyHistogram::default();
        for seconds in [0.1, 0.25, 1.5, 4000.0, -3.0] {
            histogram.observe(seconds);
        }
        assert_eq!(histogram.count, 5);
        assert_eq!(histogram.sum, 0.1 + 0.25 + 1.5 + 4000.0);
        // 0.1, 0.25 and the clamped -3 are ≤ 0.25; 1.5 joins at 2; 4000 is above every bound.
        assert_eq!(histogram.cumulative[0], 3);
        assert_eq!(histogram.cumulative[2], 3);
        assert_eq!(histogram.cumulative[3], 4);
        assert_eq!(histogram.cumulative[LATENCY_BUCKETS.len() - 1], 4);
    }
}
