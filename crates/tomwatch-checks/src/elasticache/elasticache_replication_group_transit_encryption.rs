use super::per_replication_group;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache replication groups accept TLS connections only",
    resource_type: "AWS::ElastiCache::ReplicationGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_replication_group(&CHECK.meta, ctx, |_, group| {
        if !group.transit_encryption {
            Verdict::fail(format!(
                "replication group {} accepts unencrypted connections (transit encryption off)",
                group.id
            ))
        } else if group.transit_encryption_mode.as_deref() == Some("preferred") {
            Verdict::fail(format!(
                "replication group {} has transit encryption in mode preferred, which still accepts unencrypted connections",
                group.id
            ))
        } else {
            Verdict::pass(format!(
                "replication group {} accepts TLS connections only",
                group.id
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elasticache::fixtures::group;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn required_passes_off_and_preferred_fail_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut off = group("off");
        off.transit_encryption = false;
        let mut migrating = group("migrating");
        migrating.transit_encryption_mode = Some("preferred".into());
        let mut before_modes = group("before-modes");
        before_modes.transit_encryption_mode = None;
        region_mut(&mut account, "eu-central-1")
            .elasticache
            .replication_groups = Ok(vec![group("sessions"), off, migrating, before_modes]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Pass, Status::Fail, Status::Fail, Status::Pass]
        );
        region_mut(&mut account, "eu-central-1")
            .elasticache
            .replication_groups = Err(denied(
            "elasticache",
            "DescribeReplicationGroups",
            "eu-central-1",
        ));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
