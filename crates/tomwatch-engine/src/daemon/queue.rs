//! The event queue's reader: long-polls SQS, turns each message into rescans for the account
//! loops, and deletes a message once its rescans are published (or at once, when it asks for
//! nothing). A crash in between leaves the message on the queue, to be delivered again.

use super::{EventSettings, RescanRequest};
use crate::events::{self, Ignored, Rescan};
use crate::state::ServeState;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tomwatch_aws::{AccountTarget, AwsConnector, QueueMessage};

/// The longest wait between two attempts to read a queue that fails.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

pub(super) async fn read_events(
    connector: AwsConnector,
    settings: EventSettings,
    accounts: BTreeMap<String, mpsc::Sender<RescanRequest>>,
    state: Arc<ServeState>,
    cancel: CancellationToken,
) {
    // The ambient credentials read the queue; no role is assumed, so this cannot fail on STS.
    let reader = AccountTarget {
        account_id: settings.reader_account.clone(),
        role_arn: None,
        external_id: None,
    };
    let session = match connector.session(&reader).await {
        Ok(session) => session,
        Err(error) => {
            tracing::error!(
                "cannot read the event queue: {}; rescans wait for the schedule",
                error.message
            );
            return;
        }
    };
    let queue = Arc::new(session.event_queue(&settings.queue_url, &settings.queue_region));
    let known: BTreeSet<String> = accounts.keys().cloned().collect();
    let mut deletions = JoinSet::new();
    let mut backoff = Duration::from_secs(1);
    tracing::info!(queue_url = %settings.queue_url, "reading change events");
    loop {
        let received = tokio::select! {
            () = cancel.cancelled() => break,
            received = queue.receive() => received,
        };
        match received {
            Ok(messages) => {
                backoff = Duration::from_secs(1);
                for message in messages {
                    let outcome = route(&message, &known, &settings.other_shards, &state);
                    let settled = match outcome {
                        Route::Delete => None,
                        Route::Rescan(account_id, request, settled) => {
                            let Some(sender) = accounts.get(&account_id) else {
                                continue;
                            };
                            // Waits while the account loop is this far behind (backpressure).
                            if sender.send(request).await.is_err() {
                                // The loop has stopped (shutdown, reload): left on the queue.
                                continue;
                            }
                            Some(settled)
                        }
                    };
                    let queue = queue.clone();
                    deletions.spawn(async move {
                        if let Some(settled) = settled {
                            if settled.await.is_err() {
                                return; // never applied: delivered again later
                            }
                        }
                        if let Err(error) = queue.delete(&message.receipt_handle).await {
                            // Delivered again and rescanned once more: harmless, but said.
                            tracing::warn!(
                                error_type = %error.kind,
                                "could not delete an applied event message: {}",
                                error.message
                            );
                        }
                    });
                }
            }
            Err(error) => {
                tracing::error!(
                    error_type = %error.kind,
                    retry_in_seconds = backoff.as_secs(),
                    "cannot read the event queue {}: {}",
                    settings.queue_url,
                    error.message
                );
                tokio::select! {
                    () = cancel.cancelled() => break,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
        while deletions.try_join_next().is_some() {}
    }
    // Deletions still pending are dropped: those messages are delivered again, harmlessly.
    deletions.abort_all();
}

enum Route {
    /// Nothing to rescan: delete the message now.
    Delete,
    /// Hand to the account's loop; delete when `settled` fires.
    Rescan(String, RescanRequest, oneshot::Receiver<()>),
}

/// What to do with one message, counting it as received and, if it asks for nothing, why.
fn route(
    message: &QueueMessage,
    known: &BTreeSet<String>,
    other_shards: &BTreeSet<String>,
    state: &ServeState,
) -> Route {
    let received = Instant::now();
    let event = events::parse(&message.body);
    state.record_event_received(
        event
            .as_ref()
            .map_or("other", |e| events::source_label(&e.event_source)),
    );
    let planned = event.and_then(|event| {
        if other_shards.contains(&event.account_id) {
            return Err(Ignored::OtherShard);
        }
        let rescans = events::rescans(&event, known)?;
        Ok((event, rescans))
    });
    match planned {
        Err(reason) => {
            ignored(state, reason, message);
            Route::Delete
        }
        Ok((event, rescans)) => {
            let (settled, done) = oneshot::channel();
            let request = RescanRequest {
                rescans: rescans.into_iter().collect::<BTreeSet<Rescan>>(),
                received,
                event_time: event.time.map(SystemTime::from),
                settled,
            };
            tracing::debug!(
                account_id = %event.account_id,
                region = %event.region,
                event = %format!("{}:{}", event.event_source, event.event_name),
                "change event"
            );
            Route::Rescan(event.account_id, request, done)
        }
    }
}

fn ignored(state: &ServeState, reason: Ignored, message: &QueueMessage) {
    state.record_event_ignored(reason);
    // The body is not logged: it may be large, and it is the sender's text, not ours.
    tracing::debug!(
        reason = reason.as_str(),
        bytes = message.body.len(),
        "event ignored"
    );
}
