use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::GLOBAL_REGION;

check! {
    title: "EBS encryption by default is on in every allowed region",
    resource_type: "AWS::EC2::EBSEncryptionByDefault",
    evaluate,
}

/// The per-region account setting has no ARN of its own; this names it per account and region.
fn setting(region: &str, account: &str) -> String {
    format!("arn:aws:ec2:{region}:{account}:ebs-encryption-by-default")
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let account = &ctx.account.account_id;
    let regions = match &ctx.account.regions {
        Ok(regions) => regions,
        Err(error) => {
            return vec![CHECK.meta.evidence(
                GLOBAL_REGION,
                setting("*", account),
                Verdict::not_collected(error),
            )]
        }
    };
    regions
        .iter()
        .map(|(region, inventory)| {
            let verdict = if !ctx.params.allowed_regions.allows(region) {
                Verdict::not_applicable(format!(
                    "{region} is not an allowed region; TOM-REGION keeps workloads out"
                ))
            } else {
                match &inventory.ec2.ebs_encryption_by_default {
                    Ok(true) => Verdict::pass(format!(
                        "new EBS volumes in {region} are encrypted by default"
                    )),
                    Ok(false) => {
                        Verdict::fail(format!("EBS encryption by default is off in {region}"))
                    }
                    Err(error) => Verdict::not_collected(error),
                }
            };
            CHECK
                .meta
                .evidence(region, setting(region, account), verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn verdict_per_region_and_only_where_workloads_may_run() {
        let mut account = account(&["eu-central-1", "eu-west-1", "eu-north-1", "us-east-1"]);
        region_mut(&mut account, "eu-west-1")
            .ec2
            .ebs_encryption_by_default = Ok(false);
        region_mut(&mut account, "eu-north-1")
            .ec2
            .ebs_encryption_by_default =
            Err(denied("ec2", "GetEbsEncryptionByDefault", "eu-north-1"));
        region_mut(&mut account, "us-east-1")
            .ec2
            .ebs_encryption_by_default = Ok(false);
        let findings = run(&CHECK, &account);
        let statuses: Vec<(&str, Status)> = findings
            .iter()
            .map(|f| (f.region.as_str(), f.status))
            .collect();
        assert_eq!(
            statuses,
            vec![
                ("eu-central-1", Status::Pass),
                ("eu-north-1", Status::Unknown),
                ("eu-west-1", Status::Fail),
                ("us-east-1", Status::NotApplicable),
            ]
        );
        assert_eq!(
            findings[2].resource_id,
            format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:ebs-encryption-by-default")
        );
    }

    #[test]
    fn unknown_regions_are_unknown() {
        let mut account = account(&[]);
        account.regions = Err(denied("ec2", "DescribeRegions", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
