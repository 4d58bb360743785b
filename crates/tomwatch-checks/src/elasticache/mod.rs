checks! {
    elasticache_cluster_private_subnets,
    elasticache_replication_group_encrypted_at_rest,
    elasticache_replication_group_multi_az,
    elasticache_replication_group_transit_encryption,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use tomwatch_model::inventory::{CacheCluster, ReplicationGroup};

fn per_replication_group(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&ReplicationGroup) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::ELASTICACHE_REPLICATION_GROUP.select,
        kinds::ELASTICACHE_REPLICATION_GROUP.wildcard,
        |_, group| (group.arn.clone(), judge(group)),
    )
}

fn per_cluster(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &CacheCluster) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::ELASTICACHE_CLUSTER.select,
        kinds::ELASTICACHE_CLUSTER.wildcard,
        |region, cluster| (cluster.arn.clone(), judge(region, cluster)),
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{CacheCluster, CacheSubnets, ReplicationGroup};

    /// A replication group that meets every promise.
    pub fn group(id: &str) -> ReplicationGroup {
        ReplicationGroup {
            arn: format!("arn:aws:elasticache:eu-central-1:{ACCOUNT}:replicationgroup:{id}"),
            id: id.into(),
            at_rest_encryption: true,
            transit_encryption: true,
            transit_encryption_mode: Some("required".into()),
            automatic_failover: "enabled".into(),
            multi_az: "enabled".into(),
            member_clusters: vec![format!("{id}-001"), format!("{id}-002")],
            tags: Ok(Default::default()),
        }
    }

    pub fn cluster(id: &str, subnets: &[&str]) -> CacheCluster {
        CacheCluster {
            arn: format!("arn:aws:elasticache:eu-central-1:{ACCOUNT}:cluster:{id}"),
            id: id.into(),
            engine: "redis".into(),
            replication_group_id: None,
            subnets: Ok(CacheSubnets {
                group_name: "cache".into(),
                vpc_id: "vpc-1".into(),
                subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            }),
            tags: Some(Ok(Default::default())),
        }
    }
}
