use super::per_cluster;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::required_key;
use crate::verdict::Verdict;

check! {
    title: "RDS (Aurora) clusters encrypt their storage with KMS",
    resource_type: "AWS::RDS::DBCluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_cluster(&CHECK.meta, ctx, |region, cluster| {
        if cluster.storage_encrypted {
            let subject = format!("cluster {}", cluster.identifier);
            let key = cluster.kms_key_id.as_deref();
            match required_key(ctx, &subject, region, key, "aws/rds") {
                Ok(key) => Verdict::pass(format!("{subject} encrypts its storage with {key}")),
                Err(verdict) => verdict,
            }
        } else {
            Verdict::fail(format!(
                "cluster {} stores its data unencrypted",
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
    fn encrypted_passes_plain_fails_unlistable_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut plain = rds_cluster("plain");
        plain.storage_encrypted = false;
        region_mut(&mut account, "eu-central-1").rds.clusters =
            Ok(vec![rds_cluster("ledger"), plain]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        region_mut(&mut account, "eu-central-1").rds.clusters =
            Err(denied("rds", "DescribeDBClusters", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
