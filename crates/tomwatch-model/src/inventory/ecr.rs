use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// Amazon ECR in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct EcrInventory {
    pub repositories: Collected<Vec<EcrRepository>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct EcrRepository {
    pub arn: String,
    pub name: String,
}
