//! The scheduler of `tomwatch serve`: one loop per account, scans that never overlap, results
//! published as immutable snapshots. With an event queue configured, a reader turns change
//! events into rescans that the account loops run between their scheduled scans.

mod account;
mod queue;
mod unverified;

use crate::audit::{AuditOptions, PlannedAccount, RegionSelection};
use crate::drift::DriftStore;
use crate::events::Rescan;
use crate::policy::Policy;
use crate::state::{ExpectedAccount, ServeState};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tomwatch_aws::AwsConnector;

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
    /// The queue of change events to rescan on; `None`: the schedule alone.
    pub events: Option<EventSettings>,
}

/// Where change events arrive and how they are gathered.
#[derive(Debug, Clone)]
pub struct EventSettings {
    pub queue_url: String,
    pub queue_region: String,
    /// The account of the ambient credentials, which read the queue.
    pub reader_account: String,
    /// How long an account gathers events after the first before it rescans.
    pub debounce: Duration,
    /// The configured accounts that other replicas audit (`--shard`): each replica reads a
    /// queue of its own, so their events are dropped here as `other_shard`.
    pub other_shards: BTreeSet<String>,
}

/// Rescans asked for by one queue message, sent to the loop of the account they concern.
struct RescanRequest {
    rescans: BTreeSet<Rescan>,
    /// When the message was read from the queue.
    received: Instant,
    /// The event's own time, where it said one: the start of the latency that is exported.
    event_time: Option<SystemTime>,
    /// Fired once a published snapshot reflects the rescans (or they could not be done): the
    /// message may then be deleted. Dropped unfired (shutdown, reload), the message stays on
    /// the queue and is delivered again.
    settled: oneshot::Sender<()>,
}

/// Requests waiting for an account loop; beyond this the queue reader waits, so a burst
/// cannot grow memory without bound.
const PENDING_REQUESTS: usize = 1024;

/// Runs every account's loop (and the event queue's reader, if configured) until `cancel`
/// fires. In-flight scans are dropped on cancel: their partial results are never published.
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
    state.mark_planned();
    state.set_policy(schedule.policy.clone());
    state.set_events_enabled(schedule.events.is_some());
    let limiter = Arc::new(Semaphore::new(schedule.options.concurrency.max(1)));
    let schedule = Arc::new(schedule);
    let mut tasks = tokio::task::JoinSet::new();
    let mut senders = BTreeMap::new();
    for account in schedule.accounts.clone() {
        let shared = Shared {
            connector: connector.clone(),
            schedule: schedule.clone(),
            state: state.clone(),
            store: store.clone(),
            limiter: limiter.clone(),
        };
        let requests = schedule.events.as_ref().map(|_| {
            let (sender, receiver) = mpsc::channel(PENDING_REQUESTS);
            senders.insert(account.target.account_id.clone(), sender);
            receiver
        });
        tasks.spawn(account::account_loop(
            shared,
            account,
            requests,
            cancel.clone(),
        ));
    }
    if let Some(events) = &schedule.events {
        tasks.spawn(queue::read_events(
            connector.clone(),
            events.clone(),
            senders,
            state.clone(),
            cancel.clone(),
        ));
    }
    while tasks.join_next().await.is_some() {}
}

struct Shared {
    connector: AwsConnector,
    schedule: Arc<Schedule>,
    state: Arc<ServeState>,
    store: Arc<DriftStore>,
    limiter: Arc<Semaphore>,
}

pub fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
