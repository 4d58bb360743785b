use super::{per_replication_group, transit_verdict};
use crate::check::Evidence;
use crate::check::EvalContext;

check! {
    title: "ElastiCache replication groups accept TLS connections only",
    resource_type: "AWS::ElastiCache::ReplicationGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_replication_group(&CHECK.meta, ctx, |_, group| {
        transit_verdict(
            &format!("replication group {}", group.id),
            group.transit_encryption,
            group.transit_encryption_mode.as_deref(),
            "transit encryption off",
        )
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
