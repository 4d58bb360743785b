pub mod rds_instance_allowed_region;
pub mod rds_instance_backup_enabled;
pub mod rds_instance_multi_az;
pub mod rds_instance_not_public;
pub mod rds_instance_storage_encrypted;

use tomwatch_model::inventory::RdsInstance;

/// Aurora keeps storage, replicas and backups at the cluster level; an Aurora instance's own
/// Multi-AZ and retention fields say nothing about them.
fn is_aurora(db: &RdsInstance) -> bool {
    db.engine.starts_with("aurora")
}
