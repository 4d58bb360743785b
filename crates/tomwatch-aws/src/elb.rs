//! Classic Load Balancers: the 2012 Elastic Load Balancing API, still running in old estates.

use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use crate::tags::tag_map;
use aws_sdk_elasticloadbalancing::types::{LoadBalancerDescription, PolicyDescription};
use aws_sdk_elasticloadbalancing::Client;
use futures::{stream, StreamExt};
use std::collections::BTreeMap;
use tomwatch_model::inventory::{
    ClassicListener, ClassicLoadBalancer, ClassicPolicy, ElbInventory, Tags,
};
use tomwatch_model::Collected;

const DESCRIBE: &str = "DescribeLoadBalancers";
const POLICIES: &str = "DescribeLoadBalancerPolicies";
const TAGS: &str = "DescribeTags";
/// DescribeTags takes at most 20 load balancer names.
const TAG_BATCH: usize = 20;
/// DescribeLoadBalancerPolicies calls in flight at once within one region.
const POLICY_CONCURRENCY: usize = 8;

impl RegionalCollection for ElbInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "elb", aws_sdk_elasticloadbalancing);
        collect(&client, &session.caller(region, "elb")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> ElbInventory {
    let load_balancers = async {
        let pages = all_pages!(caller, DESCRIBE, client.describe_load_balancers()).await?;
        let described: Vec<(String, String, Vec<ClassicListener>)> = pages
            .iter()
            .flat_map(|page| page.load_balancer_descriptions())
            .map(|lb| described(caller, lb))
            .collect::<Collected<_>>()?;
        let names: Vec<&str> = described.iter().map(|(name, ..)| name.as_str()).collect();
        let tags = tags(client, caller, &names).await;
        let policies: Vec<Collected<BTreeMap<String, ClassicPolicy>>> =
            // Owned items: a stream of borrows trips the compiler's Send inference here.
            stream::iter(described.iter().map(|(name, _, l)| (name.clone(), l.clone())).collect::<Vec<_>>())
                .map(|(name, listeners)| async move {
                    policies(client, caller, &name, &listeners).await
                })
                .buffered(POLICY_CONCURRENCY)
                .collect()
                .await;
        Ok(described
            .into_iter()
            .zip(policies)
            .map(
                |((name, scheme, listeners), policies)| ClassicLoadBalancer {
                    arn: caller.arn("elasticloadbalancing", &format!("loadbalancer/{name}")),
                    // DescribeTags answers every name it is asked, an untagged one with no tags.
                    tags: tags.as_ref().map_err(Clone::clone).and_then(|by_name| {
                        by_name
                            .get(&name)
                            .cloned()
                            .ok_or_else(|| caller.missing(TAGS, &format!("the tags of {name}")))
                    }),
                    name,
                    scheme,
                    listeners,
                    policies,
                },
            )
            .collect())
    };
    ElbInventory {
        load_balancers: load_balancers.await,
    }
}

/// A description's name, scheme and listeners (pure).
fn described(
    caller: &Caller,
    lb: &LoadBalancerDescription,
) -> Collected<(String, String, Vec<ClassicListener>)> {
    let name = lb
        .load_balancer_name()
        .ok_or_else(|| caller.missing(DESCRIBE, "LoadBalancerName"))?;
    let scheme = lb
        .scheme()
        .ok_or_else(|| caller.missing(DESCRIBE, "Scheme"))?;
    let listeners = lb
        .listener_descriptions()
        .iter()
        .map(|description| {
            let listener = description
                .listener()
                .ok_or_else(|| caller.missing(DESCRIBE, "ListenerDescriptions.Listener"))?;
            let protocol = listener.protocol().to_ascii_uppercase();
            Ok(ClassicListener {
                port: listener.load_balancer_port(),
                // AWS documents InstanceProtocol as defaulting to the listener's own family
                // (HTTP behind HTTP/HTTPS, TCP behind TCP/SSL) and always returns it; its
                // absence is a malformed answer.
                instance_protocol: listener
                    .instance_protocol()
                    .ok_or_else(|| caller.missing(DESCRIBE, "Listener.InstanceProtocol"))?
                    .to_ascii_uppercase(),
                instance_port: listener.instance_port(),
                policy_names: description.policy_names().to_vec(),
                protocol,
            })
        })
        .collect::<Collected<Vec<_>>>()?;
    Ok((name.to_string(), scheme.to_string(), listeners))
}

async fn policies(
    client: &Client,
    caller: &Caller,
    name: &str,
    listeners: &[ClassicListener],
) -> Collected<BTreeMap<String, ClassicPolicy>> {
    // Only listeners that encrypt towards clients have negotiation policies to read.
    if !listeners.iter().any(ClassicListener::encrypts_to_clients) {
        return Ok(BTreeMap::new());
    }
    let request = client
        .describe_load_balancer_policies()
        .load_balancer_name(name);
    let output = caller.call(POLICIES, request.send()).await?;
    output
        .policy_descriptions()
        .iter()
        .map(|policy| classic_policy(caller, policy))
        .collect()
}

/// One policy by name with its attributes (pure).
fn classic_policy(
    caller: &Caller,
    policy: &PolicyDescription,
) -> Collected<(String, ClassicPolicy)> {
    let name = policy
        .policy_name()
        .ok_or_else(|| caller.missing(POLICIES, "PolicyName"))?;
    let type_name = policy
        .policy_type_name()
        .ok_or_else(|| caller.missing(POLICIES, "PolicyTypeName"))?;
    let attributes = policy
        .policy_attribute_descriptions()
        .iter()
        .map(|a| {
            let name = a
                .attribute_name()
                .ok_or_else(|| caller.missing(POLICIES, "AttributeName"))?;
            let value = a
                .attribute_value()
                .ok_or_else(|| caller.missing(POLICIES, "AttributeValue"))?;
            Ok((name.to_string(), value.to_string()))
        })
        .collect::<Collected<_>>()?;
    Ok((
        name.to_string(),
        ClassicPolicy {
            type_name: type_name.to_string(),
            attributes,
        },
    ))
}

/// Every load balancer's tags by name, in batches of 20 names.
async fn tags(
    client: &Client,
    caller: &Caller,
    names: &[&str],
) -> Collected<BTreeMap<String, Tags>> {
    let mut by_name = BTreeMap::new();
    for batch in names.chunks(TAG_BATCH) {
        let request = client
            .describe_tags()
            .set_load_balancer_names(Some(batch.iter().map(|n| n.to_string()).collect()));
        let output = caller.call(TAGS, request.send()).await?;
        for description in output.tag_descriptions() {
            let name = description
                .load_balancer_name()
                .ok_or_else(|| caller.missing(TAGS, "LoadBalancerName"))?;
            let tags = tag_map(
                description
                    .tags()
                    .iter()
                    .map(|t| (Some(t.key()), t.value())),
            );
            by_name.insert(name.to_string(), tags);
        }
    }
    Ok(by_name)
}

#[cfg(test)]
mod tests;
