use super::per_listener;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "HTTPS and TLS listeners accept only TLS 1.2 or newer",
    resource_type: "AWS::ElasticLoadBalancingV2::Listener",
    evaluate,
}

/// Protocols older than TLS 1.2, as DescribeSSLPolicies names them.
const OUTDATED: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_listener(
        &CHECK.meta,
        ctx,
        |listener| matches!(listener.protocol.as_str(), "HTTPS" | "TLS"),
        |region, lb, listener| {
            let Some(policy) = &listener.ssl_policy else {
                return Verdict::fail(format!("{}:{} has no SSL policy", lb.name, listener.port));
            };
            let protocols = match &region.elbv2.ssl_policies {
                Ok(policies) => match policies.get(policy) {
                    Some(protocols) => protocols,
                    None => {
                        return Verdict::fail(format!(
                        "{}:{} uses policy {policy}, which DescribeSSLPolicies does not describe",
                        lb.name, listener.port
                    ))
                    }
                },
                Err(error) => return Verdict::not_collected(error),
            };
            let old: Vec<&str> = protocols
                .iter()
                .map(String::as_str)
                .filter(|p| OUTDATED.contains(p))
                .collect();
            if old.is_empty() && !protocols.is_empty() {
                Verdict::pass(format!(
                    "{}:{} policy {policy} allows only {}",
                    lb.name,
                    listener.port,
                    protocols.join(", ")
                ))
            } else {
                Verdict::fail(format!(
                    "{}:{} policy {policy} still allows {}",
                    lb.name,
                    listener.port,
                    old.join(", ")
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
    fn the_policys_protocols_decide_not_its_name() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.elbv2.load_balancers = Ok(vec![alb(
            "web",
            vec![
                listener(443, "HTTPS", Some("modern"), false),
                listener(8443, "HTTPS", Some("ELBSecurityPolicy-2016-08"), false),
                listener(80, "HTTP", None, true),
            ],
        )]);
        region.elbv2.ssl_policies = Ok([
            (
                "modern".to_string(),
                vec!["TLSv1.2".to_string(), "TLSv1.3".to_string()],
            ),
            (
                "ELBSecurityPolicy-2016-08".to_string(),
                vec![
                    "TLSv1".to_string(),
                    "TLSv1.1".to_string(),
                    "TLSv1.2".to_string(),
                ],
            ),
        ]
        .into_iter()
        .collect());
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        assert_eq!(
            findings[1].message,
            "web:8443 policy ELBSecurityPolicy-2016-08 still allows TLSv1, TLSv1.1"
        );
    }

    #[test]
    fn undescribed_policies_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.elbv2.load_balancers = Ok(vec![alb(
            "web",
            vec![listener(443, "HTTPS", Some("p"), false)],
        )]);
        region.elbv2.ssl_policies = Err(denied(
            "elasticloadbalancing",
            "DescribeSSLPolicies",
            "eu-central-1",
        ));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
