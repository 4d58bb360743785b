use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_sns::Client;
use tomwatch_model::inventory::{SnsInventory, SnsTopic};
use tomwatch_model::Collected;

const OP: &str = "ListTopics";

impl RegionalCollection for SnsInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "sns", aws_sdk_sns);
        collect(&client, &session.caller(region, "sns")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> SnsInventory {
    let topics = async {
        let pages = all_pages!(caller, OP, client.list_topics()).await?;
        pages
            .iter()
            .flat_map(|page| page.topics())
            .map(|topic| {
                let arn = topic
                    .topic_arn()
                    .ok_or_else(|| caller.missing(OP, "TopicArn"))?;
                Ok(SnsTopic {
                    arn: arn.to_string(),
                    name: arn.rsplit(':').next().unwrap_or(arn).to_string(), // default: split yields one part at least
                })
            })
            .collect::<Collected<Vec<_>>>()
    };
    SnsInventory {
        topics: topics.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_sns::operation::list_topics::{ListTopicsError, ListTopicsOutput};
    use aws_sdk_sns::types::Topic;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn topic(name: &str) -> Topic {
        Topic::builder()
            .topic_arn(format!("arn:aws:sns:eu-central-1:111111111111:{name}"))
            .build()
    }

    #[tokio::test]
    async fn every_page_of_topics_is_read_and_named_by_its_arn() {
        let pages = mock!(Client::list_topics)
            .sequence()
            .output(|| {
                ListTopicsOutput::builder()
                    .topics(topic("alerts"))
                    .next_token("n")
                    .build()
            })
            .output(|| {
                ListTopicsOutput::builder()
                    .topics(topic("orders.fifo"))
                    .build()
            })
            .build();
        let client = mocked_client!(aws_sdk_sns, pages);
        let topics = collect(&client, &caller("eu-central-1", "sns"))
            .await
            .topics
            .expect("listed");
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["alerts", "orders.fifo"]);

        let throttled = mock!(Client::list_topics)
            .then_error(|| ListTopicsError::generic(aws_error("Throttling")));
        let client = mocked_client!(aws_sdk_sns, throttled);
        let error = collect(&client, &caller("eu-central-1", "sns"))
            .await
            .topics
            .expect_err("throttled");
        assert_eq!((error.kind, error.operation), (ErrorKind::Throttled, OP));
    }
}
