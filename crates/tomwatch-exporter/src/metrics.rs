//! Snapshot → Prometheus text exposition. Metric names and labels are a public contract.

use prometheus::{Encoder, GaugeVec, IntCounterVec, Opts, Registry, TextEncoder};
use std::collections::BTreeMap;
use std::time::UNIX_EPOCH;
use tomwatch_engine::state::{DriftKind, ServeState};
use tomwatch_model::{ErrorKind, Status, GLOBAL_REGION};

/// Identity of this build, for `tomwatch_build_info`.
#[derive(Debug, Clone)]
pub struct BuildInfo {
    pub version: String,
    pub revision: String,
}

const CACHED: &str = "Cached from the last completed scan of the account.";

/// Renders every metric from the current state. Builds a fresh registry per scrape: the series
/// are exactly those of the current snapshots, and stale resources disappear with them.
pub fn render(state: &ServeState, build: &BuildInfo) -> String {
    let metrics = Metrics::new();
    metrics.fill(state, build);
    #[cfg(target_os = "linux")]
    if let Err(error) = metrics.registry.register(Box::new(
        prometheus::process_collector::ProcessCollector::for_self(),
    )) {
        tracing::error!("registering the process metrics failed: {error}");
    }
    let mut families = metrics.registry.gather();
    families.extend(events::families(state));
    families.sort_by(|a, b| a.name().cmp(b.name()));
    let mut out = Vec::new();
    if let Err(error) = TextEncoder::new().encode(&families, &mut out) {
        tracing::error!("encoding metrics failed: {error}");
    }
    String::from_utf8(out).unwrap_or_default()
}

struct Metrics {
    registry: Registry,
    build_info: GaugeVec,
    account_info: GaugeVec,
    scan_interval: GaugeVec,
    findings: GaugeVec,
    control_compliant: GaugeVec,
    failing_resource: GaugeVec,
    failing_first_seen: GaugeVec,
    suppression_expires: GaugeVec,
    drift_events: IntCounterVec,
    scan_success: GaugeVec,
    scan_duration: GaugeVec,
    last_scan_success: GaugeVec,
    collection_errors: GaugeVec,
    api_requests: IntCounterVec,
    api_retries: IntCounterVec,
    api_errors: IntCounterVec,
    scans_skipped: IntCounterVec,
    storage_errors: IntCounterVec,
    reload_ok: GaugeVec,
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
    fn new() -> Self {
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
            registry,
        }
    }

    fn fill(&self, state: &ServeState, build: &BuildInfo) {
        self.build_info
            .with_label_values(&[build.version.as_str(), build.revision.as_str()])
            .set(1.0);
        self.reload_ok
            .with_label_values::<&str>(&[])
            .set(if state.reload_successful() { 1.0 } else { 0.0 });
        self.storage_errors
            .with_label_values::<&str>(&[])
            .inc_by(state.storage_errors());
        if let Some(interval) = state.interval() {
            self.scan_interval
                .with_label_values::<&str>(&[])
                .set(interval.as_secs_f64());
        }
        let expected = state.expected();
        for account in &expected {
            let environment = account.environment.as_deref().unwrap_or("");
            self.account_info
                .with_label_values(&[account.account_id.as_str(), environment])
                .set(1.0);
            // Present from the start, so alerts and dashboards can rely on the series.
            self.scans_skipped
                .with_label_values(&[account.account_id.as_str()])
                .inc_by(0);
        }

        let policy = state.policy();
        for suppression in &policy.suppressions {
            // The end of the last day it applies: `time() > this` means expired.
            let end = suppression.expires.midnight().assume_utc().unix_timestamp() + 86_400;
            self.suppression_expires
                .with_label_values(&[
                    suppression.check.text.as_str(),
                    suppression.resource.text.as_str(),
                    suppression.owner.as_str(),
                ])
                .set(end as f64);
        }
        if let Some(kind) = state.connection_failure() {
            // Start-up cannot reach AWS yet: no account has been scanned, and each says why.
            for account in &expected {
                let id = account.account_id.as_str();
                self.scan_success
                    .with_label_values(&[id, GLOBAL_REGION, "sts"])
                    .set(0.0);
                self.collection_errors
                    .with_label_values(&[id, GLOBAL_REGION, "sts", kind.as_str()])
                    .set(1.0);
            }
        }
        // One consistent view: the drift counters belong to exactly the published snapshots.
        let (snapshots, drift_events) = state.published();
        for snapshot in &snapshots {
            let evaluated = &snapshot.evaluated;
            let account = evaluated.account.account_id.as_str();
            let environment = evaluated.account.environment.as_deref().unwrap_or("");

            // A suppressed FAIL is counted as SUPPRESSED, not as FAIL: FAIL is what needs action.
            let mut counts: BTreeMap<(&str, Status), u64> = BTreeMap::new();
            let mut suppressed: BTreeMap<&str, u64> = BTreeMap::new();
            for finding in &evaluated.findings {
                if finding.suppressed {
                    *suppressed.entry(finding.check_id).or_default() += 1;
                } else {
                    *counts
                        .entry((finding.check_id, finding.status))
                        .or_default() += 1;
                }
            }
            for rule in policy.baseline.enabled_rules() {
                let id = rule.check.meta.id;
                for status in Status::ALL {
                    let count = counts.get(&(id, status)).copied().unwrap_or(0);
                    self.findings
                        .with_label_values(&[
                            account,
                            rule.control.as_str(),
                            id,
                            rule.severity.as_str(),
                            status.as_str(),
                        ])
                        .set(count as f64);
                }
                self.findings
                    .with_label_values(&[
                        account,
                        rule.control.as_str(),
                        id,
                        rule.severity.as_str(),
                        "SUPPRESSED",
                    ])
                    .set(suppressed.get(id).copied().unwrap_or(0) as f64);
            }
            for control in &policy.baseline.controls {
                let compliant = !evaluated.findings.iter().any(|f| {
                    f.control == control.id
                        && (f.is_actionable_failure() || f.status == Status::Unknown)
                });
                self.control_compliant
                    .with_label_values(&[account, environment, control.id.as_str()])
                    .set(if compliant { 1.0 } else { 0.0 });
                for kind in [DriftKind::New, DriftKind::Resolved] {
                    self.drift_events
                        .with_label_values(&[account, control.id.as_str(), kind.as_str()])
                        .inc_by(0);
                }
            }
            let confirmed = evaluated
                .findings
                .iter()
                .filter(|f| f.is_actionable_failure())
                .map(|finding| {
                    let key = (finding.check_id.to_string(), finding.resource_id.clone());
                    (finding, 1.0, snapshot.first_seen.get(&key).copied())
                });
            let unverified = snapshot
                .unverified
                .iter()
                .map(|open| (&open.finding, 0.0, Some(open.first_seen)));
            for (finding, value, first_seen) in confirmed.chain(unverified) {
                let labels = [
                    account,
                    environment,
                    finding.region.as_str(),
                    finding.control.as_str(),
                    finding.check_id,
                    finding.severity.as_str(),
                    finding.resource_type,
                    finding.resource_id.as_str(),
                ];
                self.failing_resource.with_label_values(&labels).set(value);
                if let Some(first_seen) = first_seen {
                    self.failing_first_seen
                        .with_label_values(&labels)
                        .set(first_seen as f64);
                }
            }
            for unit in &evaluated.units {
                self.scan_success
                    .with_label_values(&[account, unit.region.as_str(), unit.service])
                    .set(if unit.success { 1.0 } else { 0.0 });
            }
            if evaluated.units.is_empty() {
                // Not even connected: say so on the unit that failed (sts / AssumeRole).
                for error in &evaluated.errors {
                    self.scan_success
                        .with_label_values(&[
                            account,
                            error.scope.region.as_str(),
                            error.scope.service,
                        ])
                        .set(0.0);
                }
            }
            let mut errors: BTreeMap<(&str, &str, ErrorKind), u64> = BTreeMap::new();
            for error in &evaluated.errors {
                *errors
                    .entry((error.scope.region.as_str(), error.scope.service, error.kind))
                    .or_default() += 1;
            }
            for ((region, service, kind), count) in errors {
                self.collection_errors
                    .with_label_values(&[account, region, service, kind.as_str()])
                    .set(count as f64);
            }
            self.scan_duration
                .with_label_values(&[account])
                .set(snapshot.duration.as_secs_f64());
            if let Some(at) = snapshot.last_reached_aws {
                let seconds = at
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_secs_f64())
                    .unwrap_or_default();
                self.last_scan_success
                    .with_label_values(&[account])
                    .set(seconds);
            }
        }
        for ((account, control, kind), count) in drift_events {
            self.drift_events
                .with_label_values(&[account.as_str(), control.as_str(), kind.as_str()])
                .inc_by(count);
        }
        for ((service, operation), stats) in state.api.snapshot() {
            let operation = operation.as_str();
            self.api_requests
                .with_label_values(&[service, operation])
                .inc_by(stats.requests);
            self.api_retries
                .with_label_values(&[service, operation])
                .inc_by(stats.retries);
            // Every error type of a called operation is present, at 0 until it happens.
            for kind in ErrorKind::ALL {
                self.api_errors
                    .with_label_values(&[service, operation, kind.as_str()])
                    .inc_by(0);
            }
            for (kind, count) in stats.errors {
                self.api_errors
                    .with_label_values(&[service, operation, kind.as_str()])
                    .inc_by(count);
            }
        }
        for (account, count) in state.skipped_scans() {
            self.scans_skipped
                .with_label_values(&[account.as_str()])
                .inc_by(count);
        }
    }
}

mod events;

#[cfg(test)]
mod tests;
