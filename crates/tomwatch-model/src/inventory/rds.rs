use super::Tags;
use crate::{Collected, CollectionError};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct RdsInventory {
    pub instances: Collected<Vec<RdsInstance>>,
    /// Manual and automated snapshots owned by the account.
    pub snapshots: Collected<Vec<RdsSnapshot>>,
}

impl RdsInventory {
    pub fn failed(error: CollectionError) -> Self {
        RdsInventory {
            instances: Err(error.clone()),
            snapshots: Err(error),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RdsSnapshot {
    pub arn: String,
    pub identifier: String,
    /// `manual` or `automated`.
    pub snapshot_type: String,
    pub encrypted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RdsInstance {
    pub arn: String,
    pub identifier: String,
    pub engine: String,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    pub publicly_accessible: bool,
    /// A synchronous standby in another Availability Zone.
    pub multi_az: bool,
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
