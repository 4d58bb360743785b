use super::per_load_balancer;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use crate::wafv2::protection::shortfalls;

check! {
    title: "Internet-facing application load balancers are protected by a WAFv2 web ACL",
    resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_load_balancer(&CHECK.meta, ctx, |_, lb| {
        if !lb.internet_facing {
            return Verdict::not_applicable(format!("{} is internal", lb.name));
        }
        match &lb.web_acl {
            None => Verdict::not_applicable(format!(
                "{} is a {} load balancer; WAFv2 protects application load balancers",
                lb.name, lb.kind
            )),
            Some(Err(error)) => Verdict::not_collected(error),
            Some(Ok(Some(acl))) => {
                // An attached ACL that does not block protects nothing: the ALB's finding says
                // so too, not only the ACL's (wafv2_web_acl_required_rules).
                let problems = shortfalls(ctx.params, acl);
                if problems.is_empty() {
                    Verdict::pass(format!("{} is protected by web ACL {}", lb.name, acl.name))
                } else {
                    Verdict::fail(format!(
                        "{} has web ACL {}, which {}",
                        lb.name,
                        acl.name,
                        problems.join("; ")
                    ))
                }
            }
            Some(Ok(None)) => Verdict::fail(format!(
                "{} faces the internet without a WAFv2 web ACL",
                lb.name
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elbv2::fixtures::alb;
    use crate::testing::*;
    use crate::wafv2::protection::fixtures::{acl, complete, managed};
    use tomwatch_model::Status;

    #[test]
    fn public_albs_need_an_acl_internal_and_network_ones_do_not() {
        let mut account = account(&["eu-central-1"]);
        let mut protected = alb("protected", vec![]);
        protected.web_acl = Some(Ok(Some(acl("edge", complete()))));
        let bare = alb("bare", vec![]);
        let mut internal = alb("internal", vec![]);
        internal.internet_facing = false;
        let mut nlb = alb("nlb", vec![]);
        nlb.kind = "network".into();
        nlb.web_acl = None;
        let mut unknown = alb("unknown", vec![]);
        unknown.web_acl = Some(Err(denied("wafv2", "GetWebACLForResource", "eu-central-1")));
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![protected, bare, internal, nlb, unknown]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Fail,
                Status::NotApplicable,
                Status::NotApplicable,
                Status::Unknown
            ]
        );
    }

    #[test]
    fn an_attached_acl_that_only_counts_fails_on_the_load_balancer_too() {
        let mut account = account(&["eu-central-1"]);
        let mut lb = alb("api", vec![]);
        let mut rules = complete();
        rules[1] = managed("AWSManagedRulesSQLiRuleSet", true);
        lb.web_acl = Some(Ok(Some(acl("edge-weak", rules))));
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![lb]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail);
        assert!(
            finding.message.contains("count mode"),
            "{}",
            finding.message
        );
    }
}
