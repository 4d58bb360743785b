//! Snapshot → Prometheus text exposition. Metric names and labels are a public contract.

use families::Metrics;
use prometheus::{Encoder, TextEncoder};
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

/// Renders every metric from the current state. Builds a fresh registry per scrape: the series
/// are exactly those of the current snapshots, and stale resources disappear with them.
pub fn render(state: &ServeState, build: &BuildInfo) -> String {
    let metrics = Metrics::new();
    metrics.fill(state, build);
    // Read once: the counters and the histogram of one scrape describe the same moment.
    let event_counters = state.event_counters();
    if let Some(counters) = &event_counters {
        events::fill(&metrics, counters);
    }
    #[cfg(target_os = "linux")]
    if let Err(error) = metrics.registry.register(Box::new(
        prometheus::process_collector::ProcessCollector::for_self(),
    )) {
        tracing::error!("registering the process metrics failed: {error}");
    }
    let mut families = metrics.registry.gather();
    families.extend(
        event_counters
            .as_ref()
            .map(|counters| events::latency_family(&counters.latency)),
    );
    families.sort_by(|a, b| a.name().cmp(b.name()));
    let mut out = Vec::new();
    if let Err(error) = TextEncoder::new().encode(&families, &mut out) {
        tracing::error!("encoding metrics failed: {error}");
    }
    String::from_utf8(out).unwrap_or_default()
}

impl Metrics {
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
                            &*rule.control,
                            id,
                            rule.severity.as_str(),
                            status.as_str(),
                        ])
                        .set(count as f64);
                }
                self.findings
                    .with_label_values(&[
                        account,
                        &*rule.control,
                        id,
                        rule.severity.as_str(),
                        "SUPPRESSED",
                    ])
                    .set(suppressed.get(id).copied().unwrap_or(0) as f64);
            }
            for control in &policy.baseline.controls {
                let compliant = !evaluated.findings.iter().any(|f| {
                    *f.control == control.id
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
                    &*finding.control,
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
mod families;

#[cfg(test)]
mod tests;
