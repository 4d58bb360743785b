use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// ECS in one region: clusters and their services.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct EcsInventory {
    pub clusters: Collected<Vec<EcsCluster>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct EcsCluster {
    pub arn: String,
    pub name: String,
    pub services: Collected<Vec<EcsService>>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct EcsService {
    pub arn: String,
    pub name: String,
    /// `REPLICA` or `DAEMON` (one task on every container instance; no desired count of its own).
    pub scheduling_strategy: String,
    pub desired_count: i32,
    /// Target groups or classic load balancers its tasks are registered with.
    pub load_balancers: Vec<String>,
}
