use crate::policy::Policy;
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

#[derive(Debug, Clone, Serialize)]
pub struct AccountReport {
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub regions: Vec<String>,
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
        }
    }

    pub(crate) fn add(&mut self, account: crate::audit::EvaluatedAccount) {
        self.accounts.push(account.account);
        self.findings.extend(account.findings);
        self.errors.extend(account.errors);
        self.units.extend(account.units);
    }

    /// A report of already evaluated accounts (the daemon's current snapshots).
    pub fn from_accounts(
        started_at: OffsetDateTime,
        finished_at: OffsetDateTime,
        accounts: impl IntoIterator<Item = crate::audit::EvaluatedAccount>,
    ) -> Self {
        let mut report = AuditReport::new(started_at);
        for account in accounts {
            report.add(account);
        }
        report.finish();
        report.finished_at = finished_at;
        report
    }

    /// Records how the policy's suppressions stand against the report's findings on `today`.
    pub fn record_suppressions(&mut self, policy: &Policy, today: time::Date) {
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
        serde_json::json!({
            "schema": AUDIT_SCHEMA,
            "started_at": format(&self.started_at),
            "finished_at": format(&self.finished_at),
            "accounts": self.accounts,
            "summary": counts,
            "suppressed": self.findings.iter().filter(|f| f.suppressed).count(),
            "findings": self.findings,
            "errors": self.errors,
            "suppressions": self.suppressions,
        })
    }
}
