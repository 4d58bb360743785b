pub mod rds_instance_allowed_region;
pub mod rds_instance_backup_enabled;
pub mod rds_instance_multi_az;
pub mod rds_instance_not_public;
pub mod rds_instance_private_subnets;
pub mod rds_instance_storage_encrypted;
pub mod rds_instance_tls_enforced;
pub mod rds_snapshot_encrypted;

use crate::check::{CheckMeta, EvalContext};
use crate::verdict::Verdict;
use tomwatch_model::inventory::RdsInstance;
use tomwatch_model::Finding;

/// Evaluates `judge` on every RDS instance of the account (UNKNOWN where a region's list failed).
fn per_instance(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &RdsInstance) -> Verdict,
) -> Vec<Finding> {
    meta.per_region_item(
        ctx,
        |r| &r.rds.instances,
        "arn:aws:rds:{region}:{account}:db:*",
        |region, db| (db.arn.clone(), judge(region, db)),
    )
}

/// Aurora keeps storage, replicas and backups at the cluster level; an Aurora instance's own
/// Multi-AZ and retention fields say nothing about them.
fn is_aurora(db: &RdsInstance) -> bool {
    db.engine.starts_with("aurora")
}
