//! The scheduler of `tomwatch serve`: one loop per account, scans that never overlap, results
//! published as immutable snapshots.

use crate::audit::{
    connect, evaluate, scan_account, unreachable_account, AuditOptions, PlannedAccount,
    RegionSelection,
};
use crate::drift::DriftStore;
use crate::drift::Reconciled;
use crate::policy::Policy;
use crate::state::{AccountSnapshot, DriftKind, ExpectedAccount, ServeState, UnverifiedFailure};
use std::collections::BTreeMap;
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
            .map(|a| ExpectedAccount {
                account_id: a.target.account_id.clone(),
                environment: a.environment.clone(),
            })
            .collect(),
        schedule.interval,
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
    // Kept across scans: the session holds the AssumeRole credentials cache.
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
                    Err(error) => {
                        // Said here: the metrics show the failure, the log says which role
                        // and what AWS answered, so an operator knows what to fix.
                        tracing::error!(
                            account_id = %account_id,
                            error_type = %error.kind,
                            "cannot reach the account: {}",
                            error.message
                        );
                        return unreachable_account(&account, error);
                    }
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
        }
        // A scan in which every collection failed (the network went away mid-session) saw
        // nothing: its time must not refresh the results' age, or they would never look stale.
        if scan.units.iter().any(|unit| unit.success) {
            last_reached_aws = Some(SystemTime::now());
        }
        let evaluated = evaluate(
            &scan,
            &schedule.policy,
            time::OffsetDateTime::now_utc().date(),
        );
        let now = unix_seconds(SystemTime::now());
        let mut drift: Vec<(&str, DriftKind, u64)> = Vec::new();
        let reconciled = shared
            .store
            .reconcile(&account_id, &evaluated.findings, now);
        let (first_seen, unverified) = match &reconciled {
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
                let previous = shared.state.snapshot(&account_id);
                (
                    reconciled.first_seen.clone(),
                    unverified_failures(reconciled, &evaluated.findings, previous.as_deref()),
                )
            }
            Err(error) => {
                tracing::error!(
                    account_id = %account_id,
                    "{error}. This scan's findings are still served; first-seen times and drift \
                     events wait for the store (counted in tomwatch_storage_errors_total)"
                );
                shared.state.record_storage_error();
                Default::default()
            }
        };
        let duration = started.elapsed();
        log_scan(&account_id, duration, &evaluated);
        // The drift counters move with the snapshot that explains them (one publish).
        shared.state.publish(
            AccountSnapshot {
                evaluated,
                first_seen,
                unverified,
                started_at,
                finished_at: SystemTime::now(),
                duration,
                last_reached_aws,
            },
            &drift,
        );

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

/// The open failures this scan could not verify, each with the labels it is known by: those of
/// the current finding of the same resource (an UNKNOWN) where there is one, else those of the
/// failure as the previous snapshot showed it. One known by neither (the account's list was
/// unreadable right after a restart) cannot be labelled, and waits for the next scan.
fn unverified_failures(
    reconciled: &Reconciled,
    current: &[tomwatch_model::Finding],
    previous: Option<&AccountSnapshot>,
) -> Vec<UnverifiedFailure> {
    let key = |f: &tomwatch_model::Finding| (f.check_id.to_string(), f.resource_id.clone());
    let mut known: BTreeMap<(String, String), &tomwatch_model::Finding> = BTreeMap::new();
    if let Some(previous) = previous {
        for finding in previous
            .evaluated
            .findings
            .iter()
            .filter(|f| f.is_actionable_failure())
            .chain(previous.unverified.iter().map(|u| &u.finding))
        {
            known.insert(key(finding), finding);
        }
    }
    for finding in current {
        known.insert(key(finding), finding);
    }
    reconciled
        .unverified
        .iter()
        .filter_map(|(ids, first_seen)| {
            let finding = known.get(ids)?;
            Some(UnverifiedFailure {
                finding: (*finding).clone(),
                first_seen: *first_seen,
            })
        })
        .collect()
}

/// One line per finished account scan: how long it took, its findings by status, its errors.
fn log_scan(account_id: &str, duration: Duration, evaluated: &crate::report::EvaluatedAccount) {
    use tomwatch_model::Status;
    let count = |status: Status| {
        evaluated
            .findings
            .iter()
            .filter(|f| f.status == status && !f.suppressed)
            .count()
    };
    let suppressed = evaluated.findings.iter().filter(|f| f.suppressed).count();
    let failed_units = evaluated.units.iter().filter(|u| !u.success).count();
    tracing::info!(
        account_id = %account_id,
        seconds = duration.as_secs_f64(),
        fail = count(Status::Fail),
        unknown = count(Status::Unknown),
        pass = count(Status::Pass),
        not_applicable = count(Status::NotApplicable),
        suppressed,
        errors = evaluated.errors.len(),
        failed_units,
        "scan finished"
    );
    for skipped in &evaluated.account.regions_not_scanned {
        tracing::warn!(account_id = %account_id, region = %skipped.region, "{skipped}");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{finding, snapshot};
    use tomwatch_model::Status;

    const CHECK: &str = "ec2_security_group_world_ingress_web_only";

    #[test]
    fn unverified_failures_keep_the_labels_they_are_known_by() {
        let ids = |resource: &str| (CHECK.to_string(), resource.to_string());
        let reconciled = Reconciled {
            unverified: [(ids("sg-1"), 10), (ids("sg-2"), 20), (ids("sg-3"), 30)].into(),
            ..Reconciled::default()
        };
        let mut confirmed = finding(CHECK, "sg-2", Status::Fail);
        confirmed.region = "eu-west-1".into();
        let previous = snapshot(
            "111111111111",
            vec![confirmed, finding(CHECK, "sg-9", Status::Fail)],
        );
        let current = [
            finding(CHECK, "sg-1", Status::Unknown),
            finding(
                CHECK,
                "arn:aws:ec2:eu-west-1:111111111111:security-group/*",
                Status::Unknown,
            ),
        ];
        let carried = unverified_failures(&reconciled, &current, Some(&previous));
        let seen: Vec<(&str, &str, i64)> = carried
            .iter()
            .map(|u| {
                (
                    u.finding.resource_id.as_str(),
                    u.finding.region.as_str(),
                    u.first_seen,
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![("sg-1", "eu-central-1", 10), ("sg-2", "eu-west-1", 20)],
            "sg-1 from its UNKNOWN finding, sg-2 from the last FAIL; sg-3 is known by neither"
        );
        // Carried on through a second blind scan, from the previous snapshot's unverified list.
        let mut second = snapshot("111111111111", vec![]);
        second.unverified = carried;
        let again = unverified_failures(&reconciled, &[], Some(&second));
        assert_eq!(again.len(), 2);
    }

    #[test]
    fn jitter_stays_within_its_fraction_of_the_interval() {
        let interval = Duration::from_secs(600);
        for _ in 0..200 {
            assert!(jitter(interval, 0.1) <= Duration::from_secs(60));
            // A fraction outside 0..=1 is clamped, never a delay longer than the interval.
            assert!(jitter(interval, 7.0) <= interval);
            assert_eq!(jitter(interval, -1.0), Duration::ZERO);
        }
        assert_eq!(jitter(interval, 0.0), Duration::ZERO);
    }
}
