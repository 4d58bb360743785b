//! What counts as "a workload runs here", for the promises that apply per region with workloads
//! (alarms, backup plans).

use tomwatch_model::{Collected, CollectionError, RegionInventory};

/// The workloads of a region, counted by kind (`"2 EC2 instance(s)"`, ...), or the error of the
/// first list that could not be collected. Empty: the region runs nothing.
pub fn region_workloads(region: &RegionInventory) -> Result<Vec<String>, &CollectionError> {
    fn len<T>(list: &Collected<Vec<T>>) -> Result<usize, &CollectionError> {
        list.as_ref().map(Vec::len)
    }
    let lists = [
        ("EC2 instance(s)", len(&region.ec2.instances)),
        ("RDS instance(s)", len(&region.rds.instances)),
        ("load balancer(s)", len(&region.elbv2.load_balancers)),
        ("cache cluster(s)", len(&region.elasticache.clusters)),
        ("Auto Scaling group(s)", len(&region.autoscaling.groups)),
        ("ECS cluster(s)", len(&region.ecs.clusters)),
        ("Lambda function(s)", len(&region.lambda.functions)),
    ];
    let mut out = Vec::new();
    for (what, count) in lists {
        let count = count?;
        if count > 0 {
            out.push(format!("{count} {what}"));
        }
    }
    Ok(out)
}
