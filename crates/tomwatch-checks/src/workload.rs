//! What counts as "a workload runs here", for the promises that apply per region with workloads
//! (alarms, backup plans).

use crate::kinds::{self, Kind, Placed};
use tomwatch_model::{CollectionError, RegionInventory};

/// The kinds that make a region one with workloads, and how a count of them reads.
static WORKLOADS: [(&dyn Kind, &str); 11] = [
    (&kinds::EC2_INSTANCE, "EC2 instance(s)"),
    (&kinds::RDS_INSTANCE, "RDS instance(s)"),
    (&kinds::ELBV2_LOAD_BALANCER, "load balancer(s)"),
    (&kinds::ELASTICACHE_CLUSTER, "cache cluster(s)"),
    (&kinds::ELASTICACHE_SERVERLESS_CACHE, "serverless cache(s)"),
    (&kinds::AUTOSCALING_GROUP, "Auto Scaling group(s)"),
    (&kinds::ECS_CLUSTER, "ECS cluster(s)"),
    (&kinds::LAMBDA_FUNCTION, "Lambda function(s)"),
    (&kinds::DYNAMODB_TABLE, "DynamoDB table(s)"),
    (&kinds::EKS_CLUSTER, "EKS cluster(s)"),
    (&kinds::ELB_LOAD_BALANCER, "classic load balancer(s)"),
];

/// The workloads of a region, counted by kind (`"2 EC2 instance(s)"`, ...), or the error of the
/// first list that could not be collected. Empty: the region runs nothing.
pub fn region_workloads(region: &RegionInventory) -> Result<Vec<String>, &CollectionError> {
    let mut out = Vec::new();
    for (kind, what) in &WORKLOADS {
        // Only the count is read here, so the wildcard's account and region are not needed.
        let placed = kind.in_region("", "", region).into_iter().flatten();
        let mut count = 0;
        for item in placed {
            match item {
                Placed::Resource { .. } => count += 1,
                Placed::Unseen { error, .. } => return Err(error),
            }
        }
        if count > 0 {
            out.push(format!("{count} {what}"));
        }
    }
    Ok(out)
}
