use super::per_cluster;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::network::public_subnets;
use crate::verdict::Verdict;

check! {
    title: "ElastiCache clusters are only in subnets without a route to an internet gateway",
    resource_type: "AWS::ElastiCache::CacheCluster",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_cluster(&CHECK.meta, ctx, |region, cluster| {
        let subnets = match &cluster.subnets {
            Ok(subnets) => subnets,
            Err(error) => return Verdict::not_collected(error),
        };
        match public_subnets(ctx, region, &subnets.vpc_id, &subnets.subnet_ids) {
            Err(verdict) => verdict,
            Ok(public) if public.is_empty() => Verdict::pass(format!(
                "cache cluster {} is only in subnets without a route to an internet gateway (subnet group {})",
                cluster.id, subnets.group_name
            )),
            Ok(public) => Verdict::fail(format!(
                "cache cluster {} can be placed in public subnets of subnet group {}: {}",
                cluster.id,
                subnets.group_name,
                public.join(", ")
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elasticache::fixtures::cluster;
    use crate::testing::*;
    use tomwatch_model::inventory::RouteTable;
    use tomwatch_model::Status;

    fn verdict(subnets: &[&str]) -> Evidence {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.ec2.route_tables = Ok(vec![
            RouteTable {
                route_table_id: "rtb-main".into(),
                vpc_id: "vpc-1".into(),
                is_main: true,
                subnet_ids: vec![],
                routes_to_internet_gateway: true,
            },
            RouteTable {
                route_table_id: "rtb-private".into(),
                vpc_id: "vpc-1".into(),
                is_main: false,
                subnet_ids: vec!["subnet-a".into(), "subnet-b".into()],
                routes_to_internet_gateway: false,
            },
        ]);
        region.elasticache.clusters = Ok(vec![cluster("sessions-001", subnets)]);
        only(run(&CHECK, &account)).0
    }

    #[test]
    fn private_subnets_pass_a_subnet_on_the_public_main_table_fails() {
        assert_eq!(verdict(&["subnet-a", "subnet-b"]).status, Status::Pass);
        let finding = verdict(&["subnet-a", "subnet-c"]);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.message.ends_with("subnet group cache: subnet-c"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn unknown_subnet_group_or_routes_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        let mut c = cluster("sessions-001", &["subnet-a"]);
        c.subnets = Err(denied(
            "elasticache",
            "DescribeCacheSubnetGroups",
            "eu-central-1",
        ));
        region.elasticache.clusters = Ok(vec![c]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);

        let region = region_mut(&mut account, "eu-central-1");
        region.elasticache.clusters = Ok(vec![cluster("sessions-001", &["subnet-a"])]);
        region.ec2.route_tables = Err(denied("ec2", "DescribeRouteTables", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
