use super::unused_default_vpc;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "The default security group of every VPC allows no traffic",
    resource_type: "AWS::EC2::SecurityGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region(
        ctx,
        |r| &r.ec2.security_groups,
        "arn:aws:ec2:{region}:{account}:security-group/*",
        |region, inventory, groups| {
            groups
                .iter()
                .filter(|g| g.is_default)
                .map(|group| {
                    let vpc = group.vpc_id.as_deref().unwrap_or("EC2-Classic");
                    let rules = group.ingress.len() + group.egress.len();
                    let verdict = if rules == 0 {
                        Verdict::pass(format!(
                            "default group {} of {vpc} allows no traffic",
                            group.group_id
                        ))
                    } else {
                        match unused_default_vpc(&inventory.ec2.vpcs, group.vpc_id.as_deref()) {
                            Err(error) => Verdict::not_collected(error),
                            Ok(true) => Verdict::not_applicable(format!(
                                "{} belongs to the unused default VPC of {region} (better: delete that VPC)",
                                group.group_id
                            )),
                            Ok(false) => Verdict::fail(format!(
                                "default group {} of {vpc} has {rules} rule(s): whatever lands in it by accident is reachable",
                                group.group_id
                            )),
                        }
                    };
                    (group.arn.clone(), verdict)
                })
                .collect()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::fixtures::{default_group, vpc};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn a_default_group_with_rules_fails_unless_its_default_vpc_is_unused() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.ec2.security_groups = Ok(vec![
            default_group("sg-empty", "vpc-app", false),
            default_group("sg-open", "vpc-app", true),
            default_group("sg-idle", "vpc-default", true),
        ]);
        region.ec2.vpcs = Ok(vec![
            vpc("vpc-app", false, true, true),
            vpc("vpc-default", true, false, false),
        ]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Pass, Status::Fail, Status::NotApplicable]
        );
    }

    #[test]
    fn unknown_groups_or_vpcs_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.ec2.security_groups = Ok(vec![default_group("sg-open", "vpc-app", true)]);
        region.ec2.vpcs = Err(denied("ec2", "DescribeVpcs", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
        region_mut(&mut account, "eu-central-1").ec2.security_groups =
            Err(denied("ec2", "DescribeSecurityGroups", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
