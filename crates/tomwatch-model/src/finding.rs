use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The verdict of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    // Declaration order is the display order: what needs action first.
    Fail,
    Unknown,
    Pass,
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Fail,
        Status::Unknown,
        Status::Pass,
        Status::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Unknown => "UNKNOWN",
            Status::NotApplicable => "NOT_APPLICABLE",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    // Declaration order is the display order: most severe first.
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One (check, resource) verdict. Every evaluated pair produces one, not only failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub check_id: &'static str,
    /// The control of the baseline the check is placed in (a user's baseline may place it elsewhere).
    /// Shared with the rule, as `account_id` with the account: an audit holds tens of thousands
    /// of findings, and these are a few names each.
    pub control: Arc<str>,
    pub status: Status,
    pub severity: Severity,
    pub account_id: Arc<str>,
    /// The resource's region, or `global` for account-wide findings.
    pub region: String,
    /// CloudFormation-style type, e.g. `AWS::S3::Bucket`.
    pub resource_type: &'static str,
    /// The ARN where AWS defines one; for an UNKNOWN whose resources could not even be listed,
    /// a wildcard ARN naming the scope that could not be seen.
    pub resource_id: String,
    pub message: String,
    /// True for a FAIL that an unexpired suppression covers: it stays a FAIL, but it does not fail
    /// the audit or page anyone until the suppression expires.
    pub suppressed: bool,
    /// The suppression that matched this FAIL, expired or not. Boxed: few findings have one, and
    /// an audit holds tens of thousands of findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Box<SuppressionNote>>,
}

impl Finding {
    /// A FAIL that nobody has accepted: what fails the exit code and counts as drift.
    pub fn is_actionable_failure(&self) -> bool {
        self.status == Status::Fail && !self.suppressed
    }
}

/// Why a FAIL is (or was, until it expired) accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressionNote {
    pub reason: String,
    pub owner: String,
    /// The last day the suppression applies, `YYYY-MM-DD` (UTC).
    pub expires: String,
    pub expired: bool,
}
