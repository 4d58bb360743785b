use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_cloudwatch::Client;
use tomwatch_model::inventory::{Alarm, CloudWatchInventory};

impl RegionalCollection for CloudWatchInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "cloudwatch", aws_sdk_cloudwatch);
        collect(&client, &session.caller(region, "cloudwatch")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> CloudWatchInventory {
    const OP: &str = "DescribeAlarms";
    let alarms = async {
        let pages = all_pages!(
            caller,
            OP,
            client
                .describe_alarms()
                .alarm_types(aws_sdk_cloudwatch::types::AlarmType::MetricAlarm)
                .alarm_types(aws_sdk_cloudwatch::types::AlarmType::CompositeAlarm)
        )
        .await?;
        // Metric and composite alarms share the fields the checks read.
        let alarm = |arn: Option<&str>,
                     name: Option<&str>,
                     actions_enabled: Option<bool>,
                     actions: &[String],
                     anomaly_detection: bool| {
            Ok::<_, tomwatch_model::CollectionError>(Alarm {
                arn: arn
                    .ok_or_else(|| caller.missing(OP, "AlarmArn"))?
                    .to_string(),
                name: name.unwrap_or_default().to_string(), // default: display name
                actions_enabled: actions_enabled
                    .ok_or_else(|| caller.missing(OP, "ActionsEnabled"))?,
                alarm_actions: actions.to_vec(),
                anomaly_detection,
            })
        };
        let mut alarms = Vec::new();
        for page in &pages {
            for a in page.metric_alarms() {
                // An anomaly-detection alarm compares against a band expression by its id.
                let anomaly = a.threshold_metric_id().is_some();
                let (arn, name, enabled) = (a.alarm_arn(), a.alarm_name(), a.actions_enabled());
                alarms.push(alarm(arn, name, enabled, a.alarm_actions(), anomaly)?);
            }
            for a in page.composite_alarms() {
                let (arn, name, enabled) = (a.alarm_arn(), a.alarm_name(), a.actions_enabled());
                alarms.push(alarm(arn, name, enabled, a.alarm_actions(), false)?);
            }
        }
        Ok(alarms)
    };
    CloudWatchInventory {
        alarms: alarms.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_cloudwatch::operation::describe_alarms::{
        DescribeAlarmsError, DescribeAlarmsOutput,
    };
    use aws_sdk_cloudwatch::types::{CompositeAlarm, MetricAlarm};
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    #[tokio::test]
    async fn metric_and_composite_alarms_are_read_with_their_actions() {
        let client = mocked_client!(
            aws_sdk_cloudwatch,
            mock!(Client::describe_alarms)
                .match_requests(|r| r.alarm_types().len() == 2)
                .then_output(|| {
                    DescribeAlarmsOutput::builder()
                        .metric_alarms(
                            MetricAlarm::builder()
                                .alarm_name("latency")
                                .alarm_arn("arn:aws:cloudwatch:eu-central-1:111111111111:alarm:latency")
                                .actions_enabled(true)
                                .alarm_actions("arn:aws:sns:eu-central-1:111111111111:oncall")
                                .threshold_metric_id("band")
                                .build(),
                        )
                        .composite_alarms(
                            CompositeAlarm::builder()
                                .alarm_name("service-down")
                                .alarm_arn("arn:aws:cloudwatch:eu-central-1:111111111111:alarm:service-down")
                                .actions_enabled(false)
                                .build(),
                        )
                        .build()
                })
        );
        let alarms = collect(&client, &caller("eu-central-1", "cloudwatch"))
            .await
            .alarms
            .expect("listed");
        assert!(alarms[0].notifies() && alarms[0].anomaly_detection);
        assert!(!alarms[1].notifies());

        let denied = mocked_client!(
            aws_sdk_cloudwatch,
            mock!(Client::describe_alarms)
                .then_error(|| DescribeAlarmsError::generic(aws_error("AccessDenied")))
        );
        let alarms = collect(&denied, &caller("eu-central-1", "cloudwatch"))
            .await
            .alarms;
        assert_eq!(alarms.map_err(|e| e.kind), Err(ErrorKind::AccessDenied));
    }
}
