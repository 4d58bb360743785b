use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// Amazon SNS in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct SnsInventory {
    pub topics: Collected<Vec<SnsTopic>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct SnsTopic {
    pub arn: String,
    /// The last part of the ARN.
    pub name: String,
}
