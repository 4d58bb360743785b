use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_autoscaling::Client;
use tomwatch_model::inventory::{AutoScalingGroup, AutoScalingInventory};

impl RegionalCollection for AutoScalingInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "autoscaling", aws_sdk_autoscaling);
        collect(&client, &session.caller(region, "autoscaling")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> AutoScalingInventory {
    const OP: &str = "DescribeAutoScalingGroups";
    let groups = async {
        let pages = all_pages!(caller, OP, client.describe_auto_scaling_groups()).await?;
        let mut groups = Vec::new();
        for group in pages.iter().flat_map(|p| p.auto_scaling_groups()) {
            groups.push(AutoScalingGroup {
                arn: group
                    .auto_scaling_group_arn()
                    .ok_or_else(|| caller.missing(OP, "AutoScalingGroupARN"))?
                    .to_string(),
                name: group
                    .auto_scaling_group_name()
                    .ok_or_else(|| caller.missing(OP, "AutoScalingGroupName"))?
                    .to_string(),
                min_size: group
                    .min_size()
                    .ok_or_else(|| caller.missing(OP, "MinSize"))?,
                desired_capacity: group
                    .desired_capacity()
                    .ok_or_else(|| caller.missing(OP, "DesiredCapacity"))?,
                availability_zones: group.availability_zones().to_vec(),
                load_balancer_names: group.load_balancer_names().to_vec(),
                target_group_arns: group.target_group_arns().to_vec(),
                tags: crate::tags::tag_map(group.tags().iter().map(|t| (t.key(), t.value()))),
            });
        }
        Ok(groups)
    };
    AutoScalingInventory {
        groups: groups.await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{caller, mocked_client};
    use aws_sdk_autoscaling::operation::describe_auto_scaling_groups::DescribeAutoScalingGroupsOutput;
    use aws_sdk_autoscaling::types::TagDescription;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn group(min: Option<i32>) -> aws_sdk_autoscaling::types::AutoScalingGroup {
        aws_sdk_autoscaling::types::AutoScalingGroup::builder()
            .auto_scaling_group_name("web")
            .auto_scaling_group_arn("arn:aws:autoscaling:eu-central-1:111111111111:autoScalingGroup:u:autoScalingGroupName/web")
            .set_min_size(min)
            .max_size(4)
            .desired_capacity(2)
            .availability_zones("eu-central-1a")
            .availability_zones("eu-central-1b")
            .target_group_arns("arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup/web/1")
            .tags(TagDescription::builder().key("managed-by").value("terraform").build())
            .build()
    }

    #[tokio::test]
    async fn groups_are_read_and_a_missing_size_is_a_malformed_answer() {
        let client = mocked_client!(
            aws_sdk_autoscaling,
            mock!(Client::describe_auto_scaling_groups).then_output(|| {
                DescribeAutoScalingGroupsOutput::builder()
                    .auto_scaling_groups(group(Some(2)))
                    .build()
            })
        );
        let groups = collect(&client, &caller("eu-central-1", "autoscaling"))
            .await
            .groups
            .expect("listed");
        assert_eq!(groups[0].availability_zones.len(), 2);
        assert_eq!(
            groups[0].tags.get("managed-by").map(String::as_str),
            Some("terraform")
        );

        let malformed = mocked_client!(
            aws_sdk_autoscaling,
            mock!(Client::describe_auto_scaling_groups).then_output(|| {
                DescribeAutoScalingGroupsOutput::builder()
                    .auto_scaling_groups(group(None))
                    .build()
            })
        );
        let groups = collect(&malformed, &caller("eu-central-1", "autoscaling"))
            .await
            .groups;
        assert_eq!(groups.map_err(|e| e.kind), Err(ErrorKind::Other));
    }
}
