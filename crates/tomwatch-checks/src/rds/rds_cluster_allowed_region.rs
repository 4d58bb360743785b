use super::per_cluster;
use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "rds_cluster_allowed_region",
        title: "RDS (Aurora) clusters run only in allowed regions",
        resource_type: "AWS::RDS::DBCluster",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_cluster(&CHECK.meta, ctx, |region, cluster| {
        region_verdict(ctx, &format!("cluster {}", cluster.identifier), region)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn eu_passes_us_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-north-1", "us-west-2"]);
        region_mut(&mut account, "eu-north-1").rds.clusters = Ok(vec![rds_cluster("eu")]);
        region_mut(&mut account, "us-west-2").rds.clusters = Ok(vec![rds_cluster("us")]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "us-west-2").rds.clusters =
            Err(denied("rds", "DescribeDBClusters", "us-west-2"));
        assert_eq!(run(&CHECK, &account)[1].status, Status::Unknown);
    }
}
