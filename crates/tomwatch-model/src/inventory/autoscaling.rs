use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

/// EC2 Auto Scaling in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct AutoScalingInventory {
    pub groups: Collected<Vec<AutoScalingGroup>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct AutoScalingGroup {
    pub arn: String,
    pub name: String,
    pub min_size: i32,
    pub desired_capacity: i32,
    pub availability_zones: Vec<String>,
    /// Classic load balancers it registers instances with.
    pub load_balancer_names: Vec<String>,
    /// ELBv2 target groups it registers instances with.
    pub target_group_arns: Vec<String>,
    pub tags: Tags,
}
