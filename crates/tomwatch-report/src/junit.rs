//! JUnit XML, which CI systems render without plugins: one test suite per control, one test case
//! per (check, resource). FAIL is a failure, UNKNOWN an error (the test could not run),
//! NOT_APPLICABLE and suppressed FAILs are skipped, the latter with the suppression's reason.

use crate::document::{AuditDocument, FindingRecord, Status};
use quick_xml::escape::escape;
use std::fmt::Write;

pub fn render(document: &AuditDocument) -> String {
    let suites = document.findings_by_control();
    let total = |f: fn(&FindingRecord) -> bool| document.findings.iter().filter(|x| f(x)).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"tomwatch audit\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{}\">",
        document.findings.len(),
        total(is_failure),
        total(is_error),
        total(is_skipped),
        attr(&document.finished_at),
    );
    for (control, findings) in suites {
        let count = |f: fn(&FindingRecord) -> bool| findings.iter().filter(|x| f(x)).count();
        let _ = writeln!(
            xml,
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" timestamp=\"{}\">",
            attr(&control.id),
            attr(&control.title),
            findings.len(),
            count(is_failure),
            count(is_error),
            count(is_skipped),
            attr(&document.finished_at),
        );
        for finding in findings {
            test_case(&mut xml, document, finding);
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn test_case(xml: &mut String, document: &AuditDocument, finding: &FindingRecord) {
    let _ = write!(
        xml,
        "    <testcase classname=\"{}.{}\" name=\"{} ({} {})\" time=\"0\"",
        attr(&finding.control),
        attr(&finding.check_id),
        attr(&finding.resource_id),
        attr(&finding.account_id),
        attr(&finding.region),
    );
    let title = document.check_title(&finding.check_id);
    match finding.status {
        Status::Pass => xml.push_str("/>\n"),
        Status::Fail if finding.suppressed => {
            let reason = finding.suppression.as_ref().map_or(String::new(), |n| {
                format!(
                    "suppressed until {} by {}: {}",
                    n.expires, n.owner, n.reason
                )
            });
            let _ = writeln!(
                xml,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                attr(&reason)
            );
        }
        Status::Fail => {
            let remediation = finding.remediation.as_deref().unwrap_or("");
            let _ = writeln!(
                xml,
                ">\n      <failure message=\"{}\" type=\"{} {}\">{}\n\n{}: {}</failure>\n    </testcase>",
                attr(&finding.message),
                attr(finding.severity.as_str()),
                attr(&finding.check_id),
                attr(&finding.message),
                attr(title),
                attr(remediation),
            );
        }
        Status::Unknown => {
            let _ = writeln!(
                xml,
                ">\n      <error message=\"{}\" type=\"UNKNOWN\">{}</error>\n    </testcase>",
                attr(&finding.message),
                attr(&finding.message),
            );
        }
        Status::NotApplicable => {
            let _ = writeln!(
                xml,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                attr(&format!("not applicable: {}", finding.message)),
            );
        }
    }
}

fn is_failure(f: &FindingRecord) -> bool {
    f.status == Status::Fail && !f.suppressed
}

fn is_error(f: &FindingRecord) -> bool {
    f.status == Status::Unknown
}

fn is_skipped(f: &FindingRecord) -> bool {
    f.status == Status::NotApplicable || (f.status == Status::Fail && f.suppressed)
}

/// Escaped for an attribute or an element's text, without the characters XML 1.0 forbids (control
/// characters could come from resource names and would make the whole file unreadable).
fn attr(value: &str) -> String {
    let allowed: String = value
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    escape(allowed.as_str()).into_owned()
}
