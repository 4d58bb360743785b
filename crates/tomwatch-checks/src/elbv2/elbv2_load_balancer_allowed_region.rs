use super::per_load_balancer;
use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "elbv2_load_balancer_allowed_region",
        title: "Load balancers run only in allowed regions",
        resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_load_balancer(&CHECK.meta, ctx, |region, lb| {
        region_verdict(ctx, &format!("load balancer {}", lb.name), region)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elbv2::fixtures::alb;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn eu_passes_us_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1", "us-east-1"]);
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![alb("eu", vec![])]);
        region_mut(&mut account, "us-east-1").elbv2.load_balancers = Ok(vec![alb("us", vec![])]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "us-east-1").elbv2.load_balancers = Err(denied(
            "elasticloadbalancing",
            "DescribeLoadBalancers",
            "us-east-1",
        ));
        assert_eq!(run(&CHECK, &account)[1].status, Status::Unknown);
    }
}
