use super::front;
use crate::check::{EvalContext, Evidence};
use crate::kinds::ELB_LOAD_BALANCER;
use crate::verdict::Verdict;
use tomwatch_model::inventory::{ClassicListener, ClassicLoadBalancer, ClassicPolicy};
use tomwatch_model::Status;

check! {
    title: "Classic Load Balancers' HTTPS and SSL listeners negotiate only TLS 1.2 or newer",
    resource_type: "AWS::ElasticLoadBalancing::LoadBalancer",
    evaluate,
}

const NEGOTIATION: &str = "SSLNegotiationPolicyType";
/// What ELB associates with an HTTPS/SSL listener created without a policy; it enables TLS 1.0
/// and 1.1.
const DEFAULT_POLICY: &str = "ELBSecurityPolicy-2016-08";
/// Protocols older than TLS 1.2, as the policies' `Protocol-*` attributes name them.
const OUTDATED: &[&str] = &["SSLv2", "SSLv3", "TLSv1", "TLSv1.1"];

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_kind_item(ctx, &ELB_LOAD_BALANCER, |_, lb| {
            (lb.arn.clone(), load_balancer_verdict(lb))
        })
}

/// The worst of its secure listeners' verdicts: one FAIL fails the load balancer, an UNKNOWN
/// listener leaves it UNKNOWN unless another fails.
fn load_balancer_verdict(lb: &ClassicLoadBalancer) -> Verdict {
    let subject = format!("classic load balancer {}", lb.name);
    let secure: Vec<&ClassicListener> =
        lb.listeners.iter().filter(|l| l.encrypts_to_clients()).collect();
    if secure.is_empty() {
        return Verdict::not_applicable(format!("{subject} has no HTTPS or SSL listener"));
    }
    let policies = match &lb.policies {
        Ok(policies) => policies,
        Err(error) => return Verdict::not_collected(error),
    };
    let verdicts: Vec<Verdict> = secure
        .iter()
        .map(|listener| listener_verdict(&subject, listener, policies))
        .collect();
    let joined = |status: Status| {
        (verdicts.iter())
            .filter(|v| v.status == status)
            .map(|v| v.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    for status in [Status::Fail, Status::Unknown] {
        if verdicts.iter().any(|v| v.status == status) {
            return Verdict {
                status,
                message: joined(status),
            };
        }
    }
    Verdict::pass(joined(Status::Pass))
}

fn listener_verdict(
    subject: &str,
    listener: &ClassicListener,
    policies: &std::collections::BTreeMap<String, ClassicPolicy>,
) -> Verdict {
    let at = format!("{subject} {}", front(listener));
    let mut negotiation = None;
    for name in &listener.policy_names {
        match policies.get(name) {
            Some(policy) if policy.type_name == NEGOTIATION => negotiation = Some((name, policy)),
            Some(_) => {}
            None => {
                return Verdict::undecidable(format!(
                    "{at} names policy {name}, which DescribeLoadBalancerPolicies does not describe"
                ))
            }
        }
    }
    let Some((name, policy)) = negotiation else {
        return Verdict::fail(format!(
            "{at} has no SSL negotiation policy, so ELB applies {DEFAULT_POLICY}, which allows \
             TLSv1, TLSv1.1"
        ));
    };
    let enabled = |protocol: &str| {
        policy
            .attributes
            .get(&format!("Protocol-{protocol}"))
            .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    };
    let reference = policy
        .attributes
        .get("Reference-Security-Policy")
        .map(|r| format!(" ({r})"))
        .unwrap_or_default(); // default: a custom policy references none
    let old: Vec<&str> = OUTDATED.iter().copied().filter(|p| enabled(p)).collect();
    if !old.is_empty() {
        Verdict::fail(format!("{at} policy {name}{reference} still allows {}", old.join(", ")))
    } else if !enabled("TLSv1.2") {
        Verdict::fail(format!("{at} policy {name}{reference} enables no TLS 1.2"))
    } else {
        Verdict::pass(format!("{at} policy {name}{reference} allows only TLSv1.2"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elb::fixtures::{listener, load_balancer, negotiation};
    use crate::testing::*;

    fn statuses(lbs: Vec<ClassicLoadBalancer>) -> Vec<(Status, String)> {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").elb.load_balancers = Ok(lbs);
        run(&CHECK, &account)
            .into_iter()
            .map(|f| (f.status, f.message))
            .collect()
    }

    #[test]
    fn the_negotiation_policys_protocols_decide() {
        let tls12 = negotiation(&["TLSv1.2"]);
        let legacy = negotiation(&["TLSv1", "TLSv1.1", "TLSv1.2"]);
        let judged = statuses(vec![
            load_balancer(
                "modern",
                vec![listener("HTTPS:443", "HTTPS:8443", &["stick", "tls12"])],
                &[
                    ("tls12", tls12.clone()),
                    (
                        "stick",
                        tomwatch_model::inventory::ClassicPolicy {
                            type_name: "LBCookieStickinessPolicyType".into(),
                            attributes: Default::default(),
                        },
                    ),
                ],
            ),
            load_balancer(
                "mixed",
                vec![
                    listener("HTTPS:443", "HTTPS:8443", &["tls12"]),
                    listener("SSL:8443", "SSL:9443", &["legacy"]),
                ],
                &[("tls12", tls12), ("legacy", legacy)],
            ),
            load_balancer("defaulted", vec![listener("HTTPS:443", "HTTP:80", &[])], &[]),
            load_balancer("plain", vec![listener("HTTP:80", "HTTP:80", &[])], &[]),
        ]);
        let only_status: Vec<Status> = judged.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            only_status,
            [Status::Pass, Status::Fail, Status::Fail, Status::NotApplicable]
        );
        assert_eq!(
            judged[1].1,
            "classic load balancer mixed SSL:8443 policy legacy still allows TLSv1, TLSv1.1"
        );
        assert!(judged[2].1.contains(DEFAULT_POLICY), "{}", judged[2].1);
    }

    #[test]
    fn an_undescribed_policy_or_an_unread_policy_list_is_unknown() {
        let mut unread = load_balancer("unread", vec![listener("HTTPS:443", "HTTPS:443", &["p"])], &[]);
        unread.policies = Err(denied("elb", "DescribeLoadBalancerPolicies", "eu-central-1"));
        let judged = statuses(vec![
            load_balancer("gone", vec![listener("HTTPS:443", "HTTPS:443", &["p"])], &[]),
            unread,
        ]);
        assert_eq!(judged[0].0, Status::Unknown);
        assert!(judged[0].1.contains("does not describe"), "{}", judged[0].1);
        assert_eq!(judged[1].0, Status::Unknown);
        assert!(judged[1].1.contains("DescribeLoadBalancerPolicies"), "{}", judged[1].1);
    }

    #[test]
    fn a_failing_listener_outweighs_an_undecidable_one() {
        let legacy = negotiation(&["TLSv1", "TLSv1.2"]);
        let judged = statuses(vec![load_balancer(
            "both",
            vec![
                listener("HTTPS:443", "HTTPS:443", &["gone"]),
                listener("SSL:8443", "SSL:8443", &["legacy"]),
            ],
            &[("legacy", legacy)],
        )]);
        assert_eq!(judged[0].0, Status::Fail);
        assert!(judged[0].1.contains("still allows TLSv1"), "{}", judged[0].1);
    }
}
