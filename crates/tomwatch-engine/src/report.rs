use crate::policy::Policy;
use crate::regions::RegionNotScanned;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tomwatch_model::{CollectionError, Finding, Status};

use tomwatch_report::document as doc;
pub use tomwatch_report::AUDIT_SCHEMA;

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
    /// What to do about a FAIL of each check, from the baseline; shared by the check's FAILs.
    pub remediation: BTreeMap<String, Arc<str>>,
    /// The baseline's controls as applied (set with the policy).
    pub controls: Vec<doc::ControlRecord>,
    /// The TOM's measures no AWS API can show (set with the policy).
    pub not_verified: Vec<doc::UnverifiedRecord>,
    /// The configuration the audit ran with, when the caller knows it.
    pub config: Option<doc::ConfigRecord>,
}

/// Which baseline an audit applied: evidence must say what it measured against.
#[derive(Debug, Clone, Serialize)]
pub struct BaselineIdentity {
    pub name: String,
    pub format_version: u32,
    pub sha256: String,
}

/// A configured suppression as it stood when the report was made: the document's own record.
pub type SuppressionReport = doc::SuppressionRecord;

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
            controls: Vec::new(),
            not_verified: Vec::new(),
            config: None,
        }
    }

    pub(crate) fn add(&mut self, account: EvaluatedAccount) {
        self.accounts.push(account.account);
        if self.findings.is_empty() {
            // The first account's findings are taken as they are, not copied into a new vector.
            self.findings = account.findings;
        } else {
            self.findings.extend(account.findings);
        }
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
            .map(|r| {
                (
                    r.check.meta.id.to_string(),
                    Arc::from(r.remediation.as_str()),
                )
            })
            .collect();
        self.controls = control_records(baseline);
        self.not_verified = baseline
            .not_verified
            .iter()
            .map(|m| doc::UnverifiedRecord {
                measure: m.measure.clone(),
                reason: m.reason.clone(),
            })
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

    /// The `tomwatch.audit.v1` document, as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.to_document()).unwrap_or_default()
    }

    /// The `tomwatch.audit.v1` document every report is made from.
    pub fn to_document(&self) -> doc::AuditDocument {
        self.clone().into_document()
    }

    /// [`Self::to_document`], moving the findings' text instead of copying it: an audit of
    /// 10,000 resources holds one copy of its 40,000 findings, not two.
    pub fn into_document(self) -> doc::AuditDocument {
        let format = |t: &OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
        let suppressed = self.findings.iter().filter(|f| f.suppressed).count();
        let summary = self
            .counts()
            .into_iter()
            .map(|(s, n)| (s.as_str().to_string(), n))
            .collect();
        let remediation = self.remediation;
        doc::AuditDocument {
            schema: AUDIT_SCHEMA.to_string(),
            tool: doc::Tool {
                name: "tomwatch".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            baseline: self.baseline.map(|b| doc::BaselineRecord {
                name: b.name,
                format_version: b.format_version,
                sha256: b.sha256,
            }),
            started_at: format(&self.started_at),
            finished_at: format(&self.finished_at),
            accounts: self.accounts.iter().map(account_record).collect(),
            summary,
            suppressed,
            findings: self
                .findings
                .into_iter()
                .map(|f| finding_record(f, &remediation))
                .collect(),
            errors: self.errors.iter().map(error_record).collect(),
            suppressions: self.suppressions,
            controls: self.controls,
            not_verified: self.not_verified,
            config: self.config,
            integrity: None,
        }
    }
}

fn control_records(baseline: &tomwatch_checks::baseline::Baseline) -> Vec<doc::ControlRecord> {
    baseline
        .controls
        .iter()
        .map(|control| doc::ControlRecord {
            id: control.id.clone(),
            title: control.title.clone(),
            section: control.section.clone(),
            rationale: control.rationale.clone(),
            limits: control.limits.clone(),
            references: baseline
                .frameworks
                .iter()
                .filter_map(|framework| {
                    let ids = control.references.get(&framework.id)?;
                    Some(doc::ReferenceRecord {
                        framework: framework.name.clone(),
                        requirements: ids
                            .iter()
                            .map(|id| doc::RequirementRecord {
                                id: id.clone(),
                                name: framework.requirements.get(id).cloned().unwrap_or_default(),
                            })
                            .collect(),
                    })
                })
                .collect(),
            checks: baseline
                .rules
                .iter()
                .filter(|r| *r.control == control.id)
                .map(|r| doc::CheckRecord {
                    id: r.check.meta.id.to_string(),
                    title: r.check.meta.title.to_string(),
                    severity: r.severity.as_str().to_string(),
                    disabled: r.disabled.clone(),
                })
                .collect(),
        })
        .collect()
}

fn account_record(account: &AccountReport) -> doc::AccountRecord {
    doc::AccountRecord {
        account_id: account.account_id.clone(),
        environment: account.environment.clone(),
        regions: account.regions.clone(),
        regions_not_scanned: account
            .regions_not_scanned
            .iter()
            .map(|r| doc::RegionNotScannedRecord {
                region: r.region.clone(),
                reason: r.reason.as_str().to_string(),
                did_you_mean: r.did_you_mean.clone(),
            })
            .collect(),
    }
}

fn finding_record(
    finding: Finding,
    remediation: &BTreeMap<String, Arc<str>>,
) -> doc::FindingRecord {
    doc::FindingRecord {
        check_id: Cow::Borrowed(finding.check_id),
        control: finding.control,
        status: finding.status,
        severity: finding.severity,
        account_id: finding.account_id,
        region: finding.region,
        resource_type: Cow::Borrowed(finding.resource_type),
        resource_id: finding.resource_id,
        message: finding.message,
        suppressed: finding.suppressed,
        suppression: finding.suppression.map(|n| {
            let n = *n;
            Box::new(doc::SuppressionNote {
                reason: n.reason,
                owner: n.owner,
                expires: n.expires,
                expired: n.expired,
            })
        }),
        // A FAIL says what to do about it; the other statuses need no remediation.
        remediation: (finding.status == Status::Fail)
            .then(|| remediation.get(finding.check_id).cloned())
            .flatten(),
    }
}

fn error_record(error: &CollectionError) -> doc::ErrorRecord {
    doc::ErrorRecord {
        account_id: error.scope.account_id.clone(),
        region: error.scope.region.clone(),
        service: error.scope.service.to_string(),
        operation: error.operation.to_string(),
        error_type: error.kind.as_str().to_string(),
        message: error.message.clone(),
    }
}
