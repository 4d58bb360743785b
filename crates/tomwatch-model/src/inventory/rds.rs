use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;
use std::collections::BTreeMap;

#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct RdsInventory {
    pub instances: Collected<Vec<RdsInstance>>,
    /// Aurora (and Multi-AZ DB) clusters; their member instances are in `instances` too.
    pub clusters: Collected<Vec<RdsCluster>>,
    /// Manual and automated snapshots owned by the account.
    pub snapshots: Collected<Vec<RdsSnapshot>>,
    /// Manual and automated snapshots of its clusters.
    pub cluster_snapshots: Collected<Vec<RdsSnapshot>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct RdsSnapshot {
    pub arn: String,
    pub identifier: String,
    /// `manual` or `automated`.
    pub snapshot_type: String,
    pub encrypted: bool,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct RdsInstance {
    pub arn: String,
    pub identifier: String,
    pub engine: String,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    pub publicly_accessible: bool,
    /// A synchronous standby in another Availability Zone.
    pub multi_az: bool,
    pub availability_zone: Option<String>,
    /// The cluster it belongs to (Aurora), whose settings then govern storage and backups.
    pub cluster_id: Option<String>,
    /// Days automated backups are kept; 0 means automated backups are off.
    pub backup_retention_days: i32,
    /// The subnets of its DB subnet group (AWS always returns one for VPC instances).
    pub subnet_ids: Collected<Vec<String>>,
    pub vpc_id: Option<String>,
    pub tags: Tags,
    /// The TLS-forcing parameters (`rds.force_ssl`, `require_secure_transport`) of its DB
    /// parameter group, as set there; a parameter the group does not list is absent.
    pub tls_parameters: Collected<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct RdsCluster {
    pub arn: String,
    pub identifier: String,
    pub engine: String,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    /// Identifiers of its member instances (writer and readers).
    pub members: Vec<String>,
    /// Days automated backups are kept (at least 1 for Aurora).
    pub backup_retention_days: i32,
    pub tags: Tags,
    /// The TLS-forcing parameters of its DB cluster parameter group, as set there.
    pub tls_parameters: Collected<BTreeMap<String, String>>,
}
