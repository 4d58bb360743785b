use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_elasticache::Client;
use futures::{stream, StreamExt};
use std::collections::BTreeMap;
use tomwatch_model::inventory::{
    CacheCluster, CacheSubnets, ElastiCacheInventory, ReplicationGroup, Tags,
};
use tomwatch_model::{Collected, CollectionError};

/// Tag reads in flight at once within one region.
const TAG_CONCURRENCY: usize = 8;

impl RegionalCollection for ElastiCacheInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = session.client(region, |config| Client::new(&config));
        collect(&client, &session.caller(region, "elasticache")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> ElastiCacheInventory {
    // A cluster's subnets come from its subnet group, so the groups are read first.
    let clusters = async {
        let subnet_groups = subnet_groups(client, caller).await;
        clusters(client, caller, &subnet_groups).await
    };
    let (replication_groups, clusters) = tokio::join!(replication_groups(client, caller), clusters);
    ElastiCacheInventory {
        replication_groups,
        clusters,
    }
}

async fn replication_groups(client: &Client, caller: &Caller) -> Collected<Vec<ReplicationGroup>> {
    const OP: &str = "DescribeReplicationGroups";
    let pages = all_pages!(caller, OP, client.describe_replication_groups()).await?;
    let listed: Vec<_> = pages.iter().flat_map(|p| p.replication_groups()).collect();
    let arns = listed
        .iter()
        .map(|g| {
            g.arn()
                .map(str::to_string)
                .ok_or_else(|| caller.missing(OP, "ARN"))
        })
        .collect::<Result<Vec<_>, _>>()?;
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
    let arns = listed
        .iter()
        .map(|c| {
            c.arn()
                .map(str::to_string)
                .ok_or_else(|| caller.missing(OP, "ARN"))
        })
        .collect::<Result<Vec<_>, _>>()?;
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
            subnets,
            tags: own_tags,
        });
    }
    Ok(clusters)
}

/// The tags of each ARN, in order, `TAG_CONCURRENCY` calls at a time.
async fn tags_of(client: &Client, caller: &Caller, arns: Vec<String>) -> Vec<Collected<Tags>> {
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
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_elasticache::operation::describe_cache_clusters::DescribeCacheClustersOutput;
    use aws_sdk_elasticache::operation::describe_cache_subnet_groups::{
        DescribeCacheSubnetGroupsError, DescribeCacheSubnetGroupsOutput,
    };
    use aws_sdk_elasticache::operation::describe_replication_groups::DescribeReplicationGroupsOutput;
    use aws_sdk_elasticache::types::{
        AutomaticFailoverStatus, CacheSubnetGroup, MultiAzStatus, Subnet, TransitEncryptionMode,
    };
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn cluster(id: &str, group: &str) -> aws_sdk_elasticache::types::CacheCluster {
        aws_sdk_elasticache::types::CacheCluster::builder()
            .cache_cluster_id(id)
            .arn(format!(
                "arn:aws:elasticache:eu-central-1:111111111111:cluster:{id}"
            ))
            .engine("redis")
            .replication_group_id("sessions")
            .cache_subnet_group_name(group)
            .build()
    }

    fn listing() -> [aws_smithy_mocks::Rule; 3] {
        [
            mock!(Client::list_tags_for_resource).then_output(|| {
                aws_sdk_elasticache::operation::list_tags_for_resource::ListTagsForResourceOutput::builder()
                    .tag_list(
                        aws_sdk_elasticache::types::Tag::builder()
                            .key("managed-by")
                            .value("terraform")
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::describe_replication_groups).then_output(|| {
                DescribeReplicationGroupsOutput::builder()
                    .replication_groups(
                        aws_sdk_elasticache::types::ReplicationGroup::builder()
                            .replication_group_id("sessions")
                            .arn("arn:aws:elasticache:eu-central-1:111111111111:replicationgroup:sessions")
                            .at_rest_encryption_enabled(true)
                            .transit_encryption_enabled(true)
                            .transit_encryption_mode(TransitEncryptionMode::Preferred)
                            .automatic_failover(AutomaticFailoverStatus::Enabled)
                            .multi_az(MultiAzStatus::Disabled)
                            .member_clusters("sessions-001")
                            .member_clusters("sessions-002")
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::describe_cache_clusters).then_output(|| {
                DescribeCacheClustersOutput::builder()
                    .cache_clusters(cluster("sessions-001", "private"))
                    .cache_clusters(cluster("sessions-002", "gone"))
                    .cache_clusters(
                        aws_sdk_elasticache::types::CacheCluster::builder()
                            .cache_cluster_id("memcached")
                            .arn("arn:aws:elasticache:eu-central-1:111111111111:cluster:memcached")
                            .engine("memcached")
                            .cache_subnet_group_name("private")
                            .build(),
                    )
                    .build()
            }),
        ]
    }

    #[tokio::test]
    async fn clusters_get_their_subnet_groups_and_a_vanished_group_is_not_guessed() {
        let [tags, groups, clusters] = listing();
        let client = mocked_client!(
            aws_sdk_elasticache,
            tags,
            groups,
            clusters,
            mock!(Client::describe_cache_subnet_groups).then_output(|| {
                DescribeCacheSubnetGroupsOutput::builder()
                    .cache_subnet_groups(
                        CacheSubnetGroup::builder()
                            .cache_subnet_group_name("private")
                            .vpc_id("vpc-1")
                            .subnets(Subnet::builder().subnet_identifier("subnet-a").build())
                            .build(),
                    )
                    .build()
            }),
        );
        let inventory = collect(&client, &caller("eu-central-1", "elasticache")).await;
        let group = &inventory.replication_groups.expect("listed")[0];
        assert_eq!(group.transit_encryption_mode.as_deref(), Some("preferred"));
        assert_eq!(
            (group.automatic_failover.as_str(), group.multi_az.as_str()),
            ("enabled", "disabled")
        );
        let clusters = inventory.clusters.expect("listed");
        assert_eq!(
            clusters[0].subnets.as_ref().map(|s| s.subnet_ids.clone()),
            Ok(vec!["subnet-a".to_string()])
        );
        assert_eq!(
            clusters[1].subnets.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::Other)
        );
        assert_eq!(
            group.tags.as_ref().map(|t| t.len()),
            Ok(1),
            "a replication group carries its tags"
        );
        assert!(
            clusters[0].tags.is_none(),
            "a member's tags are its group's"
        );
        assert!(
            clusters[2].tags.as_ref().is_some_and(|t| t.is_ok()),
            "a cluster outside any group carries its own tags"
        );
    }

    #[tokio::test]
    async fn denied_subnet_groups_make_only_the_subnets_unknown() {
        let [tags, groups, clusters] = listing();
        let client = mocked_client!(
            aws_sdk_elasticache,
            tags,
            groups,
            clusters,
            mock!(Client::describe_cache_subnet_groups).then_error(|| {
                DescribeCacheSubnetGroupsError::generic(aws_error("AccessDenied"))
            }),
        );
        let inventory = collect(&client, &caller("eu-central-1", "elasticache")).await;
        assert!(inventory.replication_groups.is_ok());
        for cluster in inventory.clusters.expect("listed") {
            assert_eq!(
                cluster.subnets.map_err(|e| e.kind),
                Err(ErrorKind::AccessDenied)
            );
        }
    }
}
