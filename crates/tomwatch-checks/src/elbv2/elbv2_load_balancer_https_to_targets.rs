use crate::check::Evidence;
use crate::check::EvalContext;
use crate::kinds;
use crate::verdict::Verdict;
use tomwatch_model::inventory::{LoadBalancer, TargetGroup};
use tomwatch_model::Collected;

check! {
    title: "Internet-facing application load balancers speak HTTPS to their targets",
    resource_type: "AWS::ElasticLoadBalancingV2::LoadBalancer",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region(
        ctx,
        kinds::ELBV2_LOAD_BALANCER.select,
        kinds::ELBV2_LOAD_BALANCER.wildcard,
        |_, region, lbs| {
            lbs.iter()
                .map(|lb| (lb.arn.clone(), judge(lb, &region.elbv2.target_groups)))
                .collect()
        },
    )
}

/// TLS ends at the load balancer; what it forwards is plaintext again unless the target group
/// speaks HTTPS. Lambda targets are invoked through the Lambda API, which is TLS.
fn judge(lb: &LoadBalancer, groups: &Collected<Vec<TargetGroup>>) -> Verdict {
    if !lb.is_application() {
        return Verdict::not_applicable(format!(
            "{} is a {} load balancer; the check judges application load balancers",
            lb.name, lb.kind
        ));
    }
    if !lb.internet_facing {
        return Verdict::not_applicable(format!("{} is internal", lb.name));
    }
    let groups = match groups {
        Err(error) => return Verdict::not_collected(error),
        Ok(groups) => groups,
    };
    let routed: Vec<&TargetGroup> = groups
        .iter()
        .filter(|g| g.load_balancer_arns.contains(&lb.arn))
        .collect();
    if routed.is_empty() {
        return Verdict::not_applicable(format!("{} forwards to no target group", lb.name));
    }
    let plain: Vec<&str> = routed
        .iter()
        .filter(|g| !g.is_lambda() && g.protocol.as_deref() != Some("HTTPS"))
        .map(|g| g.name.as_str())
        .collect();
    let names: Vec<&str> = routed.iter().map(|g| g.name.as_str()).collect();
    if plain.is_empty() {
        Verdict::pass(format!(
            "{} reaches its targets over HTTPS or Lambda ({})",
            lb.name,
            names.join(", ")
        ))
    } else {
        Verdict::fail(format!(
            "{} forwards decrypted requests in plain HTTP to target group(s) {}",
            lb.name,
            plain.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elbv2::fixtures::alb;
    use crate::testing::*;
    use tomwatch_model::Status;

    fn group(name: &str, protocol: Option<&str>, target_type: &str, lbs: &[&LoadBalancer]) -> TargetGroup {
        TargetGroup {
            arn: format!("arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:targetgroup/{name}/1"),
            name: name.into(),
            protocol: protocol.map(str::to_string),
            target_type: target_type.into(),
            load_balancer_arns: lbs.iter().map(|lb| lb.arn.clone()).collect(),
        }
    }

    fn verdicts(lbs: Vec<LoadBalancer>, groups: Collected<Vec<TargetGroup>>) -> Vec<(Status, String)> {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.elbv2.load_balancers = Ok(lbs);
        region.elbv2.target_groups = groups;
        run(&CHECK, &account)
            .into_iter()
            .map(|f| (f.status, f.message))
            .collect()
    }

    #[test]
    fn one_plain_http_group_fails_the_balancer_whatever_its_other_groups_speak() {
        let secure = alb("secure", vec![]);
        let mixed = alb("mixed", vec![]);
        let groups = vec![
            group("secure-https", Some("HTTPS"), "instance", &[&secure, &mixed]),
            group("thumbnails", None, "lambda", &[&secure]),
            group("mixed-http", Some("HTTP"), "ip", &[&mixed]),
        ];
        let found = verdicts(vec![secure, mixed], Ok(groups));
        assert_eq!(found[0].0, Status::Pass, "{}", found[0].1);
        assert_eq!(found[1].0, Status::Fail);
        assert!(found[1].1.contains("mixed-http") && !found[1].1.contains("secure-https"), "{}", found[1].1);
    }

    #[test]
    fn internal_network_and_idle_balancers_are_not_judged() {
        let mut internal = alb("internal", vec![]);
        internal.internet_facing = false;
        let mut nlb = alb("nlb", vec![]);
        nlb.kind = "network".into();
        let idle = alb("idle", vec![]);
        let groups = vec![
            group("internal-http", Some("HTTP"), "instance", &[&internal]),
            group("nlb-tcp", Some("TCP"), "instance", &[&nlb]),
        ];
        let statuses: Vec<Status> = verdicts(vec![internal, nlb, idle], Ok(groups))
            .into_iter()
            .map(|(status, _)| status)
            .collect();
        assert_eq!(statuses, vec![Status::NotApplicable; 3]);
    }

    #[test]
    fn unlisted_target_groups_leave_the_public_balancer_unknown() {
        let found = verdicts(
            vec![alb("web", vec![])],
            Err(denied("elasticloadbalancing", "DescribeTargetGroups", "eu-central-1")),
        );
        assert_eq!(found[0].0, Status::Unknown);
        assert!(found[0].1.contains("DescribeTargetGroups"), "{}", found[0].1);
    }
}
