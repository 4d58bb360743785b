use super::per_instance;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::network::public_subnets;
use crate::verdict::Verdict;

check! {
    title: "RDS instances are only in subnets without a route to an internet gateway",
    resource_type: "AWS::RDS::DBInstance",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_instance(&CHECK.meta, ctx, |region, db| {
        let subnets = match &db.subnet_ids {
            Ok(subnets) => subnets,
            Err(error) => return Verdict::not_collected(error),
        };
        let vpc = db.vpc_id.as_deref().unwrap_or_default();
        let public = match public_subnets(ctx, region, vpc, subnets) {
            Ok(public) => public,
            Err(verdict) => return verdict,
        };
        if public.is_empty() {
            Verdict::pass(format!(
                "database {} is only in subnets without a route to an internet gateway",
                db.identifier
            ))
        } else {
            Verdict::fail(format!(
                "database {} can be placed in public subnets: {}",
                db.identifier,
                public.join(", ")
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::RouteTable;
    use tomwatch_model::Status;

    fn table(id: &str, main: bool, subnets: &[&str], igw: bool) -> RouteTable {
        RouteTable {
            route_table_id: id.into(),
            vpc_id: "vpc-1".into(),
            is_main: main,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            routes_to_internet_gateway: igw,
        }
    }

    fn verdict(subnets: &[&str], tables: Vec<RouteTable>) -> Evidence {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.ec2.route_tables = Ok(tables);
        let mut db = rds_instance("orders", true, false);
        db.subnet_ids = Ok(subnets.iter().map(|s| s.to_string()).collect());
        region.rds.instances = Ok(vec![db]);
        only(run(&CHECK, &account)).0
    }

    #[test]
    fn explicit_associations_win_over_the_main_table() {
        let tables = vec![
            table("rtb-main", true, &[], true),
            table("rtb-private", false, &["subnet-a", "subnet-b"], false),
        ];
        assert_eq!(
            verdict(&["subnet-a", "subnet-b"], tables).status,
            Status::Pass
        );
    }

    #[test]
    fn a_subnet_routed_to_an_internet_gateway_fails_even_through_the_main_table() {
        let tables = vec![
            table("rtb-main", true, &[], true),
            table("rtb-private", false, &["subnet-a"], false),
        ];
        let finding = verdict(&["subnet-a", "subnet-c"], tables);
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(
            finding.message,
            "database orders can be placed in public subnets: subnet-c"
        );
    }

    #[test]
    fn a_subnet_no_route_table_is_found_for_is_unknown_unless_another_is_public() {
        // Only subnet-a is associated; there is no main table of vpc-1 to route subnet-b.
        let tables = vec![table("rtb-private", false, &["subnet-a"], false)];
        let finding = verdict(&["subnet-a", "subnet-b"], tables);
        assert_eq!(finding.status, Status::Unknown);
        assert!(finding.message.contains("subnet-b"), "{}", finding.message);
        let tables = vec![table("rtb-public", false, &["subnet-a"], true)];
        assert_eq!(verdict(&["subnet-a", "subnet-b"], tables).status, Status::Fail);
    }

    #[test]
    fn a_database_without_a_vpc_id_cannot_borrow_a_main_table() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.ec2.route_tables = Ok(vec![table("rtb-main", true, &[], false)]);
        let mut db = rds_instance("orders", true, false);
        db.subnet_ids = Ok(vec!["subnet-a".into()]);
        db.vpc_id = None;
        region.rds.instances = Ok(vec![db]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert!(finding.message.contains("none reported"), "{}", finding.message);
    }

    fn account_in(regions: &[&str]) -> tomwatch_model::AccountInventory {
        account(regions)
    }

    #[test]
    fn unknown_subnets_or_routes_are_unknown() {
        let mut account = account_in(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        let mut db = rds_instance("orders", true, false);
        db.subnet_ids = Err(denied("rds", "DescribeDBInstances", "eu-central-1"));
        region.rds.instances = Ok(vec![db]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);

        let mut account = account_in(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.ec2.route_tables = Err(denied("ec2", "DescribeRouteTables", "eu-central-1"));
        region.rds.instances = Ok(vec![rds_instance("orders", true, false)]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert!(
            finding.message.contains("DescribeRouteTables"),
            "{}",
            finding.message
        );
    }
}
