use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "ec2_instance_allowed_region",
        title: "EC2 instances run only in allowed regions",
        resource_type: "AWS::EC2::Instance",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.ec2.instances,
        "arn:aws:ec2:{region}:{account}:instance/*",
        |region, instance| {
            let what = format!("instance {}", instance.instance_id);
            (instance.arn.clone(), region_verdict(ctx, &what, region))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::Ec2Instance;
    use tomwatch_model::Status;

    fn instance(region: &str, id: &str) -> Ec2Instance {
        Ec2Instance {
            arn: format!("arn:aws:ec2:{region}:{ACCOUNT}:instance/{id}"),
            instance_id: id.into(),
            state: "running".into(),
            tags: Default::default(),
        }
    }

    #[test]
    fn eu_instance_passes_and_us_instance_fails() {
        let mut account = account(&["eu-central-1", "us-east-1"]);
        region_mut(&mut account, "eu-central-1").ec2.instances =
            Ok(vec![instance("eu-central-1", "i-eu")]);
        region_mut(&mut account, "us-east-1").ec2.instances =
            Ok(vec![instance("us-east-1", "i-us")]);
        let findings = run(&CHECK, &account);
        assert_eq!(
            statuses(&findings),
            vec![
                (
                    format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:instance/i-eu"),
                    Status::Pass
                ),
                (
                    format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-us"),
                    Status::Fail
                ),
            ]
        );
        assert!(findings[1]
            .message
            .contains("outside the allowed regions (eu-*)"));
    }

    #[test]
    fn region_whose_instances_could_not_be_listed_is_unknown() {
        let mut account = account(&["us-east-1"]);
        region_mut(&mut account, "us-east-1").ec2.instances =
            Err(denied("ec2", "DescribeInstances", "us-east-1"));
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert_eq!(
            finding.resource_id,
            format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*")
        );
        assert!(
            finding.message.contains("DescribeInstances"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn account_whose_regions_are_unknown_is_unknown_not_empty() {
        let mut account = account(&[]);
        account.regions = Err(denied("ec2", "DescribeRegions", "eu-central-1"));
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert_eq!(
            finding.resource_id,
            format!("arn:aws:ec2:*:{ACCOUNT}:instance/*")
        );
    }
}
