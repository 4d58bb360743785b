//! The scheduler of `tomwatch serve`: one loop per account, scans that never overlap, results
//! published as immutable snapshots.

use crate::audit::{
    connect, evaluate, scan_account, unreachable_account, AuditOptions, PlannedAccount,
    RegionSelection,
};
use crate::drift::DriftStore;
use crate::policy::Policy;
use crate::state::{AccountSnapshot, DriftKind, ServeState};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tomwatch_aws::{AwsConnector, AwsSession};

/// Everything a scheduler run needs from the configuration.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub accounts: Vec<PlannedAccount>,
    pub regions: RegionSelection,
    pub options: AuditOptions,
    pub policy: Arc<Policy>,
    /// Time between the starts of two scans of the same account.
    pub interval: Duration,
    /// Up to this fraction of the interval is added at random, so accounts drift apart and
    /// replicas do not hit the APIs in lockstep.
    pub jitter: f64,
}

/// Runs every account's loop until `cancel` fires. In-flight scans are dropped on cancel: their
/// partial results are never published.
pub async fn run(
    connector: AwsConnector,
    schedule: Schedule,
    state: Arc<ServeState>,
    store: Arc<DriftStore>,
    cancel: CancellationToken,
) {
    state.set_expected(
        schedule
            .accounts
            .iter()
            .map(|a| a.target.account_id.clone())
            .collect(),
    );
    state.set_policy(schedule.policy.clone());
    let limiter = Arc::new(Semaphore::new(schedule.options.concurrency.max(1)));
    let schedule = Arc::new(schedule);
    let mut loops = tokio::task::JoinSet::new();
    for account in schedule.accounts.clone() {
        let shared = Shared {
            connector: connector.clone(),
            schedule: schedule.clone(),
            state: state.clone(),
            store: store.clone(),
            limiter: limiter.clone(),
        };
        loops.spawn(account_loop(shared, account, cancel.clone()));
    }
    while loops.join_next().await.is_some() {}
}

struct Shared {
    connector: AwsConnector,
    schedule: Arc<Schedule>,
    state: Arc<ServeState>,
    store: Arc<DriftStore>,
    limiter: Arc<Semaphore>,
}

async fn account_loop(shared: Shared, account: PlannedAccount, cancel: CancellationToken) {
    let schedule = &shared.schedule;
    let account_id = account.target.account_id.clone();
    // Kept across scans: the AssumeRole credentials cache and the clients live in the session.
    let mut session: Option<AwsSession> = None;
    let mut due = Instant::now();
    let mut last_reached_aws = None;
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep_until(due) => {}
        }
        let started = Instant::now();
        let started_at = SystemTime::now();
        let scan = async {
            if session.is_none() {
                match connect(&shared.connector, &account.target).await {
                    Ok(connected) => session = Some(connected),
                    Err(error) => return unreachable_account(&account, error),
                }
            }
            match &session {
                Some(s) => {
                    scan_account(
                        s,
                        &account,
                        &schedule.regions,
                        &schedule.options,
                        &shared.limiter,
                    )
                    .await
                }
                None => unreachable!("connected just above"),
            }
        };
        let scan = tokio::select! {
            () = cancel.cancelled() => return,
            scan = scan => scan,
        };
        if scan.units.is_empty() {
            // Could not connect: try a fresh session next time.
            session = None;
        } else {
            last_reached_aws = Some(SystemTime::now());
        }
        let evaluated = evaluate(
            scan,
            &schedule.policy,
            time::OffsetDateTime::now_utc().date(),
        );
        let now = unix_seconds(SystemTime::now());
        let mut drift: Vec<(&str, DriftKind, u64)> = Vec::new();
        let reconciled = shared
            .store
            .reconcile(&account_id, &evaluated.findings, now);
        let first_seen = match &reconciled {
            Ok(reconciled) => {
                drift.extend(
                    reconciled
                        .new
                        .iter()
                        .map(|(control, count)| (control.as_str(), DriftKind::New, *count)),
                );
                drift.extend(
                    reconciled
                        .resolved
                        .iter()
                        .map(|(control, count)| (control.as_str(), DriftKind::Resolved, *count)),
                );
                reconciled.first_seen.clone()
            }
            Err(error) => {
                tracing::error!(account_id = %account_id, "{error}");
                shared.state.record_storage_error();
                Default::default()
            }
        };
        let duration = started.elapsed();
        // The drift counters move with the snapshot that explains them (one publish).
        shared.state.publish(
            AccountSnapshot {
                evaluated,
                first_seen,
                started_at,
                finished_at: SystemTime::now(),
                duration,
                last_reached_aws,
            },
            &drift,
        );
        tracing::info!(account_id = %account_id, seconds = duration.as_secs_f64(), "scan finished");

        due = started + schedule.interval + jitter(schedule.interval, schedule.jitter);
        let mut skipped = 0;
        while due < Instant::now() {
            // The scan overran its slot: the missed start is skipped, never run concurrently.
            skipped += 1;
            due += schedule.interval;
        }
        if skipped > 0 {
            tracing::warn!(account_id = %account_id, skipped, "scan took longer than the interval");
            shared.state.record_skipped(&account_id, skipped);
        }
    }
}

fn jitter(interval: Duration, fraction: f64) -> Duration {
    interval.mul_f64(fraction.clamp(0.0, 1.0) * fastrand::f64())
}

pub fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
