pub mod elbv2_listener_http_redirects_https;
pub mod elbv2_listener_tls12_policy;
pub mod elbv2_load_balancer_allowed_region;
pub mod elbv2_load_balancer_multi_az;
pub mod elbv2_load_balancer_waf_attached;

use crate::check::{CheckMeta, EvalContext};
use crate::verdict::Verdict;
use tomwatch_model::inventory::{Listener, LoadBalancer};
use tomwatch_model::{Finding, RegionInventory, GLOBAL_REGION};

const LB_WILDCARD: &str = "arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/*";

/// Evaluates `judge` on every load balancer of the account.
fn per_load_balancer(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &LoadBalancer) -> Verdict,
) -> Vec<Finding> {
    meta.per_region_item(
        ctx,
        |r| &r.elbv2.load_balancers,
        LB_WILDCARD,
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
) -> Vec<Finding> {
    let wildcard = |region: &str| {
        LB_WILDCARD
            .replace("{region}", region)
            .replace("{account}", &ctx.account.account_id)
    };
    let regions = match &ctx.account.regions {
        Ok(regions) => regions,
        Err(error) => {
            let id = wildcard("*");
            return vec![meta.finding(ctx, GLOBAL_REGION, id, Verdict::unknown(error))];
        }
    };
    let mut findings = Vec::new();
    for (name, region) in regions {
        let lbs = match &region.elbv2.load_balancers {
            Ok(lbs) => lbs,
            Err(error) => {
                findings.push(meta.finding(ctx, name, wildcard(name), Verdict::unknown(error)));
                continue;
            }
        };
        for lb in lbs {
            match &lb.listeners {
                Err(error) => {
                    findings.push(meta.finding(ctx, name, lb.arn.clone(), Verdict::unknown(error)))
                }
                Ok(listeners) => {
                    findings.extend(listeners.iter().filter(|l| applies(l)).map(|listener| {
                        let verdict = judge(region, lb, listener);
                        meta.finding(ctx, name, listener.arn.clone(), verdict)
                    }))
                }
            }
        }
    }
    findings
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{Listener, LoadBalancer};

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
            redirects_to_https: redirect,
        }
    }
}
