use crate::policy::Policy;
use crate::regions::RegionNotScanned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tomwatch_model::{CollectionError, Finding, Status};

pub const AUDIT_SCHEMA: &str = "tomwatch.audit.v1";

/// The result of one audit: what was scanned, every finding, every error.
#[derive(Debug, Clone)]
pub struct AuditReport {
    pub started_at: OffsetDateTime,
    pub finished_at: OffsetDateTime,
    pub accounts: Vec<AccountReport>,
    /// Sorted: failures first, then by control, check and resource.
    pub findings: Vec<Finding>,
    pub errors: Vec<CollectionError>,
    /// One entry per collection unit, for scan health metrics.
    pub units: Vec<UnitReport>,
    /// Every configured suppression, and whether it has expired.
    pub suppressions: Vec<SuppressionReport>,
    /// The baseline the findings were judged by (set with the policy).
    pub baseline: Option<BaselineIdentity>,
    /// What to do about a FAIL of each check, from the baseline.
    pub remediation: BTreeMap<String, String>,
}

/// Which baseline an audit applied: evidence must say what it measured against.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineIdentity {
    pub name: String,
    pub format_version: u32,
    pub sha256: String,
}

/// A configured suppression as it stood when the report was made.
#[derive(Debug, Clone, Serialize)]
pub struct SuppressionReport {
    pub check: String,
    pub resource: String,
    pub reason: String,
    pub owner: String,
    pub expires: String,
    pub expired: bool,
    /// FAILs the suppression's patterns match (for an expired one: the FAILs it no longer hides).
    pub matched: usize,
}

impl SuppressionReport {
    /// In force, but hiding nothing in this audit: stale, or its patterns are wrong.
    pub fn is_unused(&self) -> bool {
        !self.expired && self.matched == 0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountReport {
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub regions: Vec<String>,
    /// Configured regions that were not scanned, each with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub regions_not_scanned: Vec<RegionNotScanned>,
}

/// One account's evaluated scan: what a report or a snapshot is made of.
#[derive(Debug, Clone)]
pub struct EvaluatedAccount {
    pub account: AccountReport,
    pub findings: Vec<tomwatch_model::Finding>,
    pub errors: Vec<CollectionError>,
    pub units: Vec<UnitReport>,
}

/// How one (account, region, service) collection went.
#[derive(Debug, Clone)]
pub struct UnitReport {
    pub account_id: String,
    pub region: String,
    pub service: &'static str,
    /// Every call of the unit succeeded.
    pub success: bool,
    pub duration: Duration,
}

/// What the audit means for a pipeline: the process exit code is derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every finding is PASS or NOT_APPLICABLE.
    Compliant,
    /// At least one FAIL.
    Failing,
    /// No FAIL, but something could not be seen (UNKNOWN).
    Incomplete,
}

impl AuditReport {
    pub(crate) fn new(started_at: OffsetDateTime) -> Self {
        AuditReport {
            started_at,
            finished_at: started_at,
            accounts: Vec::new(),
            findings: Vec::new(),
            errors: Vec::new(),
            units: Vec::new(),
            suppressions: Vec::new(),
            baseline: None,
            remediation: BTreeMap::new(),
        }
    }

    pub(crate) fn add(&mut self, account: EvaluatedAccount) {
        self.accounts.push(account.account);
        self.findings.extend(account.findings);
        self.errors.extend(account.errors);
        self.units.extend(account.units);
    }

    /// A report of already evaluated accounts (the daemon's current snapshots).
    pub fn from_accounts(
        started_at: OffsetDateTime,
        finished_at: OffsetDateTime,
        accounts: impl IntoIterator<Item = EvaluatedAccount>,
    ) -> Self {
        let mut report = AuditReport::new(started_at);
        for account in accounts {
            report.add(account);
        }
        report.finish();
        report.finished_at = finished_at;
        report
    }

    /// Records the policy the findings were judged by: the baseline's identity, its remediation
    /// of each check, and how its suppressions stand against the findings on `today`.
    pub fn record_policy(&mut self, policy: &Policy, today: time::Date) {
        let baseline = &policy.baseline;
        self.baseline = Some(BaselineIdentity {
            name: baseline.name.clone(),
            format_version: baseline.format_version,
            sha256: baseline.sha256.clone(),
        });
        self.remediation = baseline
            .rules
            .iter()
            .map(|r| (r.check.meta.id.to_string(), r.remediation.clone()))
            .collect();
        self.record_suppressions(policy, today);
    }

    fn record_suppressions(&mut self, policy: &Policy, today: time::Date) {
        self.suppressions = policy
            .suppression_states(&self.findings, today)
            .map(|state| SuppressionReport {
                check: state.suppression.check.text.clone(),
                resource: state.suppression.resource.text.clone(),
                reason: state.suppression.reason.clone(),
                owner: state.suppression.owner.clone(),
                expires: state.suppression.expires.to_string(),
                expired: state.expired,
                matched: state.matched,
            })
            .collect();
    }

    pub(crate) fn finish(&mut self) {
        self.finished_at = OffsetDateTime::now_utc();
        self.findings.sort_by(|a, b| {
            (
                a.status,
                &a.control,
                a.check_id,
                &a.account_id,
                &a.region,
                &a.resource_id,
            )
                .cmp(&(
                    b.status,
                    &b.control,
                    b.check_id,
                    &b.account_id,
                    &b.region,
                    &b.resource_id,
                ))
        });
        self.errors.sort_by(|a, b| {
            (
                &a.scope.account_id,
                &a.scope.region,
                a.scope.service,
                a.operation,
            )
                .cmp(&(
                    &b.scope.account_id,
                    &b.scope.region,
                    b.scope.service,
                    b.operation,
                ))
        });
    }

    pub fn outcome(&self) -> Outcome {
        let count = self.counts();
        if self.findings.iter().any(Finding::is_actionable_failure) {
            Outcome::Failing
        } else if count.get(&Status::Unknown).copied().unwrap_or(0) > 0 {
            Outcome::Incomplete
        } else {
            Outcome::Compliant
        }
    }

    pub fn counts(&self) -> BTreeMap<Status, usize> {
        let mut counts = BTreeMap::new();
        for finding in &self.findings {
            *counts.entry(finding.status).or_default() += 1;
        }
        counts
    }

    /// The `tomwatch.audit.v1` document.
    pub fn to_json(&self) -> serde_json::Value {
        let format = |t: &OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
        let counts: BTreeMap<&str, usize> = self
            .counts()
            .into_iter()
            .map(|(s, n)| (s.as_str(), n))
            .collect();
        // A FAIL says what to do about it; the other statuses need no remediation.
        let findings: Vec<serde_json::Value> = self
            .findings
            .iter()
            .map(|finding| {
                let mut value = serde_json::to_value(finding).unwrap_or_default();
                if finding.status == Status::Fail {
                    if let Some(remediation) = self.remediation.get(finding.check_id) {
                        value["remediation"] = remediation.as_str().into();
                    }
                }
                value
            })
            .collect();
        serde_json::json!({
            "schema": AUDIT_SCHEMA,
            "tool": {"name": "tomwatch", "version": env!("CARGO_PKG_VERSION")},
            "baseline": self.baseline,
            "started_at": format(&self.started_at),
            "finished_at": format(&self.finished_at),
            "accounts": self.accounts,
            "summary": counts,
            "suppressed": self.findings.iter().filter(|f| f.suppressed).count(),
            "findings": findings,
            "errors": self.errors,
            "suppressions": self.suppressions,
        })
    }
}
