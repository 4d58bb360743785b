use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{partition_of, AwsSession, RegionalCollection};
use aws_sdk_sqs::Client;
use tomwatch_model::inventory::{SqsInventory, SqsQueue};
use tomwatch_model::Collected;

const OP: &str = "ListQueues";
/// ListQueues returns at most 1,000 URLs and a NextToken only when MaxResults is set: without
/// it, the 1,001st queue would go unseen.
const PAGE_SIZE: i32 = 1000;

impl RegionalCollection for SqsInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "sqs", aws_sdk_sqs);
        collect(&client, &session.caller(region, "sqs")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> SqsInventory {
    let queues = async {
        let request = client.list_queues().max_results(PAGE_SIZE);
        let pages = all_pages!(caller, OP, request).await?;
        pages
            .iter()
            .flat_map(|page| page.queue_urls())
            .map(|url| {
                queue(&caller.scope.region, url).ok_or_else(|| {
                    caller.missing(
                        OP,
                        &format!("a queue URL ending /<account>/<name> (got {url})"),
                    )
                })
            })
            .collect::<Collected<Vec<_>>>()
    };
    SqsInventory {
        queues: queues.await,
    }
}

/// A queue from its URL (pure): `https://sqs.<region>.amazonaws.com/<account>/<name>` names the
/// queue whose ARN is `arn:<partition>:sqs:<region>:<account>:<name>`, without a call per queue.
fn queue(region: &str, url: &str) -> Option<SqsQueue> {
    let mut parts = url.trim_end_matches('/').rsplit('/');
    let name = parts.next().filter(|name| !name.is_empty())?;
    let account = parts
        .next()
        .filter(|account| account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))?;
    Some(SqsQueue {
        arn: format!("arn:{}:sqs:{region}:{account}:{name}", partition_of(region)),
        url: url.to_string(),
        name: name.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_sqs::operation::list_queues::{ListQueuesError, ListQueuesOutput};
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    #[test]
    fn a_queue_url_names_its_arn_and_a_url_without_account_is_refused() {
        let queue = queue(
            "eu-central-1",
            "https://sqs.eu-central-1.amazonaws.com/111111111111/orders.fifo",
        )
        .expect("a queue URL");
        assert_eq!(
            queue.arn,
            "arn:aws:sqs:eu-central-1:111111111111:orders.fifo"
        );
        assert_eq!(queue.name, "orders.fifo");
        assert_eq!(
            super::queue(
                "cn-north-1",
                "https://sqs.cn-north-1.amazonaws.com.cn/111111111111/q"
            )
            .expect("a queue URL")
            .arn,
            "arn:aws-cn:sqs:cn-north-1:111111111111:q"
        );
        assert_eq!(
            super::queue("eu-central-1", "https://sqs.eu-central-1.amazonaws.com/q"),
            None
        );
    }

    #[tokio::test]
    async fn listing_asks_for_pages_so_that_no_queue_beyond_a_thousand_is_lost() {
        let pages = mock!(Client::list_queues)
            .match_requests(|r| r.max_results() == Some(PAGE_SIZE))
            .sequence()
            .output(|| {
                ListQueuesOutput::builder()
                    .queue_urls("https://sqs.eu-central-1.amazonaws.com/111111111111/a")
                    .next_token("n")
                    .build()
            })
            .output(|| {
                ListQueuesOutput::builder()
                    .queue_urls("https://sqs.eu-central-1.amazonaws.com/111111111111/b")
                    .build()
            })
            .build();
        let client = mocked_client!(aws_sdk_sqs, pages);
        let queues = collect(&client, &caller("eu-central-1", "sqs"))
            .await
            .queues
            .expect("listed");
        let names: Vec<&str> = queues.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);

        let denied = mock!(Client::list_queues)
            .then_error(|| ListQueuesError::generic(aws_error("AccessDenied")));
        let client = mocked_client!(aws_sdk_sqs, denied);
        let error = collect(&client, &caller("eu-central-1", "sqs"))
            .await
            .queues
            .expect_err("denied");
        assert_eq!((error.kind, error.operation), (ErrorKind::AccessDenied, OP));
    }
}
