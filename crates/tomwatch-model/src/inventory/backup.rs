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
    /// Its resource assignments (ListBackupSelections, then GetBackupSelection for each).
    pub selections: Collected<Vec<BackupSelection>>,
    /// When the plan was read (Unix seconds): the "now" a cron year field is judged against,
    /// so the check stays a pure function of the inventory.
    pub read_at: i64,
}

/// One resource assignment of a plan. AWS Backup selects a resource when it matches `resources`
/// or any of `any_of_tags`, every one of `all_of_conditions`, and none of `not_resources`.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct BackupSelection {
    pub name: String,
    /// ARNs or ARN patterns (`*`, `arn:aws:rds:*:*:db:*`).
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    /// `ListOfTags`: a resource with any of these tags is selected.
    pub any_of_tags: Vec<TagCondition>,
    /// `Conditions`: tag tests that must all hold.
    pub all_of_conditions: Vec<TagCondition>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct TagCondition {
    pub test: TagTest,
    /// The tag key, without the `aws:ResourceTag/` prefix the API may carry.
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, CollectedErrors)]
pub enum TagTest {
    Equals,
    NotEquals,
    /// `*` and `?` wildcards in the value.
    Like,
    NotLike,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct BackupRule {
    pub name: String,
    /// `cron(...)` or `rate(...)`; a rule without one only runs on demand.
    pub schedule: Option<String>,
}
