use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// Amazon SQS in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct SqsInventory {
    pub queues: Collected<Vec<SqsQueue>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct SqsQueue {
    pub arn: String,
    pub url: String,
    pub name: String,
}
