use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Every VPC in use records its traffic in flow logs",
    resource_type: "AWS::EC2::VPC",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region(
        ctx,
        |r| &r.ec2.vpcs,
        "arn:aws:ec2:{region}:{account}:vpc/*",
        |region, _, vpcs| {
            vpcs.iter()
                .map(|vpc| {
                    let verdict = if vpc.flow_logs_active {
                        Verdict::pass(format!("{} has an active flow log", vpc.vpc_id))
                    } else if vpc.is_default && !vpc.in_use {
                        Verdict::not_applicable(format!(
                            "{} is the unused default VPC of {region} (better: delete it)",
                            vpc.vpc_id
                        ))
                    } else {
                        Verdict::fail(format!(
                            "{} has no active flow log: its traffic leaves no trace",
                            vpc.vpc_id
                        ))
                    };
                    (vpc.arn.clone(), verdict)
                })
                .collect()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ec2::fixtures::vpc;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn vpcs_in_use_need_flow_logs_unused_default_ones_do_not() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.vpcs = Ok(vec![
            vpc("vpc-logged", false, true, true),
            vpc("vpc-dark", false, false, false),
            vpc("vpc-default-used", true, true, false),
            vpc("vpc-default-idle", true, false, false),
        ]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable
            ]
        );
        region_mut(&mut account, "eu-central-1").ec2.vpcs =
            Err(denied("ec2", "DescribeFlowLogs", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
