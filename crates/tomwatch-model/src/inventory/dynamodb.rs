use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// DynamoDB in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct DynamoDbInventory {
    pub tables: Collected<Vec<DynamoDbTable>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct DynamoDbTable {
    pub arn: String,
    pub name: String,
    /// From `DescribeTable`, one call per table (ListTables returns names only).
    pub encryption: Collected<TableEncryption>,
    /// From `ListTagsOfResource`.
    pub tags: Collected<Tags>,
}

/// How a table's data is encrypted at rest, as `DescribeTable`'s `SSEDescription` says.
/// DynamoDB always encrypts; the question is with which key.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub enum TableEncryption {
    /// No `SSEDescription` (or a disabled one): DynamoDB's own key, which KMS never shows the
    /// account.
    AwsOwnedKey,
    /// A KMS key, AWS managed (`aws/dynamodb`) or the customer's.
    Kms { key_arn: Option<String> },
    /// `ENABLING` or `UPDATING`: the key in force is changing.
    Changing { status: String },
}
