//! Load balancers, their listeners and tags, the SSL policies the listeners use, the region's
//! target groups, and the WAFv2 web ACL of each application load balancer.

use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_elasticloadbalancingv2::types::{
    ActionTypeEnum, Listener as SdkListener, Rule as SdkRule, TargetGroup as SdkTargetGroup,
};
use aws_sdk_elasticloadbalancingv2::Client;
use futures::{stream, StreamExt};
use std::collections::{BTreeMap, BTreeSet};
use tomwatch_model::inventory::{
    Elbv2Inventory, Listener, ListenerRule, LoadBalancer, RuleAction, Tags, TargetGroup,
};
use tomwatch_model::Collected;

mod waf;

const LOAD_BALANCER_CONCURRENCY: usize = 4;

impl RegionalCollection for Elbv2Inventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let elbv2 = sdk_client!(
            session,
            region,
            "elasticloadbalancing",
            aws_sdk_elasticloadbalancingv2
        );
        let wafv2 = sdk_client!(session, region, "wafv2", aws_sdk_wafv2);
        collect(
            &elbv2,
            &wafv2,
            &session.caller(region, "elasticloadbalancing"),
            &session.caller(region, "wafv2"),
        )
        .await
    }
}

pub(crate) async fn collect(
    client: &Client,
    wafv2: &aws_sdk_wafv2::Client,
    caller: &Caller,
    waf_caller: &Caller,
) -> Elbv2Inventory {
    let pages = all_pages!(
        caller,
        "DescribeLoadBalancers",
        client.describe_load_balancers()
    )
    .await;
    let load_balancers: Collected<Vec<LoadBalancer>> = match pages {
        Err(error) => Err(error),
        Ok(pages) => {
            let mut listed = Vec::new();
            for lb in pages.iter().flat_map(|p| p.load_balancers()) {
                // Without its type or scheme, an ALB would skip the WAF lookup or look internal,
                // and so exempt: both are required like the ARN.
                const OP: &str = "DescribeLoadBalancers";
                let identity = lb
                    .load_balancer_arn()
                    .ok_or_else(|| caller.missing(OP, "LoadBalancerArn"))
                    .and_then(|arn| {
                        let kind = lb.r#type().ok_or_else(|| caller.missing(OP, "Type"))?;
                        let scheme = lb.scheme().ok_or_else(|| caller.missing(OP, "Scheme"))?;
                        Ok((
                            arn.to_string(),
                            kind.as_str().to_string(),
                            scheme.as_str() == "internet-facing",
                        ))
                    });
                match identity {
                    Ok((arn, kind, internet_facing)) => {
                        listed.push((arn, kind, internet_facing, lb.clone()))
                    }
                    Err(error) => return Elbv2Inventory::failed(error),
                }
            }
            let arns: Vec<String> = listed.iter().map(|(arn, ..)| arn.clone()).collect();
            let albs: Vec<String> = listed
                .iter()
                .filter(|(_, kind, ..)| kind == "application")
                .map(|(arn, ..)| arn.clone())
                .collect();
            let described = stream::iter(listed)
                .map(|(arn, kind, internet_facing, lb)| async move {
                    let listeners = listeners(client, caller, &arn).await;
                    // Completed below with its tags, from the batched DescribeTags, and, if it
                    // is an application load balancer, its web ACL.
                    move |tags| LoadBalancer {
                        name: lb.load_balancer_name().unwrap_or_default().to_string(), // default: display name
                        internet_facing,
                        availability_zones: lb
                            .availability_zones()
                            .iter()
                            .filter_map(|az| az.zone_name().map(str::to_string))
                            .collect(),
                        listeners,
                        web_acl: None,
                        tags,
                        kind,
                        arn,
                    }
                })
                .buffered(LOAD_BALANCER_CONCURRENCY)
                .collect::<Vec<_>>();
            // The load balancers' listeners, their tags and the web ACLs are independent reads.
            let (described, tags, web_acls) = tokio::join!(
                described,
                tags_of(client, caller, &arns),
                waf::web_acls_of(wafv2, waf_caller, &albs)
            );
            let mut web_acls = web_acls.into_iter();
            Ok(described
                .into_iter()
                .zip(tags)
                .map(|(complete, tags)| {
                    let mut lb = complete(tags);
                    if lb.is_application() {
                        lb.web_acl = web_acls.next();
                    }
                    lb
                })
                .collect())
        }
    };
    let ssl_policies = match &load_balancers {
        Err(error) => Err(error.clone()),
        Ok(lbs) => ssl_policies(client, caller, lbs).await,
    };
    Elbv2Inventory {
        load_balancers,
        ssl_policies,
        target_groups: target_groups(client, caller).await,
    }
}

/// One listing for the region rather than one per load balancer: each group names the load
/// balancers that route to it.
async fn target_groups(client: &Client, caller: &Caller) -> Collected<Vec<TargetGroup>> {
    const OP: &str = "DescribeTargetGroups";
    let pages = all_pages!(caller, OP, client.describe_target_groups()).await?;
    pages
        .iter()
        .flat_map(|p| p.target_groups())
        .map(|group| target_group(group).map_err(|what| caller.missing(OP, what)))
        .collect()
}

fn target_group(group: &SdkTargetGroup) -> Result<TargetGroup, &'static str> {
    let target_type = group
        .target_type()
        .ok_or("TargetType")?
        .as_str()
        .to_string();
    let protocol = group.protocol().map(|p| p.as_str().to_string());
    // Only Lambda targets go without a protocol; any other group without one would be a group
    // whose transport is unseen, not one that is fine.
    if protocol.is_none() && target_type != "lambda" {
        return Err("Protocol");
    }
    Ok(TargetGroup {
        arn: group
            .target_group_arn()
            .ok_or("TargetGroupArn")?
            .to_string(),
        name: group.target_group_name().unwrap_or_default().to_string(), // default: display name
        protocol,
        target_type,
        load_balancer_arns: group.load_balancer_arns().to_vec(),
    })
}

async fn listeners(client: &Client, caller: &Caller, arn: &str) -> Collected<Vec<Listener>> {
    let pages = all_pages!(
        caller,
        "DescribeListeners",
        client.describe_listeners().load_balancer_arn(arn)
    )
    .await?;
    let listed = pages
        .iter()
        .flat_map(|p| p.listeners())
        .map(|l| listener(caller, l))
        .collect::<Collected<Vec<_>>>()?;
    Ok(stream::iter(listed)
        .map(|mut listener| async move {
            if listener.protocol == "HTTP" {
                listener.http_rules = Some(rules(client, caller, &listener.arn).await);
            }
            listener
        })
        .buffered(LOAD_BALANCER_CONCURRENCY)
        .collect()
        .await)
}

fn listener(caller: &Caller, l: &SdkListener) -> Collected<Listener> {
    Ok(Listener {
        arn: l
            .listener_arn()
            .ok_or_else(|| caller.missing("DescribeListeners", "ListenerArn"))?
            .to_string(),
        port: l
            .port()
            .ok_or_else(|| caller.missing("DescribeListeners", "Port"))?,
        protocol: l
            .protocol()
            .ok_or_else(|| caller.missing("DescribeListeners", "Protocol"))?
            .as_str()
            .to_string(),
        ssl_policy: l.ssl_policy().map(str::to_string),
        http_rules: None,
    })
}

async fn rules(client: &Client, caller: &Caller, listener: &str) -> Collected<Vec<ListenerRule>> {
    const OP: &str = "DescribeRules";
    let pages = all_pages!(caller, OP, client.describe_rules().listener_arn(listener)).await?;
    pages
        .iter()
        .flat_map(|p| p.rules())
        .map(|rule| listener_rule(rule).map_err(|what| caller.missing(OP, what)))
        .collect()
}

/// A rule as the plain-HTTP check needs it: what it matches and where its traffic ends up.
fn listener_rule(rule: &SdkRule) -> Result<ListenerRule, &'static str> {
    let priority = rule.priority().ok_or("Priority")?;
    let conditions = rule
        .conditions()
        .iter()
        .map(|c| {
            let field = c.field().unwrap_or("condition"); // default: a label for display only
            let values = match (c.path_pattern_config(), c.host_header_config()) {
                (Some(path), _) => path.values().join(","),
                (_, Some(host)) => host.values().join(","),
                _ => c.values().join(","),
            };
            format!("{field} {values}").trim_end().to_string()
        })
        .collect();
    let terminal = rule
        .actions()
        .iter()
        .max_by_key(|a| a.order().unwrap_or(i32::MAX)) // default: an action without an order is the last one, as ELB runs it
        .ok_or("Actions")?;
    let action = match terminal.r#type().ok_or("Actions[].Type")? {
        ActionTypeEnum::Redirect => {
            let protocol = terminal.redirect_config().and_then(|r| r.protocol());
            if protocol.is_some_and(|p| p.eq_ignore_ascii_case("HTTPS")) {
                RuleAction::RedirectToHttps
            } else {
                RuleAction::RedirectKeepingHttp
            }
        }
        ActionTypeEnum::FixedResponse => RuleAction::FixedResponse,
        ActionTypeEnum::Forward => RuleAction::Forward,
        other => RuleAction::Other(other.as_str().to_string()),
    };
    Ok(ListenerRule {
        priority: priority.to_string(),
        conditions,
        action,
    })
}

/// The tags of every load balancer, in the order of `arns`, twenty to a DescribeTags call (its
/// limit) instead of one call each. A load balancer the answer does not describe gets an error,
/// never empty tags.
async fn tags_of(client: &Client, caller: &Caller, arns: &[String]) -> Vec<Collected<Tags>> {
    const TAGS_PER_CALL: usize = 20;
    // Owned batches: a future borrowing the slice would not be Send for every lifetime.
    let batches: Vec<Vec<String>> = arns.chunks(TAGS_PER_CALL).map(<[String]>::to_vec).collect();
    // `buffered` keeps the batches in order, and each batch answers its ARNs in order.
    let batches: Vec<Vec<Collected<Tags>>> = stream::iter(batches)
        .map(|batch| async move {
            let answer = caller
                .call(
                    "DescribeTags",
                    client
                        .describe_tags()
                        .set_resource_arns(Some(batch.clone()))
                        .send(),
                )
                .await;
            batch
                .iter()
                .map(|arn| {
                    answer.as_ref().map_err(Clone::clone).and_then(|output| {
                        output
                            .tag_descriptions()
                            .iter()
                            .find(|d| d.resource_arn() == Some(arn.as_str()))
                            .map(|d| {
                                crate::tags::tag_map(d.tags().iter().map(|t| (t.key(), t.value())))
                            })
                            .ok_or_else(|| {
                                caller.missing(
                                    "DescribeTags",
                                    "the tags of a load balancer it was asked for",
                                )
                            })
                    })
                })
                .collect()
        })
        .buffered(LOAD_BALANCER_CONCURRENCY)
        .collect()
        .await;
    batches.into_iter().flatten().collect()
}

/// The protocols of every policy the listeners name. A policy AWS does not describe is an
/// error: its TLS versions are unknown, not "fine".
async fn ssl_policies(
    client: &Client,
    caller: &Caller,
    lbs: &[LoadBalancer],
) -> Collected<BTreeMap<String, Vec<String>>> {
    let used: BTreeSet<String> = lbs
        .iter()
        .filter_map(|lb| lb.listeners.as_ref().ok())
        .flatten()
        .filter_map(|l| l.ssl_policy.clone())
        .collect();
    if used.is_empty() {
        return Ok(BTreeMap::new());
    }
    let output = caller
        .call(
            "DescribeSSLPolicies",
            client
                .describe_ssl_policies()
                .set_names(Some(used.iter().cloned().collect()))
                .send(),
        )
        .await?;
    let described: BTreeMap<String, Vec<String>> = output
        .ssl_policies()
        .iter()
        .filter_map(|p| Some((p.name()?.to_string(), p.ssl_protocols().to_vec())))
        .collect();
    match used.iter().find(|name| !described.contains_key(*name)) {
        Some(missing) => Err(caller.missing("DescribeSSLPolicies", missing)),
        None => Ok(described),
    }
}

#[cfg(test)]
mod tests;
