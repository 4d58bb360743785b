use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// AWS Secrets Manager in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct SecretsManagerInventory {
    pub secrets: Collected<Vec<Secret>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct Secret {
    pub arn: String,
    pub name: String,
    /// The KMS key protecting the secret's values, as ListSecrets names it; `None` is the AWS
    /// managed key `aws/secretsmanager`.
    pub kms_key_id: Option<String>,
    /// The service that manages the secret (`rds` for a database's master user secret), whose
    /// own API sets its key.
    pub owning_service: Option<String>,
    pub tags: Tags,
}
