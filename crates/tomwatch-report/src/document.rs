//! The `tomwatch.audit.v1` document: what `tomwatch audit --format json` writes, what
//! `/api/v1/findings` serves, and what every other report, `tomwatch diff` and `tomwatch verify`
//! read. Fields added to v1 later are optional when read, so older documents still load.

use crate::integrity::Integrity;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
pub use tomwatch_model::{Severity, Status};

pub const AUDIT_SCHEMA: &str = "tomwatch.audit.v1";

/// One audit, as evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditDocument {
    /// Always [`AUDIT_SCHEMA`].
    pub schema: String,
    pub tool: Tool,
    /// The baseline the findings were judged by; `None` only for a report made without a policy.
    pub baseline: Option<BaselineRecord>,
    /// RFC 3339, UTC.
    pub started_at: String,
    pub finished_at: String,
    pub accounts: Vec<AccountRecord>,
    /// Findings per status (`FAIL`, `UNKNOWN`, `PASS`, `NOT_APPLICABLE`).
    pub summary: BTreeMap<String, usize>,
    /// FAILs an unexpired suppression covers.
    pub suppressed: usize,
    /// Failures first, then by control, check, account, region and resource.
    pub findings: Vec<FindingRecord>,
    pub errors: Vec<ErrorRecord>,
    pub suppressions: Vec<SuppressionRecord>,
    /// The baseline's controls as this audit applied them (checks on and off, citations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlRecord>,
    /// Measures of the TOM no AWS API can show: not verified by this audit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_verified: Vec<UnverifiedRecord>,
    /// Which configuration the audit ran with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ConfigRecord>,
    /// The document's own digest and, when signed, its signature. Not part of what it digests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<Integrity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineRecord {
    pub name: String,
    pub format_version: u32,
    /// SHA-256 of the baseline file as read.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigRecord {
    /// The file the audit read, or `(defaults)` when none was given.
    pub source: String,
    /// SHA-256 of the config file's bytes (of the empty string for the defaults), then of the
    /// command line's region override if one was given: what decided the audit's scope.
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRecord {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions_not_scanned: Vec<RegionNotScannedRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionNotScannedRecord {
    pub region: String,
    /// `unknown` (not a region of the partition) or `not_enabled` (an opt-in region).
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRecord {
    /// Borrowed from the check's metadata when made by an audit, owned when read from a file: an
    /// audit holds tens of thousands of records, and most of their text is the same few names.
    pub check_id: Cow<'static, str>,
    /// Shared with the audit's findings, as `account_id`.
    pub control: Arc<str>,
    pub status: Status,
    pub severity: Severity,
    pub account_id: Arc<str>,
    /// The resource's region, or `global`.
    pub region: String,
    pub resource_type: Cow<'static, str>,
    pub resource_id: String,
    pub message: String,
    pub suppressed: bool,
    /// Boxed: few findings carry one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Box<SuppressionNote>>,
    /// What to do about it; only a FAIL carries one. Shared by the FAILs of one check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<Arc<str>>,
}

impl FindingRecord {
    /// What identifies a finding across two audits: the check and the resource.
    pub fn key(&self) -> (&str, &str, &str, &str) {
        (
            &self.check_id,
            &self.account_id,
            &self.region,
            &self.resource_id,
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionNote {
    pub reason: String,
    pub owner: String,
    pub expires: String,
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorRecord {
    pub account_id: String,
    pub region: String,
    pub service: String,
    pub operation: String,
    /// From a fixed set: throttled, access_denied, timeout, not_available, ...
    pub error_type: String,
    pub message: String,
}

/// A configured suppression as it stood when the audit was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionRecord {
    pub check: String,
    pub resource: String,
    pub reason: String,
    pub owner: String,
    pub expires: String,
    pub expired: bool,
    /// FAILs the suppression's patterns match (for an expired one: the FAILs it no longer hides).
    pub matched: usize,
}

impl SuppressionRecord {
    /// In force, but hiding nothing in this audit: stale, or its patterns are wrong.
    pub fn is_unused(&self) -> bool {
        !self.expired && self.matched == 0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlRecord {
    pub id: String,
    pub title: String,
    /// Where the TOM document makes the promise.
    pub section: String,
    pub rationale: String,
    /// What of the promise the checks cannot see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<String>,
    /// Requirements of certification catalogues this control gives evidence for.
    #[serde(default)]
    pub references: Vec<ReferenceRecord>,
    pub checks: Vec<CheckRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRecord {
    /// As an auditor names the catalogue, e.g. `BSI C5:2020`.
    pub framework: String,
    pub requirements: Vec<RequirementRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementRecord {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRecord {
    pub id: String,
    pub title: String,
    pub severity: String,
    /// Why the check did not run (disabled by the config, or beyond the TOM and not enabled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnverifiedRecord {
    pub measure: String,
    pub reason: String,
}

/// Why a document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("schema `{0}` is not {AUDIT_SCHEMA}: this is not a tomwatch audit document")]
    Schema(String),
}

impl AuditDocument {
    /// Reads a `tomwatch.audit.v1` document, refusing other JSON with a reason.
    pub fn from_json(text: &str) -> Result<AuditDocument, ReadError> {
        let value: serde_json::Value = serde_json::from_str(text)?;
        match value.get("schema").and_then(|s| s.as_str()) {
            Some(AUDIT_SCHEMA) => Ok(serde_json::from_value(value)?),
            Some(other) => Err(ReadError::Schema(other.to_string())),
            None => Err(ReadError::Schema("(none)".to_string())),
        }
    }

    /// The control of this audit with that ID.
    pub fn control(&self, id: &str) -> Option<&ControlRecord> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// A check's title from the controls, or its ID where the document has no controls.
    pub fn check_title<'a>(&'a self, check_id: &'a str) -> &'a str {
        self.controls
            .iter()
            .flat_map(|c| &c.checks)
            .find(|c| c.id == check_id)
            .map_or(check_id, |c| c.title.as_str())
    }

    /// Every control of the document in baseline order with its findings, then a bare record
    /// for any control only findings name (a document without `controls`).
    pub fn findings_by_control(&self) -> Vec<(ControlRecord, Vec<&FindingRecord>)> {
        let mut controls: Vec<(ControlRecord, Vec<&FindingRecord>)> = self
            .controls
            .iter()
            .map(|c| (c.clone(), Vec::new()))
            .collect();
        for finding in &self.findings {
            match controls.iter_mut().find(|(c, _)| c.id == *finding.control) {
                Some((_, findings)) => findings.push(finding),
                None => controls.push((
                    ControlRecord {
                        id: finding.control.to_string(),
                        title: String::new(),
                        section: String::new(),
                        rationale: String::new(),
                        limits: None,
                        references: Vec::new(),
                        checks: Vec::new(),
                    },
                    vec![finding],
                )),
            }
        }
        controls
    }

    /// The framework requirements a control evidences, as `<framework> <id>` (empty for a
    /// control the document does not describe).
    pub fn requirement_labels(&self, control: &str) -> Vec<String> {
        self.control(control)
            .iter()
            .flat_map(|c| &c.references)
            .flat_map(|r| {
                r.requirements
                    .iter()
                    .map(move |q| format!("{} {}", r.framework, q.id))
            })
            .collect()
    }

    /// Every region scanned, over all accounts, sorted and once each.
    pub fn regions(&self) -> Vec<&str> {
        let mut regions: Vec<&str> = self
            .accounts
            .iter()
            .flat_map(|a| a.regions.iter().map(String::as_str))
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions
    }

    /// Findings of one status.
    pub fn count(&self, status: Status) -> usize {
        self.summary.get(status.as_str()).copied().unwrap_or(0)
    }
}
