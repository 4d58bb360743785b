checks! {
    elbv2_listener_http_redirects_https,
    elbv2_listener_tls12_policy,
    elbv2_load_balancer_https_to_targets,
    elbv2_load_balancer_multi_az,
    elbv2_load_balancer_waf_attached,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use tomwatch_model::inventory::{Listener, LoadBalancer};
use tomwatch_model::RegionInventory;

/// Evaluates `judge` on every load balancer of the account.
fn per_load_balancer(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &LoadBalancer) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::ELBV2_LOAD_BALANCER.select,
        kinds::ELBV2_LOAD_BALANCER.wildcard,
        |region, lb| (lb.arn.clone(), judge(region, lb)),
    )
}

/// Evaluates `judge` on the listeners `applies` selects; a load balancer whose listeners could
/// not be listed is one UNKNOWN.
fn per_listener(
    meta: &CheckMeta,
    ctx: &EvalContext,
    applies: impl Fn(&Listener) -> bool,
    judge: impl Fn(&RegionInventory, &LoadBalancer, &Listener) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region(
        ctx,
        kinds::ELBV2_LOAD_BALANCER.select,
        kinds::ELBV2_LOAD_BALANCER.wildcard,
        |_, region, lbs| {
            lbs.iter()
                .flat_map(|lb| match &lb.listeners {
                    Err(error) => vec![(lb.arn.clone(), Verdict::not_collected(error))],
                    Ok(listeners) => listeners
                        .iter()
                        .filter(|l| applies(l))
                        .map(|l| (l.arn.clone(), judge(region, lb, l)))
                        .collect(),
                })
                .collect()
        },
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{Listener, ListenerRule, LoadBalancer, RuleAction};

    pub fn alb(name: &str, listeners: Vec<Listener>) -> LoadBalancer {
        LoadBalancer {
            arn: format!(
                "arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:loadbalancer/app/{name}/1"
            ),
            name: name.into(),
            kind: "application".into(),
            internet_facing: true,
            availability_zones: vec!["eu-central-1a".into(), "eu-central-1b".into()],
            listeners: Ok(listeners),
            web_acl: Some(Ok(None)),
            tags: Ok(Default::default()),
        }
    }

    pub fn listener(port: i32, protocol: &str, policy: Option<&str>, redirect: bool) -> Listener {
        Listener {
            arn: format!(
                "arn:aws:elasticloadbalancing:eu-central-1:{ACCOUNT}:listener/app/x/1/{port}"
            ),
            port,
            protocol: protocol.into(),
            ssl_policy: policy.map(str::to_string),
            http_rules: (protocol == "HTTP").then(|| Ok(vec![default_rule(redirect)])),
        }
    }

    /// The default rule of a listener: redirect to HTTPS, or forward to a target group.
    pub fn default_rule(redirect: bool) -> ListenerRule {
        ListenerRule {
            priority: "default".into(),
            conditions: vec![],
            action: if redirect {
                RuleAction::RedirectToHttps
            } else {
                RuleAction::Forward
            },
        }
    }
}
