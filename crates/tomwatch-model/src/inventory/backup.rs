use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// AWS Backup in one region: vaults with their recovery points, and plans with their rules.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct BackupInventory {
    pub vaults: Collected<Vec<BackupVault>>,
    pub plans: Collected<Vec<BackupPlan>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct BackupVault {
    pub arn: String,
    pub name: String,
    /// The KMS key the vault encrypts recovery points with.
    pub encryption_key_arn: Option<String>,
    pub recovery_points: Collected<Vec<RecoveryPoint>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct RecoveryPoint {
    pub arn: String,
    /// The backed-up resource.
    pub resource_arn: String,
    pub encrypted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct BackupPlan {
    pub arn: String,
    pub id: String,
    pub name: String,
    pub rules: Collected<Vec<BackupRule>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct BackupRule {
    pub name: String,
    /// `cron(...)` or `rate(...)`; a rule without one only runs on demand.
    pub schedule: Option<String>,
}
