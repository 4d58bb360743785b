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

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use std::collections::BTreeMap;
use tomwatch_model::inventory::{RdsCluster, RdsInstance, RdsSnapshot};
use tomwatch_model::Collected;

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

/// Aurora keeps storage, replicas and backups at the cluster level; an Aurora instance's own
/// Multi-AZ and retention fields say nothing about them.
fn is_aurora(db: &RdsInstance) -> bool {
    db.engine.starts_with("aurora")
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

/// Whether a (cluster) parameter group forces TLS for `engine`: PostgreSQL and SQL Server use
/// `rds.force_ssl`, MySQL and MariaDB `require_secure_transport`, Aurora as its compatible engine.
fn tls_verdict(
    what: &str,
    engine: &str,
    parameters: &Collected<BTreeMap<String, String>>,
) -> Verdict {
    let family = engine.strip_prefix("aurora-").unwrap_or(engine);
    let parameter = match family {
        e if e.starts_with("postgres") || e.starts_with("sqlserver") => "rds.force_ssl",
        e if e.starts_with("mysql") || e.starts_with("mariadb") || e == "aurora" => {
            "require_secure_transport"
        }
        other => {
            return Verdict::not_applicable(format!(
                "{what} runs {other}, which enforces TLS outside parameter groups (option groups, native settings)"
            ))
        }
    };
    let parameters = match parameters {
        Ok(parameters) => parameters,
        Err(error) => return Verdict::unknown(error),
    };
    match parameters.get(parameter).map(String::as_str) {
        Some(value @ ("1" | "ON" | "on")) => Verdict::pass(format!("{what} sets {parameter} = {value}")),
        Some(value) => Verdict::fail(format!(
            "{what} sets {parameter} = {value}: clients may connect without TLS"
        )),
        None => Verdict::fail(format!(
            "{what}'s parameter group leaves {parameter} at its default: clients may connect without TLS"
        )),
    }
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
