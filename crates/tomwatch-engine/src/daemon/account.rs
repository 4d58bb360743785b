//! One account's loop: scheduled full scans and, between them, the rescans that change events
//! ask for. The loop runs one thing at a time, so two collections of the same scope never
//! overlap.

use super::unverified::unverified_failures;
use super::{RescanRequest, Shared};
use crate::audit::{
    connect, evaluate, rescan, scan_account, unreachable_account, AccountScan, PlannedAccount,
};
use crate::events::{Ignored, Rescan};
use crate::report::EvaluatedAccount;
use crate::state::{AccountSnapshot, DriftKind};
use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tomwatch_aws::AwsSession;

/// What a snapshot says about the age of its data: those of the last full scan. A rescan
/// refreshes single services, so it leaves them as they were.
#[derive(Debug, Clone, Copy)]
struct ScanTimes {
    started_at: SystemTime,
    finished_at: SystemTime,
    duration: Duration,
    last_reached_aws: Option<SystemTime>,
}

pub(super) async fn account_loop(
    shared: Shared,
    account: PlannedAccount,
    mut requests: Option<mpsc::Receiver<RescanRequest>>,
    cancel: CancellationToken,
) {
    let schedule = &shared.schedule;
    let debounce = schedule
        .events
        .as_ref()
        .map_or(Duration::ZERO, |e| e.debounce);
    let account_id = account.target.account_id.clone();
    // Kept across scans: the session holds the AssumeRole credentials cache.
    let mut session: Option<AwsSession> = None;
    // The last full scan, kept only where events may ask to recollect parts of it.
    let mut kept: Option<(AccountScan, ScanTimes)> = None;
    let mut due = Instant::now();
    let mut last_reached_aws = None;
    loop {
        let first = tokio::select! {
            // A due scan goes before waiting requests, and settles them (at start-up, those
            // left on the queue by the previous process).
            biased;
            () = cancel.cancelled() => return,
            () = tokio::time::sleep_until(due) => None,
            Some(request) = next_request(&mut requests) => Some(request),
        };
        // Requests that the coming full scan settles.
        let mut waiting = Vec::new();
        if let Some(first) = first {
            let batch = tokio::select! {
                () = cancel.cancelled() => return,
                batch = gather(first, &mut requests, debounce) => batch,
            };
            if let (Some(session), Some((scan, times))) = (&session, &mut kept) {
                let wanted: BTreeSet<Rescan> = batch
                    .iter()
                    .flat_map(|r| r.rescans.iter().cloned())
                    .collect();
                let done = tokio::select! {
                    () = cancel.cancelled() => return,
                    done = rescan(session, scan, &wanted, &schedule.options, &shared.limiter) => done,
                };
                if !done.is_empty() {
                    publish(&shared, &account_id, scan, *times, |evaluated| {
                        log_rescan(&account_id, &done, evaluated)
                    });
                }
                settle(&shared, batch, scan);
                continue;
            }
            // Nothing to recollect into (the account was not reached yet): a full scan now,
            // from which the schedule counts on.
            waiting = batch;
        }
        if let Some(receiver) = &mut requests {
            while let Ok(request) = receiver.try_recv() {
                waiting.push(request);
            }
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
                        &crate::audit::Unwatched,
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
        let connected = !scan.units.is_empty();
        if !connected {
            // Could not connect: try a fresh session next time.
            session = None;
        }
        // A scan in which every collection failed (the network went away mid-session) saw
        // nothing: its time must not refresh the results' age, or they would never look stale.
        if scan.units.iter().any(|unit| unit.success) {
            last_reached_aws = Some(SystemTime::now());
        }
        let times = ScanTimes {
            started_at,
            finished_at: SystemTime::now(),
            duration: started.elapsed(),
            last_reached_aws,
        };
        publish(&shared, &account_id, &scan, times, |evaluated| {
            log_scan(&account_id, times.duration, evaluated)
        });
        if connected {
            settle(&shared, waiting, &scan);
        }
        // Unsettled requests of an unreachable account are dropped: their messages return to
        // the queue and ask again once it may be reachable.
        kept = (connected && requests.is_some()).then_some((scan, times));

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

/// The next request for this account; never, without an event queue.
async fn next_request(
    requests: &mut Option<mpsc::Receiver<RescanRequest>>,
) -> Option<RescanRequest> {
    match requests {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

/// The first request and those that follow it within `debounce`: one rescan for a burst.
async fn gather(
    first: RescanRequest,
    requests: &mut Option<mpsc::Receiver<RescanRequest>>,
    debounce: Duration,
) -> Vec<RescanRequest> {
    let mut batch = vec![first];
    if let Some(receiver) = requests {
        let deadline = Instant::now() + debounce;
        while let Ok(Some(request)) = tokio::time::timeout_at(deadline, receiver.recv()).await {
            batch.push(request);
        }
    }
    batch
}

/// Marks requests as done now that a published snapshot reflects `scan`: each one's latency
/// is recorded, or, when its region is not in the scan, the reason it changed nothing.
fn settle(shared: &Shared, batch: Vec<RescanRequest>, scan: &AccountScan) {
    let now = SystemTime::now();
    for request in batch {
        if request
            .rescans
            .iter()
            .any(|r| scan.covers(&r.region, r.service))
        {
            let latency = request
                .event_time
                .and_then(|at| now.duration_since(at).ok())
                // No event time, or one ahead of this clock: from the message's arrival.
                .unwrap_or_else(|| request.received.elapsed());
            shared.state.record_event_latency(latency.as_secs_f64());
        } else {
            shared.state.record_event_ignored(Ignored::RegionNotScanned);
        }
        // The reader may be gone (reload): the message is then delivered again, harmlessly.
        let _ = request.settled.send(());
    }
}

/// Judges `scan`, records its drift and publishes it as the account's snapshot; `log` says
/// what came of it.
fn publish(
    shared: &Shared,
    account_id: &str,
    scan: &AccountScan,
    times: ScanTimes,
    log: impl FnOnce(&EvaluatedAccount),
) {
    let evaluated = evaluate(
        scan,
        &shared.schedule.policy,
        time::OffsetDateTime::now_utc().date(),
    );
    let now = super::unix_seconds(SystemTime::now());
    let mut drift: Vec<(&str, DriftKind, u64)> = Vec::new();
    let reconciled = shared.store.reconcile(account_id, &evaluated.findings, now);
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
            let previous = shared.state.snapshot(account_id);
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
    log(&evaluated);
    // The drift counters move with the snapshot that explains them (one publish).
    shared.state.publish(
        AccountSnapshot {
            evaluated,
            first_seen,
            unverified,
            started_at: times.started_at,
            finished_at: times.finished_at,
            duration: times.duration,
            last_reached_aws: times.last_reached_aws,
        },
        &drift,
    );
}

/// One line per finished account scan: how long it took, its findings by status, its errors.
fn log_scan(account_id: &str, duration: Duration, evaluated: &EvaluatedAccount) {
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

/// One line per applied batch of rescans: what was recollected, and the account's FAILs now.
fn log_rescan(account_id: &str, done: &[Rescan], evaluated: &EvaluatedAccount) {
    let services: Vec<String> = done
        .iter()
        .map(|r| match &r.resource {
            Some(resource) => format!("{}/{}/{}", r.region, r.service.name(), resource.id),
            None => format!("{}/{}", r.region, r.service.name()),
        })
        .collect();
    tracing::info!(
        account_id = %account_id,
        rescanned = %services.join(","),
        fail = evaluated
            .findings
            .iter()
            .filter(|f| f.status == tomwatch_model::Status::Fail && !f.suppressed)
            .count(),
        "rescan on change events applied"
    );
}

fn jitter(interval: Duration, fraction: f64) -> Duration {
    interval.mul_f64(fraction.clamp(0.0, 1.0) * fastrand::f64())
}

#[cfg(test)]
mod tests {
    use super::*;

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
