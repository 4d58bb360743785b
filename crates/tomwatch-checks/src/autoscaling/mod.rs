checks! {
    autoscaling_group_redundant,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use tomwatch_model::inventory::AutoScalingGroup;

fn per_group(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &AutoScalingGroup) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::AUTOSCALING_GROUP.select,
        kinds::AUTOSCALING_GROUP.wildcard,
        |region, group| (group.arn.clone(), judge(region, group)),
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::AutoScalingGroup;

    /// Two instances at least, in two zones, behind a target group.
    pub fn group(name: &str) -> AutoScalingGroup {
        AutoScalingGroup {
            arn: format!("arn:aws:autoscaling:eu-central-1:{ACCOUNT}:autoScalingGroup:u:autoScalingGroupName/{name}"),
            name: name.into(),
            min_size: 2,
            desired_capacity: 2,
            availability_zones: vec!["eu-central-1a".into(), "eu-central-1b".into()],
            load_balancer_names: vec![],
            target_group_arns: vec![format!("arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:targetgroup/{name}/1")],
            tags: Default::default(),
        }
    }
}
