use super::*;
use crate::testing::{aws_error, caller, mocked_client};
use aws_sdk_elasticache::operation::describe_cache_clusters::DescribeCacheClustersOutput;
use aws_sdk_elasticache::operation::describe_cache_subnet_groups::{
    DescribeCacheSubnetGroupsError, DescribeCacheSubnetGroupsOutput,
};
use aws_sdk_elasticache::operation::describe_replication_groups::DescribeReplicationGroupsOutput;
use aws_sdk_elasticache::operation::describe_serverless_caches::DescribeServerlessCachesOutput;
use aws_sdk_elasticache::types::{
    AutomaticFailoverStatus, CacheSubnetGroup, MultiAzStatus, ServerlessCache,
    StorageEncryptionType, Subnet, TransitEncryptionMode,
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
        .at_rest_encryption_enabled(true)
        .transit_encryption_enabled(true)
        .build()
}

fn listing() -> [aws_smithy_mocks::Rule; 4] {
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
                        .kms_key_id("arn:aws:kms:eu-central-1:111111111111:key/cache")
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
                        // AWS reports both flags for every cluster; this one leaves one out.
                        .transit_encryption_enabled(false)
                        .build(),
                )
                .build()
        }),
        mock!(Client::describe_serverless_caches).then_output(|| {
            DescribeServerlessCachesOutput::builder()
                .serverless_caches(
                    ServerlessCache::builder()
                        .serverless_cache_name("carts")
                        .arn("arn:aws:elasticache:eu-central-1:111111111111:serverlesscache:carts")
                        .engine("valkey")
                        .storage_encryption_type(StorageEncryptionType::SseElasticache)
                        .subnet_ids("subnet-a")
                        .subnet_ids("subnet-b")
                        .build(),
                )
                .build()
        }),
    ]
}

#[tokio::test]
async fn clusters_get_their_subnet_groups_and_a_vanished_group_is_not_guessed() {
    let [tags, groups, clusters, serverless] = listing();
    let client = mocked_client!(
        aws_sdk_elasticache,
        tags,
        groups,
        clusters,
        serverless,
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
    assert_eq!(
        group.kms_key_id.as_deref(),
        Some("arn:aws:kms:eu-central-1:111111111111:key/cache")
    );
    assert_eq!(
        (
            clusters[0].at_rest_encryption.clone(),
            clusters[0].transit_encryption.clone()
        ),
        (Ok(true), Ok(true))
    );
    assert_eq!(clusters[2].transit_encryption, Ok(false));
    assert!(
        clusters[2]
            .at_rest_encryption
            .as_ref()
            .is_err_and(|e| e.message.contains("AtRestEncryptionEnabled")),
        "an unreported flag is unknown, not false"
    );
    let caches = inventory.serverless_caches.expect("listed");
    assert_eq!(caches.len(), 1);
    assert_eq!(
        (caches[0].name.as_str(), caches[0].kms_key_id.as_deref()),
        ("carts", None)
    );
    assert_eq!(
        caches[0].subnet_ids,
        vec!["subnet-a".to_string(), "subnet-b".to_string()]
    );
    assert_eq!(caches[0].tags.as_ref().map(|t| t.len()), Ok(1));
}

#[tokio::test]
async fn denied_subnet_groups_make_only_the_subnets_unknown() {
    let [tags, groups, clusters, serverless] = listing();
    let client = mocked_client!(
        aws_sdk_elasticache,
        tags,
        groups,
        clusters,
        serverless,
        mock!(Client::describe_cache_subnet_groups)
            .then_error(|| { DescribeCacheSubnetGroupsError::generic(aws_error("AccessDenied")) }),
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
