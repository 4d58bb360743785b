use super::per_replication_group;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache replication groups fail over automatically across Availability Zones",
    resource_type: "AWS::ElastiCache::ReplicationGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_replication_group(&CHECK.meta, ctx, |_, group| {
        let mut gaps = Vec::new();
        if group.automatic_failover != "enabled" {
            gaps.push(format!(
                "automatic failover is {}",
                group.automatic_failover
            ));
        }
        if group.multi_az != "enabled" {
            gaps.push(format!("Multi-AZ is {}", group.multi_az));
        }
        if group.member_clusters.len() < 2 {
            gaps.push(format!(
                "it has {} node(s), no replica to fail over to",
                group.member_clusters.len()
            ));
        }
        if gaps.is_empty() {
            Verdict::pass(format!(
                "replication group {} fails over automatically to a replica in another Availability Zone",
                group.id
            ))
        } else {
            Verdict::fail(format!(
                "replication group {} is not highly available: {}",
                group.id,
                gaps.join("; ")
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
    fn failover_and_multi_az_pass_either_missing_fails() {
        let mut account = account(&["eu-central-1"]);
        let mut single = group("single");
        single.multi_az = "disabled".into();
        single.automatic_failover = "disabled".into();
        single.member_clusters.truncate(1);
        region_mut(&mut account, "eu-central-1")
            .elasticache
            .replication_groups = Ok(vec![group("sessions"), single]);
        let findings = run(&CHECK, &account);
        assert_eq!(findings[0].status, Status::Pass);
        assert_eq!(findings[1].status, Status::Fail);
        assert_eq!(
            findings[1].message,
            "replication group single is not highly available: automatic failover is disabled; Multi-AZ is disabled; it has 1 node(s), no replica to fail over to"
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
