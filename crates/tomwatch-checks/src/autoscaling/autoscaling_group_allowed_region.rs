use super::per_group;
use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "autoscaling_group_allowed_region",
        title: "Auto Scaling groups run only in allowed regions",
        resource_type: "AWS::AutoScaling::AutoScalingGroup",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_group(&CHECK.meta, ctx, |region, group| {
        region_verdict(ctx, &format!("Auto Scaling group {}", group.name), region)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoscaling::fixtures::group;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn eu_passes_us_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-west-3", "sa-east-1"]);
        region_mut(&mut account, "eu-west-3").autoscaling.groups = Ok(vec![group("eu")]);
        region_mut(&mut account, "sa-east-1").autoscaling.groups = Ok(vec![group("sa")]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "sa-east-1").autoscaling.groups = Err(denied(
            "autoscaling",
            "DescribeAutoScalingGroups",
            "sa-east-1",
        ));
        assert_eq!(run(&CHECK, &account)[1].status, Status::Unknown);
    }
}
