use super::{per_standalone_cluster, transit_verdict};
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache clusters outside replication groups accept TLS connections only",
    resource_type: "AWS::ElastiCache::CacheCluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_standalone_cluster(&CHECK.meta, ctx, |cluster| {
        match &cluster.transit_encryption {
            Err(error) => Verdict::not_collected(error),
            Ok(enabled) => transit_verdict(
                &format!("cache cluster {}", cluster.id),
                *enabled,
                cluster.transit_encryption_mode.as_deref(),
                "transit encryption off; Memcached 1.6.12+ and replication groups support it",
            ),
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
    fn tls_only_passes_plaintext_or_preferred_fails_unreported_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let tls = cluster("tls", &["subnet-private"]);
        let mut plain = cluster("plain", &["subnet-private"]);
        plain.transit_encryption = Ok(false);
        let mut migrating = cluster("migrating", &["subnet-private"]);
        migrating.transit_encryption_mode = Some("preferred".into());
        let mut unread = cluster("unread", &["subnet-private"]);
        unread.transit_encryption = Err(denied("elasticache", "DescribeCacheClusters", "eu-central-1"));
        let mut member = cluster("sessions-001", &["subnet-private"]);
        member.replication_group_id = Some("sessions".into());
        member.transit_encryption = Ok(false);
        region_mut(&mut account, "eu-central-1").elasticache.clusters =
            Ok(vec![tls, plain, migrating, unread, member]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Pass, Status::Fail, Status::Fail, Status::Unknown, Status::NotApplicable]
        );
    }
}
