//! The evidence report for auditors: one self-contained HTML file (no script, no fetch: its
//! Content-Security-Policy forbids both), readable on screen and in print. Per control the TOM
//! promise, the verdict, the framework requirements it evidences and every resource checked;
//! then suppressions, and what this audit could not verify.

use crate::document::{AuditDocument, ControlRecord, FindingRecord, Status};
use crate::verdict::ControlVerdict;
use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = include_str!("html.css");

pub fn render(document: &AuditDocument) -> String {
    let controls = document.findings_by_control();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "TOM evidence report · " (document.finished_at) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "TOM evidence report" }
                    (scope(document))
                }
                main {
                    (summary(&controls))
                    @for (control, findings) in &controls {
                        (control_section(control, findings))
                    }
                    (suppressions(document))
                    (not_verified(document))
                }
                footer {
                    p {
                        "Written by " (document.tool.name) " " (document.tool.version)
                        ". The last line of this file records the SHA-256 of everything above it (and a signature, if signed): "
                        code { "tomwatch verify <this file>" } " checks both."
                    }
                }
            }
        }
    };
    let mut text = page.into_string();
    text.push('\n');
    text
}

fn scope(document: &AuditDocument) -> Markup {
    html! {
        dl.scope {
            dt { "Audit" } dd { (document.started_at) " to " (document.finished_at) " (UTC)" }
            @if let Some(baseline) = &document.baseline {
                dt { "Baseline" }
                dd { (baseline.name) " (format " (baseline.format_version) "), SHA-256 " code { (baseline.sha256) } }
            }
            @if let Some(config) = &document.config {
                dt { "Configuration" }
                dd { (config.source) ", SHA-256 " code { (config.sha256) } }
            }
            dt { "Accounts" }
            dd {
                ul.accounts {
                    @for account in &document.accounts {
                        li {
                            code { (account.account_id) }
                            @if let Some(environment) = &account.environment { " (" (environment) ")" }
                            ": " (account.regions.join(", "))
                            @for skipped in &account.regions_not_scanned {
                                span.note { " · " (skipped.region) " not scanned (" (skipped.reason) ")" }
                            }
                        }
                    }
                }
            }
            dt { "Findings" }
            dd.counts {
                @for status in [Status::Fail, Status::Unknown, Status::Pass, Status::NotApplicable] {
                    span class=(status_class(status)) { (document.count(status)) " " (status.as_str()) }
                    " "
                }
                @if document.suppressed > 0 { span.accepted { (document.suppressed) " FAIL suppressed" } }
            }
        }
    }
}

fn summary(controls: &[(ControlRecord, Vec<&FindingRecord>)]) -> Markup {
    html! {
        section #summary {
            h2 { "Controls" }
            table {
                thead { tr { th { "Control" } th { "Promise" } th { "Verdict" } th.num { "FAIL" } th.num { "UNKNOWN" } th.num { "PASS" } } }
                tbody {
                    @for (control, findings) in controls {
                        @let verdict = ControlVerdict::of(findings.iter().copied());
                        tr {
                            td { a href={ "#" (control.id) } { (control.id) } }
                            td { (control.title) }
                            td { span class={ "badge " (verdict.class()) } { (verdict.label()) } }
                            td.num { (count(findings, Status::Fail)) }
                            td.num { (count(findings, Status::Unknown)) }
                            td.num { (count(findings, Status::Pass)) }
                        }
                    }
                }
            }
        }
    }
}

fn control_section(control: &ControlRecord, findings: &[&FindingRecord]) -> Markup {
    let verdict = ControlVerdict::of(findings.iter().copied());
    html! {
        section.control id=(control.id) {
            h2 { (control.id) " " span class={ "badge " (verdict.class()) } { (verdict.label()) } }
            @if !control.title.is_empty() { p.promise { (control.title) } }
            @if !control.section.is_empty() { p.section { "TOM: " (control.section) } }
            @if !control.rationale.is_empty() { p { (control.rationale) } }
            @if let Some(limits) = &control.limits { p.limits { strong { "Not visible to the checks: " } (limits) } }
            @if !control.references.is_empty() {
                dl.references {
                    @for reference in &control.references {
                        dt { (reference.framework) }
                        dd {
                            @for requirement in &reference.requirements {
                                span.requirement { strong { (requirement.id) } " " (requirement.name) }
                            }
                        }
                    }
                }
            }
            @let off: Vec<_> = control.checks.iter().filter(|c| c.disabled.is_some()).collect();
            @if !off.is_empty() {
                p.note {
                    "Checks not run: "
                    @for check in off { code { (check.id) } " (" (check.disabled.as_deref().unwrap_or("")) ") " }
                }
            }
            @if findings.is_empty() {
                p.note { "No resource was subject to this control's checks." }
            } @else {
                table.findings {
                    thead { tr { th { "Status" } th { "Check" } th { "Account" } th { "Region" } th { "Resource" } th { "Evidence" } } }
                    tbody {
                        @for finding in findings {
                            tr class=(status_class(finding.status)) {
                                td { (status_label(finding)) }
                                td { code { (finding.check_id) } }
                                td { code { (finding.account_id) } }
                                td { (finding.region) }
                                td.resource { code { (finding.resource_id) } }
                                td {
                                    (finding.message)
                                    @if let Some(remediation) = &finding.remediation {
                                        @if !finding.suppressed { p.remediation { strong { "Remediation: " } (remediation) } }
                                    }
                                    @if let Some(note) = &finding.suppression {
                                        p.note { "Suppressed by " (note.owner) " until " (note.expires) ": " (note.reason) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn suppressions(document: &AuditDocument) -> Markup {
    html! {
        section #suppressions {
            h2 { "Suppressions" }
            @if document.suppressions.is_empty() {
                p { "None configured: every FAIL counts." }
            } @else {
                table {
                    thead { tr { th { "Check" } th { "Resource" } th { "Reason" } th { "Owner" } th { "Expires" } th.num { "FAILs matched" } } }
                    tbody {
                        @for s in &document.suppressions {
                            tr class=[s.expired.then_some("expired")] {
                                td { code { (s.check) } }
                                td { code { (s.resource) } }
                                td { (s.reason) }
                                td { (s.owner) }
                                td { (s.expires) @if s.expired { " (expired)" } }
                                td.num { (s.matched) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn not_verified(document: &AuditDocument) -> Markup {
    let unknown: Vec<&FindingRecord> = document
        .findings
        .iter()
        .filter(|f| f.status == Status::Unknown)
        .collect();
    html! {
        section #not-verified {
            h2 { "What this audit could not verify" }
            h3 { "Evidence that could not be collected (" (unknown.len()) " UNKNOWN)" }
            @if unknown.is_empty() {
                p { "None: every check saw what it needed." }
            } @else {
                ul {
                    @for finding in &unknown {
                        li { code { (finding.check_id) } " on " code { (finding.resource_id) } ": " (finding.message) }
                    }
                }
            }
            @if !document.errors.is_empty() {
                h3 { "API calls that failed (" (document.errors.len()) ")" }
                table {
                    thead { tr { th { "Account" } th { "Region" } th { "Call" } th { "Error" } th { "Message" } } }
                    tbody {
                        @for e in &document.errors {
                            tr {
                                td { code { (e.account_id) } }
                                td { (e.region) }
                                td { code { (e.service) ":" (e.operation) } }
                                td { (e.error_type) }
                                td { (e.message) }
                            }
                        }
                    }
                }
            }
            h3 { "Measures of the TOM no AWS API can show" }
            @if document.not_verified.is_empty() {
                p { "The baseline lists none." }
            } @else {
                dl.measures {
                    @for measure in &document.not_verified {
                        dt { (measure.measure) }
                        dd { (measure.reason) }
                    }
                }
            }
        }
    }
}

fn count(findings: &[&FindingRecord], status: Status) -> usize {
    findings.iter().filter(|f| f.status == status).count()
}

fn status_label(finding: &FindingRecord) -> &'static str {
    match finding.status {
        Status::Fail if finding.suppressed => "FAIL (suppressed)",
        status => status.as_str(),
    }
}

fn status_class(status: Status) -> &'static str {
    match status {
        Status::Fail => "fail",
        Status::Unknown => "unknown",
        Status::Pass => "pass",
        Status::NotApplicable => "na",
    }
}
