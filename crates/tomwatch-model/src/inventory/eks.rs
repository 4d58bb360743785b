use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// Amazon EKS in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct EksInventory {
    pub clusters: Collected<Vec<EksCluster>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct EksCluster {
    pub arn: String,
    pub name: String,
    /// From `DescribeCluster`, one call per cluster (ListClusters returns names only).
    pub details: Collected<EksClusterDetails>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct EksClusterDetails {
    /// The KMS key (`encryptionConfig[].provider.keyArn`) that envelope-encrypts the cluster's
    /// Kubernetes secrets; `None`: EKS's default envelope encryption, under an AWS owned key.
    pub secrets_key_arn: Option<String>,
    pub tags: Tags,
}
