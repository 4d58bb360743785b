use super::per_load_balancer;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Load balancers span at least two Availability Zones",
    resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_load_balancer(&CHECK.meta, ctx, |_, lb| {
        let zones = lb.availability_zones.len();
        if zones >= 2 {
            Verdict::pass(format!("{} spans {zones} Availability Zones", lb.name))
        } else {
            Verdict::fail(format!(
                "{} runs in {zones} Availability Zone(s): one zone's outage takes it down",
                lb.name
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elbv2::fixtures::alb;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn two_zones_pass_one_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut single = alb("single", vec![]);
        single.availability_zones.truncate(1);
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![alb("multi", vec![]), single]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Err(denied(
            "elasticloadbalancing",
            "DescribeLoadBalancers",
            "eu-central-1",
        ));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
