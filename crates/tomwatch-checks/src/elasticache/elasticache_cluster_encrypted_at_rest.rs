use super::per_standalone_cluster;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache clusters outside replication groups encrypt data at rest with KMS",
    resource_type: "AWS::ElastiCache::CacheCluster",
    evaluate,
}

/// CreateCacheCluster has no at-rest option, and node-based Memcached cannot encrypt at rest at
/// all: such clusters fail, and the way out is a replication group or a serverless cache. A
/// standalone cluster that does encrypt (the primary kept when its group was deleted) does not
/// report its key, so whether KMS protects it cannot be seen.
fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_standalone_cluster(&CHECK.meta, ctx, |cluster| {
        match &cluster.at_rest_encryption {
            Err(error) => Verdict::not_collected(error),
            Ok(false) if cluster.is_memcached() => Verdict::fail(format!(
                "cache cluster {} is node-based Memcached, which cannot encrypt at rest; a serverless Memcached cache can",
                cluster.id
            )),
            Ok(false) => Verdict::fail(format!(
                "cache cluster {} stores its data unencrypted (a cluster made with CreateCacheCluster cannot encrypt at rest: recreate it as a replication group)",
                cluster.id
            )),
            Ok(true) => Verdict::undecidable(format!(
                "cache cluster {} encrypts at rest, but DescribeCacheClusters does not say with which key, so whether it is a KMS key is unseen",
                cluster.id
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elasticache::fixtures::cluster;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn standalone_clusters_fail_unencrypted_members_are_judged_with_their_group() {
        let mut account = account(&["eu-central-1"]);
        let redis = cluster("standalone", &["subnet-private"]);
        let mut memcached = cluster("memcached", &["subnet-private"]);
        memcached.engine = "memcached".into();
        let mut member = cluster("sessions-001", &["subnet-private"]);
        member.replication_group_id = Some("sessions".into());
        let mut retained = cluster("retained-primary", &["subnet-private"]);
        retained.at_rest_encryption = Ok(true);
        let mut unread = cluster("unread", &["subnet-private"]);
        unread.at_rest_encryption = Err(denied("elasticache", "DescribeCacheClusters", "eu-central-1"));
        region_mut(&mut account, "eu-central-1").elasticache.clusters =
            Ok(vec![redis, memcached, member, retained, unread]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Fail, Status::Fail, Status::NotApplicable, Status::Unknown, Status::Unknown]
        );
        assert!(findings[1].message.contains("Memcached"), "{}", findings[1].message);
        assert!(findings[3].message.contains("with which key"), "{}", findings[3].message);
    }
}
