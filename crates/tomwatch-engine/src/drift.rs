//! When each failure was first seen, kept on disk so a restart does not reset it.

use redb::{Database, ReadableTable, TableDefinition};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use tomwatch_model::{Finding, Status};

/// Key: account, check and resource joined by the unit separator; value: (first seen, control).
const FAILURES: TableDefinition<&str, (i64, &str)> = TableDefinition::new("failures");
const SEPARATOR: char = '\u{1f}';

/// The embedded store of open failures.
#[derive(Debug)]
pub struct DriftStore {
    /// `None` after a failed operation: redb refuses everything a handle does after one I/O
    /// error (`PreviousIo`, "close and re-open"), so the next scan opens the file afresh and a
    /// disk that had filled up or failed works again once it has recovered, without a restart.
    db: Mutex<Option<Database>>,
    path: PathBuf,
}

/// A store that cannot be used; never answered by silently starting over.
#[derive(Debug)]
pub struct StoreError {
    pub path: PathBuf,
    pub detail: String,
    pub cause: StoreCause,
}

/// Who can fix a [`StoreError`], which decides what tomwatch does about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreCause {
    /// The disk is full, read-only or failing: it may recover, so the daemon runs on without
    /// the store and opens it at the next scan.
    Disk,
    /// The path cannot hold a store (not a directory, no permission): `--storage.path` is wrong.
    Path,
    /// The file is not a usable store (corrupt, another format): only the user can decide.
    Contents,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "drift store {}: {}. ", self.path.display(), self.detail)?;
        f.write_str(match self.cause {
            StoreCause::Disk => {
                "Make room on its disk or make it writable; tomwatch retries at every scan"
            }
            StoreCause::Path => "Give --storage.path a directory tomwatch may create and write",
            StoreCause::Contents => {
                "It is never reset automatically; to start over (losing first-seen times), stop \
                 tomwatch and move the file away"
            }
        })
    }
}

impl std::error::Error for StoreError {}

/// The cause of an error the OS reported: a disk condition that may pass, or a wrong path.
fn os_cause(error: &std::io::Error) -> StoreCause {
    const EIO: i32 = 5;
    const ENOSPC: i32 = 28;
    const EROFS: i32 = 30;
    const EDQUOT: i32 = 122;
    match error.raw_os_error() {
        Some(EIO | ENOSPC | EROFS | EDQUOT) => StoreCause::Disk,
        _ => StoreCause::Path,
    }
}

fn store_error(path: &Path, context: &str, error: impl Into<redb::Error>) -> StoreError {
    let error = error.into();
    let cause = match &error {
        // redb also says "I/O error: invalid data" of a file whose contents it cannot read.
        redb::Error::Io(e) if e.raw_os_error().is_some() => os_cause(e),
        redb::Error::PreviousIo => StoreCause::Disk,
        _ => StoreCause::Contents,
    };
    StoreError {
        path: path.into(),
        detail: format!("{context}{error}"),
        cause,
    }
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
        match DriftStore::open_or_defer(dir)? {
            (store, None) => Ok(store),
            (_, Some(error)) => Err(error),
        }
    }

    /// Like [`DriftStore::open`], but a disk that is full or read-only does not stop the
    /// daemon: the store comes back with that error, and is opened at the first scan that
    /// finds the disk usable. A file that is not a usable store is still an error.
    pub fn open_or_defer(dir: &Path) -> Result<(DriftStore, Option<StoreError>), StoreError> {
        let path = dir.join("drift.redb");
        let opened = std::fs::create_dir_all(dir)
            .map_err(|e| StoreError {
                path: path.clone(),
                detail: format!("cannot create directory {}: {e}", dir.display()),
                cause: os_cause(&e),
            })
            .and_then(|()| open_database(&path));
        let (db, deferred) = match opened {
            Ok(db) => (Some(db), None),
            Err(error) if error.cause == StoreCause::Disk => (None, Some(error)),
            Err(error) => return Err(error),
        };
        let store = DriftStore {
            db: Mutex::new(db),
            path,
        };
        Ok((store, deferred))
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
        let mut slot = self.db.lock().unwrap_or_else(PoisonError::into_inner);
        let db = match slot.take() {
            Some(db) => db,
            None => open_database(&self.path)?,
        };
        let result = reconcile_in(&db, &self.path, account, findings, now);
        if result.is_ok() {
            *slot = Some(db);
        }
        result
    }
}

fn open_database(path: &Path) -> Result<Database, StoreError> {
    let existed = path.exists();
    let opened = (|| {
        let db = Database::create(path).map_err(|e| store_error(path, "cannot open: ", e))?;
        let txn = db.begin_write().map_err(|e| store_error(path, "", e))?;
        txn.open_table(FAILURES)
            .map_err(|e| store_error(path, "unreadable: ", e))?;
        txn.commit().map_err(|e| store_error(path, "", e))?;
        Ok(db)
    })();
    if opened.is_err() && !existed {
        // A store whose creation failed (a full disk) holds nothing yet, but redb cannot open
        // the half-written file later: removed, so that the next attempt starts it afresh.
        let _ = std::fs::remove_file(path);
    }
    opened
}

fn reconcile_in(
    db: &Database,
    path: &Path,
    account: &str,
    findings: &[Finding],
    now: i64,
) -> Result<Reconciled, StoreError> {
    let prefix = format!("{account}{SEPARATOR}");
    let key = |f: &Finding| format!("{prefix}{}{SEPARATOR}{}", f.check_id, f.resource_id);
    let current: BTreeMap<String, &Finding> = findings.iter().map(|f| (key(f), f)).collect();
    let blind_checks: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.status == Status::Unknown)
        .map(|f| f.check_id)
        .collect();

    let txn = db.begin_write().map_err(|e| store_error(path, "", e))?;
    let mut result = Reconciled::default();
    {
        let mut table = txn
            .open_table(FAILURES)
            .map_err(|e| store_error(path, "", e))?;
        let mut stored: BTreeMap<String, (i64, String)> = BTreeMap::new();
        for entry in table
            .range(prefix.as_str()..)
            .map_err(|e| store_error(path, "", e))?
        {
            let (k, v) = entry.map_err(|e| store_error(path, "", e))?;
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
                        .insert(k.as_str(), (now, &*finding.control))
                        .map_err(|e| store_error(path, "", e))?;
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
                table
                    .remove(k.as_str())
                    .map_err(|e| store_error(path, "", e))?;
                *result.resolved.entry(control.clone()).or_default() += 1;
            } else if unverified {
                result
                    .unverified
                    .insert((check.to_string(), resource.to_string()), *first_seen);
            }
        }
    }
    txn.commit().map_err(|e| store_error(path, "", e))?;
    Ok(result)
}

#[cfg(test)]
mod tests;
