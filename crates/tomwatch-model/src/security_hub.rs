//! A finding as tomwatch sends it to AWS Security Hub (the AWS Security Finding Format's fields
//! tomwatch fills), in plain data: `tomwatch-aws` turns it into the SDK's type.

use serde::Serialize;

/// One (check, resource) FAIL for `BatchImportFindings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityHubFinding {
    /// Stable across audits, so that a re-import updates the finding instead of adding one.
    pub id: String,
    /// The check ID.
    pub generator_id: String,
    pub account_id: String,
    /// The region whose Security Hub receives it.
    pub region: String,
    pub title: String,
    pub description: String,
    /// `CRITICAL`, `HIGH`, `MEDIUM` or `LOW`.
    pub severity_label: String,
    /// RFC 3339.
    pub observed_at: String,
    pub resource_type: String,
    pub resource_id: String,
    pub partition: String,
    /// The control and the framework requirements it evidences, e.g. `TOM-NET`, `BSI C5:2020 COS-01`.
    pub related_requirements: Vec<String>,
    pub remediation: Option<String>,
    /// A FAIL a suppression accepts: imported with workflow status SUPPRESSED and its reason.
    pub suppressed_because: Option<String>,
}
