use super::snapshot_verdict;
use crate::check::Evidence;
use crate::check::EvalContext;

check! {
    title: "RDS snapshots are encrypted",
    resource_type: "AWS::RDS::DBSnapshot",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.rds.snapshots,
        "arn:aws:rds:{region}:{account}:snapshot:*",
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
            arn: format!("arn:aws:rds:eu-central-1:{ACCOUNT}:snapshot:{id}"),
            identifier: id.into(),
            snapshot_type: "manual".into(),
            encrypted,
        }
    }

    #[test]
    fn encrypted_passes_plain_fails() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").rds.snapshots =
            Ok(vec![snapshot("enc", true), snapshot("plain", false)]);
        let findings = run(&CHECK, &account);
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            findings[1].message,
            "manual snapshot plain is not encrypted"
        );
    }

    #[test]
    fn unlistable_snapshots_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").rds.snapshots =
            Err(denied("rds", "DescribeDBSnapshots", "eu-central-1"));
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert_eq!(
            finding.resource_id,
            format!("arn:aws:rds:eu-central-1:{ACCOUNT}:snapshot:*")
        );
    }
}
