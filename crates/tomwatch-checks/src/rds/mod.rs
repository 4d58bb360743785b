checks! {
    rds_cluster_backup_enabled,
    rds_cluster_multi_az,
    rds_cluster_snapshot_encrypted,
    rds_cluster_storage_encrypted,
    rds_cluster_tls_enforced,
    rds_instance_backup_enabled,
    rds_instance_multi_az,
    rds_instance_not_public,
    rds_instance_private_subnets,
    rds_instance_storage_encrypted,
    rds_instance_tls_enforced,
    rds_snapshot_encrypted,
}

mod tls;

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use tls::{tls_verdict, TlsFacts};
use tomwatch_model::inventory::{RdsCluster, RdsInstance, RdsSnapshot};

/// Evaluates `judge` on every RDS instance of the account (UNKNOWN where a region's list failed).
fn per_instance(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &RdsInstance) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::RDS_INSTANCE.select,
        kinds::RDS_INSTANCE.wildcard,
        |region, db| (db.arn.clone(), judge(region, db)),
    )
}

/// The cluster that governs the instance, described: Aurora and Multi-AZ DB clusters (MySQL or
/// PostgreSQL with a `DBClusterIdentifier`) keep replicas, backups and TLS parameters at the
/// cluster level, so a member instance's own Multi-AZ and retention fields say nothing.
fn governing_cluster(db: &RdsInstance) -> Option<String> {
    match (&db.cluster_id, db.engine.starts_with("aurora")) {
        (Some(cluster), true) => Some(format!("a member of Aurora cluster {cluster}")),
        (Some(cluster), false) => Some(format!("a member of Multi-AZ DB cluster {cluster}")),
        (None, true) => Some("Aurora".into()),
        (None, false) => None,
    }
}

/// Evaluates `judge` on every RDS cluster of the account.
fn per_cluster(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &RdsCluster) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::RDS_CLUSTER.select,
        kinds::RDS_CLUSTER.wildcard,
        |region, cluster| (cluster.arn.clone(), judge(region, cluster)),
    )
}

/// An instance's or a cluster's snapshot: encrypted or not, whatever made it.
fn snapshot_verdict(snapshot: &RdsSnapshot) -> Verdict {
    let what = format!(
        "{} snapshot {}",
        snapshot.snapshot_type, snapshot.identifier
    );
    if snapshot.encrypted {
        Verdict::pass(format!("{what} is encrypted"))
    } else {
        Verdict::fail(format!("{what} is not encrypted"))
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::rds_instance;
    use tomwatch_model::inventory::RdsInstance;

    /// A writer of a Multi-AZ DB cluster as DescribeDBInstances shows it: engine `postgres`, its
    /// own MultiAZ false, no retention and no parameters of its own that matter.
    pub fn multi_az_cluster_member() -> RdsInstance {
        let mut db = rds_instance("orders-writer", true, false);
        db.engine = "postgres".into();
        db.cluster_id = Some("orders-cluster".into());
        db.multi_az = false;
        db.backup_retention_days = 0;
        db.tls_parameters = Ok(Default::default());
        db
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{only, run_on_rds};
    use tomwatch_model::Status;

    #[test]
    fn a_multi_az_db_cluster_member_is_governed_by_its_cluster() {
        for check in [
            &super::rds_instance_backup_enabled::CHECK,
            &super::rds_instance_multi_az::CHECK,
            &super::rds_instance_tls_enforced::CHECK,
        ] {
            let (finding, status) = only(run_on_rds(
                check,
                Ok(vec![super::fixtures::multi_az_cluster_member()]),
            ));
            assert_eq!(status, Status::NotApplicable, "{}", check.meta.id);
            assert!(
                finding
                    .message
                    .contains("Multi-AZ DB cluster orders-cluster"),
                "{}: {}",
                check.meta.id,
                finding.message
            );
        }
    }
}
