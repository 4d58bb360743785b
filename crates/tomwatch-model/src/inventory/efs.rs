use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// Amazon EFS in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct EfsInventory {
    pub file_systems: Collected<Vec<EfsFileSystem>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct EfsFileSystem {
    pub arn: String,
    pub file_system_id: String,
    /// Encrypted at rest; EFS always uses a KMS key for it, AWS's own when none is named.
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub tags: Tags,
}
