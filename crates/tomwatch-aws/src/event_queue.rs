//! The SQS queue that EventBridge fills with CloudTrail events (issue 13): long-polled for
//! messages, each deleted only once the rescan it asked for has been published, so a crash in
//! between re-delivers it. Errors are `CollectionError`s of the queue's own scope, classified
//! like every other call.

use crate::attempts::sdk_client;
use crate::caller::Caller;
use crate::session::AwsSession;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sqs::Client;
use std::time::Duration;
use tomwatch_model::Collected;

/// At most ten messages per ReceiveMessage (SQS's limit).
const BATCH: i32 = 10;
/// The longest long poll SQS allows: one request per 20 s when the queue is quiet.
const WAIT_SECONDS: i32 = 20;

/// A long poll holds its request open for up to [`WAIT_SECONDS`] when the queue is quiet. With
/// the scan's attempt budget (`scan.api_attempt_timeout_seconds`, 20 s by default) every quiet
/// poll would end as a timeout error and be retried; the queue's client allows the wait plus
/// time for the answer instead.
fn long_poll_timeouts() -> TimeoutConfig {
    let attempt = Duration::from_secs(WAIT_SECONDS.unsigned_abs().into()) + Duration::from_secs(10);
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(attempt)
        .operation_timeout(attempt * 3)
        .build()
}

/// A message as received: what to read and what to delete it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMessage {
    pub body: String,
    pub receipt_handle: String,
}

/// The event queue, through a client in the queue's own region.
pub struct EventQueue {
    client: Client,
    caller: Caller,
    url: String,
}

/// The region of a queue URL, `https://sqs.<region>.amazonaws.com/<account>/<name>` (or the
/// legacy `https://<region>.queue.amazonaws.com/...`). `None` for a URL of another shape, such
/// as an emulator's `http://host:port/<account>/<name>`, whose region must come from elsewhere.
pub fn queue_region(url: &str) -> Option<&str> {
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?
        .split('/')
        .next()?;
    let mut labels = host.split('.');
    match (labels.next()?, labels.next()?) {
        ("sqs", region) => Some(region),
        (region, "queue") => Some(region),
        _ => None,
    }
    .filter(|region| !region.is_empty())
}

impl AwsSession {
    /// The event queue at `url`, read through a client in `region`.
    pub fn event_queue(&self, url: &str, region: &str) -> EventQueue {
        EventQueue {
            client: sdk_client!(self, region, "sqs", aws_sdk_sqs, |builder| builder
                .timeout_config(long_poll_timeouts())),
            caller: self.caller(region, "sqs"),
            url: url.to_string(),
        }
    }
}

impl EventQueue {
    /// Waits up to 20 s for messages; an empty batch means the queue was quiet.
    pub async fn receive(&self) -> Collected<Vec<QueueMessage>> {
        receive(&self.client, &self.caller, &self.url).await
    }

    /// Removes a message whose rescan has been applied.
    pub async fn delete(&self, receipt_handle: &str) -> Collected<()> {
        self.caller
            .call(
                "DeleteMessage",
                self.client
                    .delete_message()
                    .queue_url(&self.url)
                    .receipt_handle(receipt_handle)
                    .send(),
            )
            .await
            .map(|_| ())
    }
}

async fn receive(client: &Client, caller: &Caller, url: &str) -> Collected<Vec<QueueMessage>> {
    let output = caller
        .call(
            "ReceiveMessage",
            client
                .receive_message()
                .queue_url(url)
                .max_number_of_messages(BATCH)
                .wait_time_seconds(WAIT_SECONDS)
                .send(),
        )
        .await?;
    Ok(output
        .messages()
        .iter()
        // A message without a receipt handle could never be deleted: it is left to expire
        // rather than rescanned over and over.
        .filter_map(|m| {
            Some(QueueMessage {
                body: m.body()?.to_string(),
                receipt_handle: m.receipt_handle()?.to_string(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_sqs::operation::receive_message::{ReceiveMessageError, ReceiveMessageOutput};
    use aws_sdk_sqs::types::Message;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    const URL: &str = "https://sqs.eu-central-1.amazonaws.com/111111111111/tomwatch-events";

    #[test]
    fn the_region_comes_from_the_queue_url_where_it_names_one() {
        assert_eq!(queue_region(URL), Some("eu-central-1"));
        assert_eq!(
            queue_region("https://eu-west-1.queue.amazonaws.com/111111111111/q"),
            Some("eu-west-1")
        );
        assert_eq!(queue_region("http://127.0.0.1:4566/000000000000/q"), None);
        assert_eq!(queue_region("not a url"), None);
    }

    #[test]
    fn a_quiet_long_poll_is_not_cut_short_by_the_scans_attempt_budget() {
        // The shared config as the connector builds it with the scan's defaults.
        let shared = aws_config::SdkConfig::builder()
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_attempt_timeout(Duration::from_secs(20))
                    .operation_timeout(Duration::from_secs(60))
                    .build(),
            )
            .build();
        let config = aws_sdk_sqs::config::Builder::from(&shared)
            .timeout_config(long_poll_timeouts())
            .build();
        let timeouts = config.timeout_config().expect("set");
        let wait = Duration::from_secs(WAIT_SECONDS.unsigned_abs().into());
        assert!(timeouts
            .operation_attempt_timeout()
            .is_some_and(|t| t > wait));
        assert!(timeouts.operation_timeout().is_some_and(|t| t > wait));
    }

    #[tokio::test]
    async fn messages_are_received_with_their_receipt_handles_and_a_denied_queue_is_an_error() {
        let received = mock!(Client::receive_message)
            .match_requests(|r| {
                r.queue_url() == Some(URL)
                    && r.wait_time_seconds() == Some(WAIT_SECONDS)
                    && r.max_number_of_messages() == Some(BATCH)
            })
            .then_output(|| {
                ReceiveMessageOutput::builder()
                    .messages(Message::builder().body("{}").receipt_handle("r1").build())
                    .messages(Message::builder().body("{\"x\":1}").build())
                    .build()
            });
        let client = mocked_client!(aws_sdk_sqs, received);
        let messages = receive(&client, &caller("eu-central-1", "sqs"), URL)
            .await
            .expect("received");
        assert_eq!(
            messages,
            [QueueMessage {
                body: "{}".into(),
                receipt_handle: "r1".into()
            }]
        );

        let denied = mock!(Client::receive_message)
            .then_error(|| ReceiveMessageError::generic(aws_error("AccessDenied")));
        let client = mocked_client!(aws_sdk_sqs, denied);
        let error = receive(&client, &caller("eu-central-1", "sqs"), URL)
            .await
            .expect_err("denied");
        assert_eq!(
            (error.operation, error.kind),
            ("ReceiveMessage", ErrorKind::AccessDenied)
        );
    }
}
