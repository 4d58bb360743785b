//! When each failure was first seen, kept on disk so a restart does not reset it.

use redb::{Database, ReadableTable, TableDefinition};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tomwatch_model::{Finding, Status};

/// Key: account, check and resource joined by the unit separator; value: (first seen, control).
const FAILURES: TableDefinition<&str, (i64, &str)> = TableDefinition::new("failures");
const SEPARATOR: char = '\u{1f}';

/// The embedded store of open failures.
#[derive(Debug)]
pub struct DriftStore {
    db: Database,
    path: PathBuf,
}

/// A store that cannot be used; never answered by silently starting over.
#[derive(Debug, thiserror::Error)]
#[error(
    "drift store {path}: {detail}. It is never reset automatically; to start over (losing first-seen \
     times), stop tomwatch and move the file away"
)]
pub struct StoreError {
    pub path: PathBuf,
    pub detail: String,
}

/// What one scan changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// First observation (unix seconds) of every current failure, by (check_id, resource_id).
    pub first_seen: BTreeMap<(String, String), i64>,
    /// Failures seen for the first time, by control.
    pub new: BTreeMap<String, u64>,
    /// Failures that are gone, by control.
    pub resolved: BTreeMap<String, u64>,
    /// First observation of every failure that stays open although this scan could not verify
    /// it (its finding is UNKNOWN, or its check could not see the account), by (check_id,
    /// resource_id). Kept apart from `first_seen`: the failure is neither confirmed nor resolved.
    pub unverified: BTreeMap<(String, String), i64>,
}

impl DriftStore {
    /// Opens (or creates) `<dir>/drift.redb`.
    pub fn open(dir: &Path) -> Result<DriftStore, StoreError> {
        let path = dir.join("drift.redb");
        let fail = |detail: String| StoreError {
            path: path.clone(),
            detail,
        };
        std::fs::create_dir_all(dir)
            .map_err(|e| fail(format!("cannot create directory {}: {e}", dir.display())))?;
        let db = Database::create(&path).map_err(|e| fail(format!("cannot open: {e}")))?;
        let txn = db.begin_write().map_err(|e| fail(e.to_string()))?;
        txn.open_table(FAILURES)
            .map_err(|e| fail(format!("unreadable: {e}")))?;
        txn.commit().map_err(|e| fail(e.to_string()))?;
        Ok(DriftStore { db, path })
    }

    /// Records this scan's failures of `account`: keeps first-seen times of failures that
    /// persist, adds new ones, and removes those that are resolved. A failure is resolved only by
    /// evidence: its resource now passes (or is not applicable), or it is gone while its check
    /// saw the whole account. An UNKNOWN never resolves a failure.
    pub fn reconcile(
        &self,
        account: &str,
        findings: &[Finding],
        now: i64,
    ) -> Result<Reconciled, StoreError> {
        let fail = |e: &dyn std::fmt::Display| StoreError {
            path: self.path.clone(),
            detail: e.to_string(),
        };
        let prefix = format!("{account}{SEPARATOR}");
        let key = |f: &Finding| format!("{prefix}{}{SEPARATOR}{}", f.check_id, f.resource_id);
        let current: BTreeMap<String, &Finding> = findings.iter().map(|f| (key(f), f)).collect();
        let blind_checks: BTreeSet<&str> = findings
            .iter()
            .filter(|f| f.status == Status::Unknown)
            .map(|f| f.check_id)
            .collect();

        let txn = self.db.begin_write().map_err(|e| fail(&e))?;
        let mut result = Reconciled::default();
        {
            let mut table = txn.open_table(FAILURES).map_err(|e| fail(&e))?;
            let mut stored: BTreeMap<String, (i64, String)> = BTreeMap::new();
            for entry in table.range(prefix.as_str()..).map_err(|e| fail(&e))? {
                let (k, v) = entry.map_err(|e| fail(&e))?;
                if !k.value().starts_with(&prefix) {
                    break;
                }
                let (first_seen, control) = v.value();
                stored.insert(k.value().to_string(), (first_seen, control.to_string()));
            }
            for (k, finding) in current.iter().filter(|(_, f)| f.is_actionable_failure()) {
                let ids = (finding.check_id.to_string(), finding.resource_id.clone());
                match stored.get(k) {
                    Some((first_seen, _)) => {
                        result.first_seen.insert(ids, *first_seen);
                    }
                    None => {
                        table
                            .insert(k.as_str(), (now, finding.control.as_str()))
                            .map_err(|e| fail(&e))?;
                        result.first_seen.insert(ids, now);
                        *result.new.entry(finding.control.to_string()).or_default() += 1;
                    }
                }
            }
            for (k, (first_seen, control)) in &stored {
                let mut ids = k[prefix.len()..].splitn(2, SEPARATOR);
                let check = ids.next().unwrap_or_default();
                let resource = ids.next().unwrap_or_default();
                let (resolved, unverified) = match current.get(k) {
                    Some(f) => (
                        matches!(f.status, Status::Pass | Status::NotApplicable),
                        f.status == Status::Unknown,
                    ),
                    None => {
                        let blind = blind_checks.contains(check);
                        (!blind, blind)
                    }
                };
                if resolved {
                    table.remove(k.as_str()).map_err(|e| fail(&e))?;
                    *result.resolved.entry(control.clone()).or_default() += 1;
                } else if unverified {
                    result
                        .unverified
                        .insert((check.to_string(), resource.to_string()), *first_seen);
                }
            }
        }
        txn.commit().map_err(|e| fail(&e))?;
        Ok(result)
    }
}

#[cfg(test)]
mod tests;
