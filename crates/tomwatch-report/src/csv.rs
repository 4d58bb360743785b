//! One row per finding, for spreadsheets. The columns and their order are fixed (`COLUMNS`,
//! documented in the README); new columns are only ever appended.

use crate::document::AuditDocument;

pub const COLUMNS: [&str; 16] = [
    "status",
    "suppressed",
    "severity",
    "control",
    "check_id",
    "check_title",
    "account_id",
    "region",
    "resource_type",
    "resource_id",
    "message",
    "remediation",
    "suppression_reason",
    "suppression_owner",
    "suppression_expires",
    "references",
];

pub fn render(document: &AuditDocument) -> String {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail; a record of the right width cannot either.
    let _ = writer.write_record(COLUMNS);
    for finding in &document.findings {
        let references = document.requirement_labels(&finding.control).join("; ");
        let note = finding.suppression.as_ref();
        let row = [
            finding.status.as_str(),
            if finding.suppressed { "true" } else { "false" },
            finding.severity.as_str(),
            &*finding.control,
            &finding.check_id,
            document.check_title(&finding.check_id),
            &*finding.account_id,
            &finding.region,
            &finding.resource_type,
            &finding.resource_id,
            &finding.message,
            finding.remediation.as_deref().unwrap_or(""),
            note.map_or("", |n| n.reason.as_str()),
            note.map_or("", |n| n.owner.as_str()),
            note.map_or("", |n| n.expires.as_str()),
            &references,
        ];
        let _ = writer.write_record(row.iter().map(|cell| defuse(cell).into_owned()));
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice on CSV
/// injection): resource names and messages carry text anyone with an AWS account can choose.
fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}
