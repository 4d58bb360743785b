use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_elasticache::Client;
use futures::{stream, StreamExt};
use std::collections::BTreeMap;
use tomwatch_model::inventory::{
    CacheCluster, CacheSubnets, ElastiCacheInventory, ReplicationGroup, Tags,
};
use tomwatch_model::{Collected, CollectionError};

mod serverless;

/// Tag reads in flight at once within one region.
const TAG_CONCURRENCY: usize = 8;

impl RegionalCollection for ElastiCacheInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "elasticache", aws_sdk_elasticache);
        collect(&client, &session.caller(region, "elasticache")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> ElastiCacheInventory {
    // A cluster's subnets come from its subnet group, so the groups are read first.
    let clusters = async {
        let subnet_groups = subnet_groups(client, caller).await;
        clusters(client, caller, &subnet_groups).await
    };
    let (replication_groups, clusters, serverless_caches) = tokio::join!(
        replication_groups(client, caller),
        clusters,
        serverless::caches(client, caller)
    );
    ElastiCacheInventory {
        replication_groups,
        clusters,
        serverless_caches,
    }
}

async fn replication_groups(client: &Client, caller: &Caller) -> Collected<Vec<ReplicationGroup>> {
    const OP: &str = "DescribeReplicationGroups";
    let pages = all_pages!(caller, OP, client.describe_replication_groups()).await?;
    let listed: Vec<_> = pages.iter().flat_map(|p| p.replication_groups()).collect();
    let arns = arns_of(&listed, |g| g.arn(), caller, OP)?;
    let all_tags = tags_of(client, caller, arns.clone()).await;
    let mut groups = Vec::new();
    for ((group, arn), tags) in listed.into_iter().zip(arns).zip(all_tags) {
        let enabled = |status: Option<&str>, field: &str| -> Result<String, CollectionError> {
            status
                .map(str::to_string)
                .ok_or_else(|| caller.missing(OP, field))
        };
        groups.push(ReplicationGroup {
            arn,
            id: group
                .replication_group_id()
                .ok_or_else(|| caller.missing(OP, "ReplicationGroupId"))?
                .to_string(),
            at_rest_encryption: group
                .at_rest_encryption_enabled()
                .ok_or_else(|| caller.missing(OP, "AtRestEncryptionEnabled"))?,
            kms_key_id: group.kms_key_id().map(str::to_string),
            transit_encryption: group
                .transit_encryption_enabled()
                .ok_or_else(|| caller.missing(OP, "TransitEncryptionEnabled"))?,
            transit_encryption_mode: group
                .transit_encryption_mode()
                .map(|m| m.as_str().to_string()),
            automatic_failover: enabled(
                group.automatic_failover().map(|s| s.as_str()),
                "AutomaticFailover",
            )?,
            multi_az: enabled(group.multi_az().map(|s| s.as_str()), "MultiAZ")?,
            member_clusters: group.member_clusters().to_vec(),
            tags,
        });
    }
    Ok(groups)
}

/// Every cache cluster, with the subnets of its subnet group (unknown if the groups could not be
/// listed).
async fn clusters(
    client: &Client,
    caller: &Caller,
    subnet_groups: &Collected<BTreeMap<String, CacheSubnets>>,
) -> Collected<Vec<CacheCluster>> {
    const OP: &str = "DescribeCacheClusters";
    let pages = all_pages!(caller, OP, client.describe_cache_clusters()).await?;
    let listed: Vec<_> = pages.iter().flat_map(|p| p.cache_clusters()).collect();
    let arns = arns_of(&listed, |c| c.arn(), caller, OP)?;
    // A member's tags are its replication group's business: only standalone clusters are asked.
    let standalone: Vec<String> = listed
        .iter()
        .zip(&arns)
        .filter(|(c, _)| c.replication_group_id().is_none())
        .map(|(_, arn)| arn.clone())
        .collect();
    let mut standalone_tags = tags_of(client, caller, standalone).await.into_iter();
    let mut clusters = Vec::new();
    for (cluster, arn) in listed.into_iter().zip(arns) {
        let own_tags = match cluster.replication_group_id() {
            Some(_) => None,
            None => standalone_tags.next(),
        };
        let subnets = match (subnet_groups, cluster.cache_subnet_group_name()) {
            (Err(error), _) => Err(error.clone()),
            (Ok(_), None) => Err(caller.missing(OP, "CacheSubnetGroupName")),
            (Ok(groups), Some(name)) => groups.get(name).cloned().ok_or_else(|| {
                caller.missing(
                    "DescribeCacheSubnetGroups",
                    &format!("the cache subnet group {name}"),
                )
            }),
        };
        clusters.push(CacheCluster {
            arn,
            id: cluster
                .cache_cluster_id()
                .ok_or_else(|| caller.missing(OP, "CacheClusterId"))?
                .to_string(),
            engine: cluster
                .engine()
                .ok_or_else(|| caller.missing(OP, "Engine"))?
                .to_string(),
            replication_group_id: cluster.replication_group_id().map(str::to_string),
            at_rest_encryption: cluster
                .at_rest_encryption_enabled()
                .ok_or_else(|| caller.missing(OP, "AtRestEncryptionEnabled")),
            transit_encryption: cluster
                .transit_encryption_enabled()
                .ok_or_else(|| caller.missing(OP, "TransitEncryptionEnabled")),
            transit_encryption_mode: cluster
                .transit_encryption_mode()
                .map(|m| m.as_str().to_string()),
            subnets,
            tags: own_tags,
        });
    }
    Ok(clusters)
}

/// The ARN of every listed item, in order; an item without one makes the listing an error,
/// since its tags (and so its place among the workloads) could not be asked for.
pub(super) fn arns_of<T>(
    listed: &[&T],
    arn: impl Fn(&T) -> Option<&str>,
    caller: &Caller,
    operation: &'static str,
) -> Collected<Vec<String>> {
    listed
        .iter()
        .map(|item| {
            arn(item)
                .map(str::to_string)
                .ok_or_else(|| caller.missing(operation, "ARN"))
        })
        .collect()
}

/// The tags of each ARN, in order, `TAG_CONCURRENCY` calls at a time.
pub(super) async fn tags_of(
    client: &Client,
    caller: &Caller,
    arns: Vec<String>,
) -> Vec<Collected<Tags>> {
    stream::iter(arns)
        .map(|arn| async move { tags(client, caller, &arn).await })
        .buffered(TAG_CONCURRENCY)
        .collect()
        .await
}

async fn tags(client: &Client, caller: &Caller, arn: &str) -> Collected<Tags> {
    let output = caller
        .call(
            "ListTagsForResource",
            client.list_tags_for_resource().resource_name(arn).send(),
        )
        .await?;
    Ok(crate::tags::tag_map(
        output.tag_list().iter().map(|t| (t.key(), t.value())),
    ))
}

async fn subnet_groups(
    client: &Client,
    caller: &Caller,
) -> Collected<BTreeMap<String, CacheSubnets>> {
    const OP: &str = "DescribeCacheSubnetGroups";
    let pages = all_pages!(caller, OP, client.describe_cache_subnet_groups()).await?;
    let mut groups = BTreeMap::new();
    for group in pages.iter().flat_map(|p| p.cache_subnet_groups()) {
        let name = group
            .cache_subnet_group_name()
            .ok_or_else(|| caller.missing(OP, "CacheSubnetGroupName"))?;
        groups.insert(
            name.to_string(),
            CacheSubnets {
                group_name: name.to_string(),
                vpc_id: group
                    .vpc_id()
                    .ok_or_else(|| caller.missing(OP, "VpcId"))?
                    .to_string(),
                subnet_ids: group
                    .subnets()
                    .iter()
                    .filter_map(|s| s.subnet_identifier().map(str::to_string))
                    .collect(),
            },
        );
    }
    Ok(groups)
}

#[cfg(test)]
mod tests;
