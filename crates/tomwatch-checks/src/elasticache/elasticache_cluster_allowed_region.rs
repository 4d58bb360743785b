use super::per_cluster;
use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "elasticache_cluster_allowed_region",
        title: "ElastiCache clusters run only in allowed regions",
        resource_type: "AWS::ElastiCache::CacheCluster",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_cluster(&CHECK.meta, ctx, |region, cluster| {
        region_verdict(ctx, &format!("cache cluster {}", cluster.id), region)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elasticache::fixtures::cluster;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn eu_passes_us_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-west-1", "us-east-1"]);
        region_mut(&mut account, "eu-west-1").elasticache.clusters = Ok(vec![cluster("eu", &[])]);
        region_mut(&mut account, "us-east-1").elasticache.clusters = Ok(vec![cluster("us", &[])]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "us-east-1").elasticache.clusters =
            Err(denied("elasticache", "DescribeCacheClusters", "us-east-1"));
        let findings = run(&CHECK, &account);
        assert_eq!(findings[1].status, Status::Unknown);
        assert_eq!(
            findings[1].resource_id,
            "arn:aws:elasticache:us-east-1:111111111111:cluster:*"
        );
    }
}
