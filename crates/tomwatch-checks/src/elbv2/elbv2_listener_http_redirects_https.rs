use super::per_listener;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Plain-HTTP listeners only redirect to HTTPS",
    resource_type: "AWS::ElasticLoadBalancingV2::Listener",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_listener(
        &CHECK.meta,
        ctx,
        |listener| listener.protocol == "HTTP",
        |_, lb, listener| {
            if listener.redirects_to_https {
                Verdict::pass(format!(
                    "{}:{} redirects plain HTTP to HTTPS",
                    lb.name, listener.port
                ))
            } else {
                Verdict::fail(format!(
                    "{}:{} serves plain HTTP instead of redirecting to HTTPS",
                    lb.name, listener.port
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elbv2::fixtures::{alb, listener};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn http_must_redirect_and_https_listeners_are_not_judged_here() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![
            alb(
                "good",
                vec![
                    listener(80, "HTTP", None, true),
                    listener(443, "HTTPS", Some("p"), false),
                ],
            ),
            alb("bad", vec![listener(8080, "HTTP", None, false)]),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        assert_eq!(
            findings[1].message,
            "bad:8080 serves plain HTTP instead of redirecting to HTTPS"
        );
    }

    #[test]
    fn unlistable_listeners_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut lb = alb("web", vec![]);
        lb.listeners = Err(denied(
            "elasticloadbalancing",
            "DescribeListeners",
            "eu-central-1",
        ));
        region_mut(&mut account, "eu-central-1")
            .elbv2
            .load_balancers = Ok(vec![lb]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
