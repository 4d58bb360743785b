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
    /// `16.4`, `8.0.39`: engine defaults differ between versions.
    pub engine_version: String,
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
    pub tls_parameters: Collected<BTreeMap<String, TlsParameter>>,
    /// Its parameter group's apply status is `pending-reboot`: a static parameter changed in
    /// the group is not in force until the instance reboots.
    pub parameters_pending_reboot: bool,
    /// Oracle engines only (`None` for the others): the SSL option of the instance's option
    /// group, `Ok(None)` where the group has none.
    pub oracle_ssl: Option<Collected<Option<OracleSslOption>>>,
}

/// A TLS-forcing parameter as a (cluster) parameter group lists it.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct TlsParameter {
    /// The value set; `None` where the group lists the parameter without one (engine default).
    pub value: Option<String>,
    /// `ApplyType: static`: a change takes effect only at the next reboot.
    pub is_static: bool,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct RdsCluster {
    pub arn: String,
    pub identifier: String,
    pub engine: String,
    pub engine_version: String,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    /// Identifiers of its member instances (writer and readers).
    pub members: Vec<String>,
    /// Days automated backups are kept (at least 1 for Aurora).
    pub backup_retention_days: i32,
    pub tags: Tags,
    /// The TLS-forcing parameters of its DB cluster parameter group, as set there.
    pub tls_parameters: Collected<BTreeMap<String, TlsParameter>>,
    /// A member reports its cluster parameter group as `pending-reboot`.
    pub parameters_pending_reboot: bool,
}

/// Oracle's `SSL` option: TLS on a listener port of its own, beside the plaintext one.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct OracleSslOption {
    pub option_group: String,
    pub port: Option<i32>,
    /// `SQLNET.SSL_VERSION`: `1.2`, `1.0`, `1.2 or 1.0`, ...; `None` where not reported.
    pub ssl_version: Option<String>,
}
