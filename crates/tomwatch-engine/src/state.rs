//! What the scheduler publishes and the HTTP server reads: one immutable snapshot per account,
//! swapped in whole, plus the process's cumulative counters.

mod events;

pub use events::{EventCounters, LatencyHistogram, LATENCY_BUCKETS};

use crate::events::Ignored;
use crate::policy::Policy;
use crate::report::EvaluatedAccount;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Cumulative drift events by (account, control, kind).
pub type DriftEvents = BTreeMap<(String, String, DriftKind), u64>;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};
use tomwatch_model::{ApiStats, ErrorKind, Finding};

/// The result of one completed scan of one account. Never mutated after it is published.
#[derive(Debug, Clone)]
pub struct AccountSnapshot {
    pub evaluated: EvaluatedAccount,
    /// First observation (unix seconds) of each current FAIL, by (check_id, resource_id); empty
    /// when the drift store could not be written (the failure is then logged and counted).
    pub first_seen: BTreeMap<(String, String), i64>,
    /// Failures that stay open although this scan could not verify them (UNKNOWN now): an
    /// UNKNOWN never resolves a failure, so alerts on it must not resolve either.
    pub unverified: Vec<UnverifiedFailure>,
    pub started_at: SystemTime,
    pub finished_at: SystemTime,
    pub duration: Duration,
    /// End of the latest scan of this account that reached AWS (this one or an earlier one).
    pub last_reached_aws: Option<SystemTime>,
}

/// An open failure whose latest finding is not a FAIL but an UNKNOWN (or its check could not
/// see the account at all). `finding` is the failure as last confirmed, or the UNKNOWN finding
/// of the same resource when no confirmed one is at hand (after a restart).
#[derive(Debug, Clone)]
pub struct UnverifiedFailure {
    pub finding: Finding,
    /// First observation (unix seconds), from the drift store.
    pub first_seen: i64,
}

/// An account of the configuration in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedAccount {
    pub account_id: String,
    pub environment: Option<String>,
}

/// Drift direction, a metric label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DriftKind {
    New,
    Resolved,
}

impl DriftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::New => "new",
            DriftKind::Resolved => "resolved",
        }
    }
}

#[derive(Debug, Default)]
pub struct ServeState {
    snapshots: RwLock<BTreeMap<String, Arc<AccountSnapshot>>>,
    /// The accounts of the configuration in force; ready once each has a snapshot.
    expected: RwLock<Vec<ExpectedAccount>>,
    /// The schedule's interval between two scans of an account.
    interval: RwLock<Option<Duration>>,
    drift_events: Mutex<DriftEvents>,
    skipped_scans: Mutex<BTreeMap<String, u64>>,
    storage_errors: Mutex<u64>,
    reload_failed: AtomicBool,
    /// The scheduler has planned the accounts: from then on an empty `expected` is a shard that
    /// owns no account (ready, with nothing to scan), not a plan still to come.
    planned: AtomicBool,
    /// Why the daemon could not reach AWS at start-up yet (it retries); `None` once it has.
    connection_failure: RwLock<Option<ErrorKind>>,
    /// The policy of the configuration in force, which the snapshots were judged by.
    policy: RwLock<Arc<Policy>>,
    /// `None` unless the configuration reads an event queue.
    events: Mutex<Option<EventCounters>>,
    pub api: ApiStats,
    /// Moves with every change above (not with `api`, whose counters move per request), so a
    /// rendering of the state can tell whether it is still current.
    generation: AtomicU64,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ServeState {
    pub fn new(api: ApiStats) -> Self {
        ServeState {
            api,
            ..ServeState::default()
        }
    }

    /// Swaps in an account's new snapshot together with the drift its scan found (new and
    /// resolved failures by control). Readers of [`ServeState::published`] see the old snapshot
    /// with the old counts or the new one with the new counts, never a mix.
    pub fn publish(&self, snapshot: AccountSnapshot, drift: &[(&str, DriftKind, u64)]) {
        let account = snapshot.evaluated.account.account_id.clone();
        let mut snapshots = write(&self.snapshots);
        let mut events = lock(&self.drift_events);
        for (control, kind, count) in drift {
            *events
                .entry((account.clone(), control.to_string(), *kind))
                .or_default() += count;
        }
        snapshots.insert(account, Arc::new(snapshot));
        self.changed();
    }

    /// The current snapshots (in account order) and the cumulative drift events, as of one
    /// moment. Cheap: clones `Arc`s and a small map under short locks.
    pub fn published(&self) -> (Vec<Arc<AccountSnapshot>>, DriftEvents) {
        let snapshots = read(&self.snapshots);
        let events = lock(&self.drift_events).clone();
        (snapshots.values().cloned().collect(), events)
    }

    /// The current snapshots, in account order.
    pub fn snapshots(&self) -> Vec<Arc<AccountSnapshot>> {
        read(&self.snapshots).values().cloned().collect()
    }

    /// The current snapshot of one account.
    pub fn snapshot(&self, account_id: &str) -> Option<Arc<AccountSnapshot>> {
        read(&self.snapshots).get(account_id).cloned()
    }

    /// Sets the accounts and the scan interval of a (re)loaded config, and forgets snapshots of
    /// removed accounts.
    pub fn set_expected(&self, accounts: Vec<ExpectedAccount>, interval: Duration) {
        write(&self.snapshots).retain(|id, _| accounts.iter().any(|a| &a.account_id == id));
        *write(&self.expected) = accounts;
        *write(&self.interval) = Some(interval);
        self.changed();
    }

    /// The accounts of the configuration in force, in config order.
    pub fn expected(&self) -> Vec<ExpectedAccount> {
        read(&self.expected).clone()
    }

    /// The scan interval in force; `None` before the scheduler has started.
    pub fn interval(&self) -> Option<Duration> {
        *read(&self.interval)
    }

    pub fn set_policy(&self, policy: Arc<Policy>) {
        *write(&self.policy) = policy;
        self.changed();
    }

    pub fn policy(&self) -> Arc<Policy> {
        read(&self.policy).clone()
    }

    /// The scheduler has planned the accounts of the configuration in force.
    pub fn mark_planned(&self) {
        self.planned.store(true, Ordering::Relaxed);
        self.changed();
    }

    /// Every configured account (of this shard) has completed at least one scan.
    pub fn is_ready(&self) -> bool {
        let snapshots = read(&self.snapshots);
        let expected = read(&self.expected);
        (!expected.is_empty() || self.planned.load(Ordering::Relaxed))
            && expected
                .iter()
                .all(|a| snapshots.contains_key(&a.account_id))
    }

    pub fn record_skipped(&self, account: &str, count: u64) {
        *lock(&self.skipped_scans)
            .entry(account.to_string())
            .or_default() += count;
        self.changed();
    }

    pub fn skipped_scans(&self) -> BTreeMap<String, u64> {
        lock(&self.skipped_scans).clone()
    }

    pub fn record_storage_error(&self) {
        *lock(&self.storage_errors) += 1;
        self.changed();
    }

    pub fn storage_errors(&self) -> u64 {
        *lock(&self.storage_errors)
    }

    pub fn set_connection_failure(&self, failure: Option<ErrorKind>) {
        *write(&self.connection_failure) = failure;
        self.changed();
    }

    /// Set while start-up cannot reach AWS: every expected account is failing at sts.
    pub fn connection_failure(&self) -> Option<ErrorKind> {
        *read(&self.connection_failure)
    }

    pub fn set_reload_successful(&self, ok: bool) {
        self.reload_failed.store(!ok, Ordering::Relaxed);
        self.changed();
    }

    pub fn reload_successful(&self) -> bool {
        !self.reload_failed.load(Ordering::Relaxed)
    }

    /// Starts (or, with `false`, stops) exporting the event queue's counters; counts kept
    /// across reloads that keep the queue.
    pub fn set_events_enabled(&self, enabled: bool) {
        let mut events = lock(&self.events);
        match (enabled, events.is_some()) {
            (true, false) => *events = Some(EventCounters::new()),
            (false, true) => *events = None,
            _ => return,
        }
        drop(events);
        self.changed();
    }

    /// Counts one message read from the queue.
    pub fn record_event_received(&self, source: &'static str) {
        self.update_events(|events| *events.received.entry(source).or_default() += 1);
    }

    /// Counts one message that caused no rescan.
    pub fn record_event_ignored(&self, reason: Ignored) {
        self.update_events(|events| *events.ignored.entry(reason).or_default() += 1);
    }

    /// Records the time from an event to the published snapshot that reflects it.
    pub fn record_event_latency(&self, seconds: f64) {
        self.update_events(|events| events.latency.observe(seconds));
    }

    pub fn event_counters(&self) -> Option<EventCounters> {
        lock(&self.events).clone()
    }

    fn update_events(&self, update: impl FnOnce(&mut EventCounters)) {
        if let Some(events) = lock(&self.events).as_mut() {
            update(events);
        }
        self.changed();
    }

    /// A number that changes whenever the state does (but for the API counters).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::snapshot;

    #[test]
    fn drift_counts_are_published_with_the_snapshot_that_explains_them() {
        let state = ServeState::default();
        let (snapshots, drift) = state.published();
        assert!(snapshots.is_empty() && drift.is_empty());
        state.publish(
            snapshot("111111111111", vec![]),
            &[
                ("TOM-NET", DriftKind::New, 2),
                ("TOM-NET", DriftKind::Resolved, 1),
            ],
        );
        state.publish(
            snapshot("111111111111", vec![]),
            &[("TOM-NET", DriftKind::New, 1)],
        );
        let (snapshots, drift) = state.published();
        assert_eq!(
            snapshots.len(),
            1,
            "a new snapshot replaces the account's old one"
        );
        let key = |kind| ("111111111111".to_string(), "TOM-NET".to_string(), kind);
        assert_eq!(
            drift.get(&key(DriftKind::New)),
            Some(&3),
            "counters are cumulative"
        );
        assert_eq!(drift.get(&key(DriftKind::Resolved)), Some(&1));
    }

    #[test]
    fn ready_once_every_planned_account_has_a_snapshot_and_an_empty_shard_once_planned() {
        let state = ServeState::default();
        let second = Duration::from_secs(1);
        assert!(!state.is_ready(), "nothing planned yet");
        let account = |id: &str| ExpectedAccount {
            account_id: id.to_string(),
            environment: None,
        };
        state.set_expected(vec![account("111111111111")], second);
        assert!(!state.is_ready());
        state.publish(snapshot("111111111111", vec![]), &[]);
        assert!(state.is_ready());

        let empty = ServeState::default();
        empty.set_expected(vec![], second);
        assert!(
            !empty.is_ready(),
            "no accounts before the plan: the ambient one is to come"
        );
        empty.mark_planned();
        assert!(
            empty.is_ready(),
            "a shard that owns no account has nothing to wait for"
        );
    }
}
