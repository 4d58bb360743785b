//! What changed between two audits, for the weekly review: what was fixed, what newly fails and
//! what became UNKNOWN. A finding is the same across audits when its check, account, region and
//! resource are.

use crate::document::{AuditDocument, FindingRecord, Status};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

type Key<'a> = (&'a str, &'a str, &'a str, &'a str);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditDiff {
    pub old_finished_at: String,
    pub new_finished_at: String,
    /// Open FAILs of the old audit that pass, do not apply, or whose resource is gone.
    pub fixed: Vec<Change>,
    /// Open FAILs of the new audit that were not open FAILs in the old one.
    pub newly_failing: Vec<Change>,
    /// UNKNOWN in the new audit, something else (or absent) in the old one.
    pub became_unknown: Vec<Change>,
    /// Open FAILs in both.
    pub still_failing: usize,
}

/// One finding's move from the old audit to the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub control: String,
    pub check_id: String,
    pub account_id: String,
    pub region: String,
    pub resource_id: String,
    /// `ABSENT` when the audit had no such finding (a new or a deleted resource).
    pub before: String,
    pub after: String,
    /// The new audit's message, or the old one's for a resource that is gone.
    pub message: String,
}

impl AuditDiff {
    pub fn between(old: &AuditDocument, new: &AuditDocument) -> AuditDiff {
        let old_by_key = index(old);
        let new_by_key = index(new);
        let mut diff = AuditDiff {
            old_finished_at: old.finished_at.clone(),
            new_finished_at: new.finished_at.clone(),
            fixed: Vec::new(),
            newly_failing: Vec::new(),
            became_unknown: Vec::new(),
            still_failing: 0,
        };
        for (key, before) in &old_by_key {
            let after = new_by_key.get(key).copied();
            let resolved =
                after.is_none_or(|a| matches!(a.status, Status::Pass | Status::NotApplicable));
            if is_open(before) && resolved {
                diff.fixed
                    .push(change(after.unwrap_or(before), Some(before), after));
            }
        }
        for (key, after) in &new_by_key {
            let before = old_by_key.get(key).copied();
            if is_open(after) {
                if before.is_some_and(is_open) {
                    diff.still_failing += 1;
                } else {
                    diff.newly_failing.push(change(after, before, Some(after)));
                }
            } else if after.status == Status::Unknown
                && before.is_none_or(|b| b.status != Status::Unknown)
            {
                diff.became_unknown.push(change(after, before, Some(after)));
            }
        }
        diff
    }

    pub fn has_new_failures(&self) -> bool {
        !self.newly_failing.is_empty()
    }

    /// For a terminal or a ticket: one section per kind of change, one line per finding.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "Audit of {} compared with the audit of {}\n",
            self.new_finished_at, self.old_finished_at
        );
        for (title, changes) in [
            ("Newly failing", &self.newly_failing),
            ("Fixed", &self.fixed),
            ("Became UNKNOWN", &self.became_unknown),
        ] {
            let _ = writeln!(text, "\n{title} ({}):", changes.len());
            for c in changes {
                let _ = writeln!(
                    text,
                    "  {} {} {} {} {}  [{} -> {}]\n      {}",
                    c.control,
                    c.check_id,
                    c.account_id,
                    c.region,
                    c.resource_id,
                    c.before,
                    c.after,
                    c.message
                );
            }
        }
        let _ = writeln!(text, "\nStill failing: {}", self.still_failing);
        text
    }
}

fn index(document: &AuditDocument) -> BTreeMap<Key<'_>, &FindingRecord> {
    document.findings.iter().map(|f| (f.key(), f)).collect()
}

/// A FAIL nobody accepted.
fn is_open(finding: &FindingRecord) -> bool {
    finding.status == Status::Fail && !finding.suppressed
}

fn label(finding: Option<&FindingRecord>) -> String {
    match finding {
        None => "ABSENT".to_string(),
        Some(f) if f.status == Status::Fail && f.suppressed => "FAIL (suppressed)".to_string(),
        Some(f) => f.status.as_str().to_string(),
    }
}

/// `shown` is the side whose message the change carries: the new one where it exists.
fn change(
    shown: &FindingRecord,
    before: Option<&FindingRecord>,
    after: Option<&FindingRecord>,
) -> Change {
    Change {
        control: shown.control.to_string(),
        check_id: shown.check_id.to_string(),
        account_id: shown.account_id.to_string(),
        region: shown.region.clone(),
        resource_id: shown.resource_id.clone(),
        before: label(before),
        after: label(after),
        message: shown.message.clone(),
    }
}
