//! The metric families of one scrape: names, help texts and labels, the public contract that
//! `Metrics::fill` (in `metrics.rs`) puts the current state into.

use prometheus::{GaugeVec, IntCounterVec, Opts, Registry};

const CACHED: &str = "Cached from the last completed scan of the account.";

pub(super) struct Metrics {
    pub(super) registry: Registry,
    pub(super) build_info: GaugeVec,
    pub(super) account_info: GaugeVec,
    pub(super) scan_interval: GaugeVec,
    pub(super) findings: GaugeVec,
    pub(super) control_compliant: GaugeVec,
    pub(super) failing_resource: GaugeVec,
    pub(super) failing_first_seen: GaugeVec,
    pub(super) suppression_expires: GaugeVec,
    pub(super) drift_events: IntCounterVec,
    pub(super) scan_success: GaugeVec,
    pub(super) scan_duration: GaugeVec,
    pub(super) last_scan_success: GaugeVec,
    pub(super) collection_errors: GaugeVec,
    pub(super) api_requests: IntCounterVec,
    pub(super) api_retries: IntCounterVec,
    pub(super) api_errors: IntCounterVec,
    pub(super) scans_skipped: IntCounterVec,
    pub(super) storage_errors: IntCounterVec,
    pub(super) reload_ok: GaugeVec,
    /// Only with an event queue: without one no series is set, and the families stay out.
    pub(super) events_received: IntCounterVec,
    pub(super) events_ignored: IntCounterVec,
}

const FAILING_LABELS: &[&str] = &[
    "account_id",
    "environment",
    "aws_region",
    "control",
    "check_id",
    "severity",
    "resource_type",
    "resource_id",
];

impl Metrics {
    pub(super) fn new() -> Self {
        let registry = Registry::new();
        let gauge = |name: &str, help: &str, labels: &[&str]| {
            let vec = GaugeVec::new(Opts::new(name, help), labels)
                .expect("static metric definition is valid");
            registry
                .register(Box::new(vec.clone()))
                .expect("metric names are unique");
            vec
        };
        let counter = |name: &str, help: &str, labels: &[&str]| {
            let vec = IntCounterVec::new(Opts::new(name, help), labels)
                .expect("static metric definition is valid");
            registry
                .register(Box::new(vec.clone()))
                .expect("metric names are unique");
            vec
        };
        Metrics {
            build_info: gauge("tomwatch_build_info", "Always 1; labels name the running build.", &["version", "revision"]),
            account_info: gauge(
                "tomwatch_account_info",
                "Always 1 for each account of the configuration in force; `environment` as the config declares it (empty if none).",
                &["account_id", "environment"],
            ),
            scan_interval: gauge(
                "tomwatch_scan_interval_seconds",
                "The schedule's interval between two scans of an account (before jitter).",
                &[],
            ),
            findings: gauge(
                "tomwatch_findings",
                &format!("Findings per check and status (SUPPRESSED counts suppressed FAILs). {CACHED}"),
                &["account_id", "control", "check_id", "severity", "status"],
            ),
            control_compliant: gauge(
                "tomwatch_control_compliant",
                &format!("1 if the control has no unsuppressed FAIL and no UNKNOWN, else 0. {CACHED}"),
                &["account_id", "environment", "control"],
            ),
            failing_resource: gauge(
                "tomwatch_failing_resource",
                &format!(
                    "One series per open unsuppressed failure: 1 if the last scan confirmed the FAIL, 0 if it could not \
                     verify it (UNKNOWN; a failure is resolved only by evidence). {CACHED}"
                ),
                FAILING_LABELS,
            ),
            failing_first_seen: gauge(
                "tomwatch_failing_resource_first_seen_timestamp_seconds",
                &format!("When this open failure was first observed (Unix time; survives restarts). {CACHED}"),
                FAILING_LABELS,
            ),
            suppression_expires: gauge(
                "tomwatch_suppression_expires_timestamp_seconds",
                "When each configured suppression stops applying (Unix time, end of its last day, UTC).",
                &["check", "resource", "owner"],
            ),
            drift_events: counter(
                "tomwatch_drift_events_total",
                "Failures that appeared (new) or went away (resolved), since the process started.",
                &["account_id", "control", "kind"],
            ),
            scan_success: gauge(
                "tomwatch_scan_success",
                &format!("1 if every API call of this account, region and service succeeded. {CACHED}"),
                &["account_id", "aws_region", "service"],
            ),
            scan_duration: gauge(
                "tomwatch_scan_duration_seconds",
                &format!("Duration of the last full scan of the account. {CACHED}"),
                &["account_id"],
            ),
            last_scan_success: gauge(
                "tomwatch_last_scan_success_timestamp_seconds",
                "End of the last scan of the account in which at least one collection succeeded (Unix time): results older than the interval are stale.",
                &["account_id"],
            ),
            collection_errors: gauge(
                "tomwatch_collection_errors",
                &format!("Values that could not be collected, by error type (they make findings UNKNOWN). {CACHED}"),
                &["account_id", "aws_region", "service", "error_type"],
            ),
            api_requests: counter(
                "tomwatch_api_requests_total",
                "AWS API requests sent: every page of a listing and every retry counts.",
                &["service", "operation"],
            ),
            api_retries: counter(
                "tomwatch_api_retries_total",
                "AWS API requests that retried a throttled, failed or timed-out attempt (a part of tomwatch_api_requests_total).",
                &["service", "operation"],
            ),
            api_errors: counter(
                "tomwatch_api_errors_total",
                "AWS API operations that failed after retries, by error type.",
                &["service", "operation", "error_type"],
            ),
            scans_skipped: counter(
                "tomwatch_scans_skipped_total",
                "Scheduled scans skipped because the previous scan of the account was still running.",
                &["account_id"],
            ),
            storage_errors: counter(
                "tomwatch_storage_errors_total",
                "Failed writes to the drift store (first-seen times of that scan are missing).",
                &[],
            ),
            reload_ok: gauge(
                "tomwatch_config_last_reload_successful",
                "1 if the last configuration (re)load succeeded, 0 if the old configuration is still in force.",
                &[],
            ),
            events_received: counter(
                "tomwatch_events_received_total",
                "Messages read from the event queue, by CloudTrail eventSource (`other`: not a known source, or unreadable).",
                &["source"],
            ),
            events_ignored: counter(
                "tomwatch_events_ignored_total",
                "Messages that caused no rescan, by reason; they are deleted from the queue.",
                &["reason"],
            ),
            registry,
        }
    }
}
