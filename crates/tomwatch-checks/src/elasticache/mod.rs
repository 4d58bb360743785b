checks! {
    elasticache_cluster_encrypted_at_rest,
    elasticache_cluster_private_subnets,
    elasticache_cluster_transit_encryption,
    elasticache_replication_group_encrypted_at_rest,
    elasticache_replication_group_multi_az,
    elasticache_replication_group_transit_encryption,
    elasticache_serverless_cache_encrypted_kms,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use tomwatch_model::inventory::{CacheCluster, ReplicationGroup};

fn per_replication_group(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &ReplicationGroup) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::ELASTICACHE_REPLICATION_GROUP.select,
        kinds::ELASTICACHE_REPLICATION_GROUP.wildcard,
        |region, group| (group.arn.clone(), judge(region, group)),
    )
}

/// TLS only: transit encryption on, and not in mode `preferred`, which still accepts plaintext
/// (a migration step). `off` says why it is off, or how to turn it on.
fn transit_verdict(subject: &str, enabled: bool, mode: Option<&str>, off: &str) -> Verdict {
    if !enabled {
        Verdict::fail(format!("{subject} accepts unencrypted connections ({off})"))
    } else if mode == Some("preferred") {
        Verdict::fail(format!(
            "{subject} has transit encryption in mode preferred, which still accepts unencrypted connections"
        ))
    } else {
        Verdict::pass(format!("{subject} accepts TLS connections only"))
    }
}

/// Evaluates `judge` on every cache cluster outside a replication group; a member is judged with
/// its group and is not applicable here.
fn per_standalone_cluster(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&CacheCluster) -> Verdict,
) -> Vec<Evidence> {
    per_cluster(meta, ctx, |_, cluster| {
        match &cluster.replication_group_id {
            Some(group) => Verdict::not_applicable(format!(
                "cache cluster {} is a member of replication group {group}, judged there",
                cluster.id
            )),
            None => judge(cluster),
        }
    })
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
    use tomwatch_model::inventory::{
        CacheCluster, CacheSubnets, ReplicationGroup, ServerlessCache,
    };

    /// A replication group that meets every promise.
    pub fn group(id: &str) -> ReplicationGroup {
        ReplicationGroup {
            arn: format!("arn:aws:elasticache:eu-central-1:{ACCOUNT}:replicationgroup:{id}"),
            id: id.into(),
            at_rest_encryption: true,
            kms_key_id: Some(format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/cache")),
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
            at_rest_encryption: Ok(false),
            transit_encryption: Ok(true),
            transit_encryption_mode: None,
            subnets: Ok(CacheSubnets {
                group_name: "cache".into(),
                vpc_id: "vpc-1".into(),
                subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            }),
            tags: Some(Ok(Default::default())),
        }
    }

    pub fn serverless(name: &str) -> ServerlessCache {
        ServerlessCache {
            arn: format!("arn:aws:elasticache:eu-central-1:{ACCOUNT}:serverlesscache:{name}"),
            name: name.into(),
            engine: "valkey".into(),
            kms_key_id: Some(format!("arn:aws:kms:eu-central-1:{ACCOUNT}:key/{name}")),
            subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
            tags: Ok(Default::default()),
        }
    }
}
