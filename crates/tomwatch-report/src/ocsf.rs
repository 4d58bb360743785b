//! OCSF 1.3.0 Detection Findings (class 2004), one per (check, resource), as Prowler writes them
//! and Security Hub reads them. The control and the framework requirements it evidences travel
//! in `unmapped.compliance`: OCSF's `compliance` object belongs to the Compliance Finding class,
//! not to Detection Finding, so putting it at the top would fail the schema.

use crate::document::{AuditDocument, FindingRecord, Severity, Status};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const OCSF_VERSION: &str = "1.3.0";
/// Where each finding carries the report's integrity record.
pub const INTEGRITY_KEY: &str = "tomwatch_integrity";

/// The findings of an audit as OCSF Detection Findings, in the document's order.
pub fn findings(document: &AuditDocument) -> Vec<Value> {
    let time = OffsetDateTime::parse(&document.finished_at, &Rfc3339)
        .map_or(0, |t| t.unix_timestamp() * 1000);
    document
        .findings
        .iter()
        .map(|finding| detection_finding(document, finding, time))
        .collect()
}

fn detection_finding(document: &AuditDocument, finding: &FindingRecord, time: i64) -> Value {
    let (severity_id, severity) = severity(finding.severity);
    let (status_id, status) = if finding.status == Status::Fail && finding.suppressed {
        (3, "Suppressed")
    } else {
        (1, "New")
    };
    let mut value = json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "status_code": finding.status.as_str(),
        "status_detail": finding.message,
        "message": finding.message,
        "time": time,
        "time_dt": document.finished_at,
        "metadata": {
            "version": OCSF_VERSION,
            "event_code": finding.check_id,
            "profiles": ["cloud", "datetime"],
            "product": {
                "name": "tomwatch",
                "uid": "tomwatch",
                "vendor_name": "tomwatch",
                "version": document.tool.version,
            },
        },
        "finding_info": {
            // Stable across audits, so a consumer updates one finding instead of adding another.
            "uid": format!(
                "tomwatch:{}:{}:{}:{}",
                finding.check_id, finding.account_id, finding.region, finding.resource_id
            ),
            "title": document.check_title(&finding.check_id),
            "desc": finding.message,
            "types": [finding.control],
            "created_time": time,
        },
        "cloud": cloud(finding),
        "resources": [{
            "uid": finding.resource_id,
            "type": finding.resource_type,
            "cloud_partition": partition(&finding.resource_id),
            "region": finding.region,
            "group": {"name": service(&finding.resource_type)},
        }],
        "unmapped": {
            "compliance": compliance(document, finding),
        },
    });
    if let Some(remediation) = &finding.remediation {
        value["remediation"] = json!({ "desc": remediation });
    }
    if let Some(note) = &finding.suppression {
        value["unmapped"]["suppression"] = json!(note);
    }
    value
}

fn severity(severity: Severity) -> (u8, &'static str) {
    match severity {
        Severity::Critical => (5, "Critical"),
        Severity::High => (4, "High"),
        Severity::Medium => (3, "Medium"),
        Severity::Low => (2, "Low"),
    }
}

fn cloud(finding: &FindingRecord) -> Value {
    let mut cloud = json!({
        "provider": "AWS",
        "account": {"uid": finding.account_id, "type": "AWS Account", "type_id": 10},
    });
    // Account-wide findings have no region; OCSF's region is a real one or absent.
    if finding.region != "global" {
        cloud["region"] = finding.region.as_str().into();
    }
    cloud
}

/// The partition from an ARN (`arn:aws-cn:...`), `aws` where the ID is no ARN.
fn partition(resource_id: &str) -> &str {
    resource_id
        .strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

/// `ec2` from `AWS::EC2::Instance`.
fn service(resource_type: &str) -> String {
    resource_type
        .split("::")
        .nth(1)
        .unwrap_or(resource_type)
        .to_ascii_lowercase()
}

fn compliance(document: &AuditDocument, finding: &FindingRecord) -> Value {
    let (status_id, status) = match finding.status {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::Unknown => (0, "Unknown"),
        Status::NotApplicable => (99, "Not Applicable"),
    };
    let mut standards = vec![document
        .baseline
        .as_ref()
        .map_or_else(|| "tom".to_string(), |b| b.name.clone())];
    standards.extend(
        document
            .control(&finding.control)
            .iter()
            .flat_map(|c| &c.references)
            .map(|r| r.framework.clone()),
    );
    let requirements = document.requirement_labels(&finding.control);
    json!({
        "control": finding.control,
        "standards": standards,
        "requirements": requirements,
        "status_id": status_id,
        "status": status,
    })
}
