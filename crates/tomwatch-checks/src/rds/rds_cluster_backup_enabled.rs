use super::per_cluster;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "RDS (Aurora) clusters keep daily automated backups long enough",
    resource_type: "AWS::RDS::DBCluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let required = ctx.params.min_backup_retention_days;
    per_cluster(&CHECK.meta, ctx, |_, cluster| {
        let days = cluster.backup_retention_days;
        if days < required {
            Verdict::fail(format!(
                "cluster {} keeps automated backups {days} day(s), fewer than {required}",
                cluster.identifier
            ))
        } else {
            Verdict::pass(format!(
                "cluster {} keeps daily automated backups for {days} day(s)",
                cluster.identifier
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn retention_is_measured_against_the_parameter() {
        let mut account = account(&["eu-central-1"]);
        let mut short = rds_cluster("short");
        short.backup_retention_days = 1;
        region_mut(&mut account, "eu-central-1").rds.clusters =
            Ok(vec![rds_cluster("ledger"), short]);
        let statuses = |params: &crate::params::Parameters| -> Vec<Status> {
            run_with(&CHECK, &account, params)
                .iter()
                .map(|f| f.status)
                .collect()
        };
        assert_eq!(
            statuses(&Default::default()),
            vec![Status::Pass, Status::Pass]
        );
        let strict = crate::params::Parameters {
            min_backup_retention_days: 7,
            ..Default::default()
        };
        assert_eq!(statuses(&strict), vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "eu-central-1").rds.clusters =
            Err(denied("rds", "DescribeDBClusters", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
