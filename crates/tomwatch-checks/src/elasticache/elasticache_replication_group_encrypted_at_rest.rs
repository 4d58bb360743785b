use super::per_replication_group;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::required_key;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache replication groups encrypt data at rest with a KMS key",
    resource_type: "AWS::ElastiCache::ReplicationGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_replication_group(&CHECK.meta, ctx, |region, group| {
        let subject = format!("replication group {}", group.id);
        if !group.at_rest_encryption {
            Verdict::fail(format!("{subject} stores data and backups unencrypted"))
        } else if let Some(key) = group.kms_key_id.as_deref() {
            match required_key(ctx, &subject, region, Some(key), "") {
                Ok(key) => Verdict::pass(format!(
                    "{subject} encrypts its data and backups at rest with {key}"
                )),
                Err(verdict) => verdict,
            }
        } else {
            // Without a KMS key, at-rest encryption uses ElastiCache's own key, which KMS
            // neither shows nor lets anyone disable or audit.
            Verdict::fail(format!(
                "{subject} encrypts at rest with ElastiCache's own key, not a KMS key"
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
        let mut service_key = group("service-key");
        service_key.kms_key_id = None;
        region_mut(&mut account, "eu-central-1")
            .elasticache
            .replication_groups = Ok(vec![service_key]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail, "ElastiCache's own key is not KMS");
        assert!(finding.message.contains("not a KMS key"), "{}", finding.message);
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
