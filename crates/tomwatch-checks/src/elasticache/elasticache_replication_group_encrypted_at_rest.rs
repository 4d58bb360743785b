use super::per_replication_group;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache replication groups encrypt data at rest",
    resource_type: "AWS::ElastiCache::ReplicationGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_replication_group(&CHECK.meta, ctx, |group| {
        if group.at_rest_encryption {
            Verdict::pass(format!(
                "replication group {} encrypts its data and backups at rest",
                group.id
            ))
        } else {
            Verdict::fail(format!(
                "replication group {} stores data and backups unencrypted",
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
    fn encrypted_passes_plain_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut plain = group("plain");
        plain.at_rest_encryption = false;
        region_mut(&mut account, "eu-central-1")
            .elasticache
            .replication_groups = Ok(vec![group("sessions"), plain]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
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
