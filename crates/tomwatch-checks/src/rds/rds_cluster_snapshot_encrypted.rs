use super::snapshot_verdict;
use crate::check::Evidence;
use crate::check::EvalContext;

check! {
    title: "RDS (Aurora) cluster snapshots are encrypted",
    resource_type: "AWS::RDS::DBClusterSnapshot",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.rds.cluster_snapshots,
        "arn:aws:rds:{region}:{account}:cluster-snapshot:*",
        |_, snapshot| (snapshot.arn.clone(), snapshot_verdict(snapshot)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::RdsSnapshot;
    use tomwatch_model::Status;

    fn snapshot(id: &str, encrypted: bool) -> RdsSnapshot {
        RdsSnapshot {
            arn: format!("arn:aws:rds:eu-central-1:{ACCOUNT}:cluster-snapshot:{id}"),
            identifier: id.into(),
            snapshot_type: "automated".into(),
            encrypted,
        }
    }

    #[test]
    fn encrypted_passes_plain_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1")
            .rds
            .cluster_snapshots = Ok(vec![snapshot("ledger", true), snapshot("reporting", false)]);
        let findings = run(&CHECK, &account);
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            findings[1].message,
            "automated snapshot reporting is not encrypted"
        );
        region_mut(&mut account, "eu-central-1")
            .rds
            .cluster_snapshots = Err(denied("rds", "DescribeDBClusterSnapshots", "eu-central-1"));
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert_eq!(
            finding.resource_id,
            "arn:aws:rds:eu-central-1:111111111111:cluster-snapshot:*"
        );
    }
}
