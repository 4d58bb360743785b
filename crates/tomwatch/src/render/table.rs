//! The human report: fits a 100-column terminal, failures first.

use std::collections::BTreeMap;
use std::fmt::Write;
use tomwatch_engine::AuditReport;
use tomwatch_model::Status;

const WIDTH: usize = 100;
const INDENT: &str = "        ";

/// The table: per account its problems (every finding with `show_all`), then a summary per
/// control, what could not be collected, expired suppressions and the totals.
pub fn report(report: &AuditReport, show_all: bool) -> String {
    let mut out = String::new();
    // Check IDs are printed whole (they are what a suppression names), so their column is as
    // wide as the longest one in the report; the resource column gives way.
    let check_width = report
        .findings
        .iter()
        .map(|f| f.check_id.len())
        .max()
        .unwrap_or_default()
        .max("CHECK".len())
        + 1;
    for account in &report.accounts {
        let environment = account
            .environment
            .as_deref()
            .map(|e| format!(" ({e})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Account {}{environment}, {} region(s)",
            account.account_id,
            account.regions.len()
        );
        for skipped in &account.regions_not_scanned {
            for wrapped in wrap(&format!("not scanned: {skipped}"), WIDTH - 2) {
                let _ = writeln!(out, "  {wrapped}");
            }
        }
        let _ = writeln!(
            out,
            "{:<8}{:<10}{:<check_width$}{:<15}RESOURCE",
            "STATUS", "SEVERITY", "CHECK", "REGION"
        );
        // Findings are sorted failures first; this keeps that order within the account.
        for finding in report
            .findings
            .iter()
            .filter(|f| *f.account_id == account.account_id)
        {
            let problem = matches!(finding.status, Status::Fail | Status::Unknown);
            if !show_all && !problem {
                continue;
            }
            let status = match finding.status {
                Status::NotApplicable => "N/A",
                Status::Fail if finding.suppressed => "SUPPR",
                other => other.as_str(),
            };
            let line = format!(
                "{:<8}{:<10}{:<check_width$}{:<15}{}",
                status,
                finding.severity.as_str(),
                finding.check_id,
                finding.region,
                short_resource(&finding.resource_id)
            );
            let _ = writeln!(out, "{}", clip(&line, WIDTH));
            if problem {
                let mut text = finding.message.clone();
                if let Some(note) = &finding.suppression {
                    let state = if note.expired {
                        "suppression EXPIRED on"
                    } else {
                        "suppressed until"
                    };
                    let _ = write!(
                        text,
                        " [{state} {} by {}: {}]",
                        note.expires, note.owner, note.reason
                    );
                }
                for wrapped in wrap(&text, WIDTH - INDENT.len()) {
                    let _ = writeln!(out, "{INDENT}{wrapped}");
                }
            }
        }
        out.push('\n');
    }
    per_control(&mut out, report);
    if !show_all {
        let hidden = report
            .findings
            .iter()
            .filter(|f| matches!(f.status, Status::Pass | Status::NotApplicable))
            .count();
        if hidden > 0 {
            let _ = writeln!(
                out,
                "({hidden} PASS and N/A rows not listed; --all lists them)\n"
            );
        }
    }
    if !report.errors.is_empty() {
        let _ = writeln!(
            out,
            "Could not collect ({}): these make findings UNKNOWN",
            report.errors.len()
        );
        for error in &report.errors {
            let line = format!(
                "  {} {} {}:{} {}: {}",
                error.scope.account_id,
                error.scope.region,
                error.scope.service,
                error.operation,
                error.kind,
                error.message
            );
            let _ = writeln!(out, "{}", clip(&line, WIDTH));
        }
    }
    let expired: Vec<_> = report.suppressions.iter().filter(|s| s.expired).collect();
    if !expired.is_empty() {
        if !report.errors.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "Expired suppressions ({}): they no longer hide their FAILs; renew or remove them",
            expired.len()
        );
        for s in expired {
            let line = format!(
                "  {} {} expired {} (owner {}, {} FAIL(s)): {}",
                s.check, s.resource, s.expires, s.owner, s.matched, s.reason
            );
            let _ = writeln!(out, "{}", clip(&line, WIDTH));
        }
    }
    let unused: Vec<_> = report
        .suppressions
        .iter()
        .filter(|s| s.is_unused())
        .collect();
    if !unused.is_empty() {
        if !report.errors.is_empty() || report.suppressions.iter().any(|s| s.expired) {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "Unused suppressions ({}): they match no FAIL in this audit; remove them, or check their patterns",
            unused.len()
        );
        for s in unused {
            let line = format!(
                "  {} {} until {} (owner {})",
                s.check, s.resource, s.expires, s.owner
            );
            let _ = writeln!(out, "{}", clip(&line, WIDTH));
        }
    }
    let counts = report.counts();
    let suppressed = report.findings.iter().filter(|f| f.suppressed).count();
    let summary: Vec<String> = Status::ALL
        .iter()
        .map(|status| {
            let count = counts.get(status).copied().unwrap_or(0);
            if *status == Status::Fail && suppressed > 0 {
                format!("{count} FAIL ({suppressed} suppressed)")
            } else {
                format!("{count} {}", status.as_str())
            }
        })
        .collect();
    let regions: usize = report.accounts.iter().map(|a| a.regions.len()).sum();
    let seconds = (report.finished_at - report.started_at).as_seconds_f64();
    if !report.errors.is_empty()
        || report
            .suppressions
            .iter()
            .any(|s| s.expired || s.is_unused())
    {
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} in {} account(s), {} account-region(s), {:.1}s",
        summary.join(", "),
        report.accounts.len(),
        regions,
        seconds
    );
    out
}

/// One line per control: its counts over all accounts and whether it holds.
fn per_control(out: &mut String, report: &AuditReport) {
    #[derive(Default)]
    struct Counts {
        fail: usize,
        unknown: usize,
        suppressed: usize,
        pass: usize,
        not_applicable: usize,
    }
    let mut controls: BTreeMap<&str, Counts> = BTreeMap::new();
    for finding in &report.findings {
        let counts = controls.entry(&*finding.control).or_default();
        match finding.status {
            Status::Fail if finding.suppressed => counts.suppressed += 1,
            Status::Fail => counts.fail += 1,
            Status::Unknown => counts.unknown += 1,
            Status::Pass => counts.pass += 1,
            Status::NotApplicable => counts.not_applicable += 1,
        }
    }
    if controls.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{:<17}{:>6}{:>9}{:>7}{:>6}{:>6}  VERDICT",
        "CONTROL", "FAIL", "UNKNOWN", "SUPPR", "PASS", "N/A"
    );
    for (control, c) in &controls {
        let verdict = if c.fail > 0 {
            "violated"
        } else if c.unknown > 0 {
            "not verified (UNKNOWN)"
        } else {
            "holds"
        };
        let _ = writeln!(
            out,
            "{control:<17}{:>6}{:>9}{:>7}{:>6}{:>6}  {verdict}",
            c.fail, c.unknown, c.suppressed, c.pass, c.not_applicable
        );
    }
    out.push('\n');
}

/// What tells a resource apart in a narrow column: its name or ID, the ARN's last segment
/// (`arn:aws:ec2:r:a:volume/vol-1` → `vol-1`, `…:db:orders` → `orders`). The resource type is
/// the check's; the region has its own column.
fn short_resource(arn: &str) -> &str {
    if let Some(rest) = arn.strip_prefix("arn:") {
        // arn:partition:service:region:account:resource — the resource may itself contain ':'.
        let mut parts = rest.splitn(5, ':');
        if let Some(resource) = parts.nth(4) {
            let name = resource.rsplit(['/', ':']).next().unwrap_or(resource);
            // A wildcard scope (`security-group/*`) says more with its type.
            return if name == "*" || name.is_empty() {
                resource
            } else {
                name
            };
        }
    }
    arn
}

/// Splits text into lines of at most `width` characters at spaces; a longer word is clipped.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let needed = if current.is_empty() {
            word.chars().count()
        } else {
            current.chars().count() + 1 + word.chars().count()
        };
        if needed > width && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines.into_iter().map(|l| clip(&l, width)).collect()
}

/// Cuts a line to `width` characters, marking the cut.
fn clip(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        line.to_string()
    } else {
        let mut cut: String = line.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_shortened_to_their_name() {
        assert_eq!(
            short_resource("arn:aws:ec2:eu-central-1:111111111111:volume/vol-1"),
            "vol-1"
        );
        assert_eq!(short_resource("arn:aws:s3:::bucket"), "bucket");
        assert_eq!(
            short_resource("arn:aws:rds:eu-central-1:111111111111:db:orders"),
            "orders"
        );
        assert_eq!(
            short_resource("arn:aws:ecs:eu-central-1:111111111111:service/shop/mailer"),
            "mailer"
        );
        assert_eq!(
            short_resource("arn:aws:ec2:eu-west-1:111111111111:security-group/*"),
            "security-group/*"
        );
        assert_eq!(short_resource("not-an-arn"), "not-an-arn");
    }

    #[test]
    fn messages_wrap_at_spaces_within_the_width() {
        let text =
            "bucket tw-prod-exports-aes encrypts by default with AES256, not SSE-KMS ".repeat(3);
        let lines = wrap(&text, 40);
        assert!(
            lines.len() >= 5 && lines.iter().all(|l| l.chars().count() <= 40),
            "{lines:?}"
        );
        assert_eq!(lines.join(" "), text.trim_end());
        assert_eq!(wrap(&"x".repeat(50), 40)[0].chars().count(), 40);
    }

    #[test]
    fn long_lines_are_clipped_to_the_width() {
        let clipped = clip(&"x".repeat(150), WIDTH);
        assert_eq!(clipped.chars().count(), WIDTH);
        assert!(clipped.ends_with('…'));
        assert_eq!(clip("short", WIDTH), "short");
    }

    #[test]
    fn the_longest_check_id_keeps_a_space_before_the_region() {
        use tomwatch_engine::AccountReport;
        use tomwatch_model::{Finding, Severity};
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let finding = Finding {
            check_id: "elasticache_replication_group_transit_encryption",
            control: "TOM-ENC-TRANSIT".into(),
            status: Status::Fail,
            severity: Severity::High,
            account_id: "111111111111".into(),
            region: "eu-central-1".into(),
            resource_type: "AWS::ElastiCache::ReplicationGroup",
            resource_id: "arn:aws:elasticache:eu-central-1:111111111111:replicationgroup:dev"
                .into(),
            message: "replication group dev accepts unencrypted connections".into(),
            suppressed: false,
            suppression: None,
        };
        let report = AuditReport {
            started_at: now,
            finished_at: now,
            accounts: vec![AccountReport {
                account_id: "111111111111".into(),
                environment: None,
                regions: vec!["eu-central-1".into()],
                regions_not_scanned: vec![],
            }],
            findings: vec![finding],
            errors: vec![],
            units: vec![],
            suppressions: vec![],
            baseline: None,
            remediation: Default::default(),
            controls: vec![],
            not_verified: vec![],
            config: None,
        };
        let table = super::report(&report, false);
        assert!(
            table.contains("elasticache_replication_group_transit_encryption eu-central-1"),
            "{table}"
        );
        assert!(table.lines().all(|l| l.chars().count() <= WIDTH), "{table}");
        assert!(
            table.contains("TOM-ENC-TRANSIT       1        0      0     0     0  violated"),
            "a summary line per control:\n{table}"
        );

        // A suppression that hides nothing is worth a word; one that hides a FAIL is not.
        let mut report = report;
        let suppression = |resource: &str, matched| tomwatch_engine::SuppressionReport {
            check: "iam_user_console_mfa".into(),
            resource: resource.into(),
            reason: "leaves".into(),
            owner: "it-ops".into(),
            expires: "2099-12-31".into(),
            expired: false,
            matched,
        };
        report.suppressions = vec![suppression("*user/bob", 0), suppression("*user/eve", 1)];
        let table = super::report(&report, false);
        assert!(
            table.contains("Unused suppressions (1): they match no FAIL in this audit")
                && table.contains("iam_user_console_mfa *user/bob until 2099-12-31 (owner it-ops)")
                && !table.contains("*user/eve until"),
            "{table}"
        );
    }
}
