use super::per_group;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Auto Scaling groups keep at least two instances across two zones behind a load balancer",
    resource_type: "AWS::AutoScaling::AutoScalingGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let required = ctx.params.min_redundancy;
    per_group(&CHECK.meta, ctx, |_, group| {
        let mut gaps = Vec::new();
        if group.min_size < required {
            gaps.push(format!(
                "its minimum size is {}, fewer than {required}",
                group.min_size
            ));
        }
        if group.availability_zones.len() < required as usize {
            gaps.push(format!(
                "it spans {} Availability Zone(s), fewer than {required}",
                group.availability_zones.len()
            ));
        }
        if group.load_balancer_names.is_empty() && group.target_group_arns.is_empty() {
            gaps.push("it is attached to no load balancer or target group".to_string());
        }
        if gaps.is_empty() {
            Verdict::pass(format!(
                "Auto Scaling group {} keeps at least {} instances in {} zones behind a load balancer",
                group.name,
                group.min_size,
                group.availability_zones.len()
            ))
        } else {
            Verdict::fail(format!(
                "Auto Scaling group {} is not redundant: {}",
                group.name,
                gaps.join("; ")
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autoscaling::fixtures::group;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn each_gap_is_named_and_any_gap_fails() {
        let mut account = account(&["eu-central-1"]);
        let mut lone = group("lone");
        lone.min_size = 1;
        lone.availability_zones.truncate(1);
        lone.target_group_arns.clear();
        let mut classic = group("classic");
        classic.target_group_arns.clear();
        classic.load_balancer_names = vec!["legacy-elb".into()];
        region_mut(&mut account, "eu-central-1").autoscaling.groups =
            Ok(vec![group("web"), lone, classic]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail, Status::Pass]);
        assert_eq!(
            findings[1].message,
            "Auto Scaling group lone is not redundant: its minimum size is 1, fewer than 2; it spans 1 Availability Zone(s), fewer than 2; it is attached to no load balancer or target group"
        );
        region_mut(&mut account, "eu-central-1").autoscaling.groups = Err(denied(
            "autoscaling",
            "DescribeAutoScalingGroups",
            "eu-central-1",
        ));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
