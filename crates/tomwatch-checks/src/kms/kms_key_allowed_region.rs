use super::per_key;
use crate::check::Evidence;
use crate::check::{region_verdict, Check, CheckMeta, EvalContext};
use crate::verdict::Verdict;

pub const CHECK: Check = Check {
    meta: CheckMeta {
        id: "kms_key_allowed_region",
        title: "Customer-managed KMS keys exist only in allowed regions",
        resource_type: "AWS::KMS::Key",
    },
    evaluate,
};

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_key(&CHECK.meta, ctx, |region, key| match &key.details {
        Err(error) => Verdict::unknown(error),
        // AWS creates its managed keys where a service first needs one: not a workload.
        Ok(details) if !details.is_customer_managed() => {
            Verdict::not_applicable(format!("key {} is managed by AWS", key.key_id))
        }
        Ok(_) => region_verdict(ctx, &format!("key {}", key.key_id), region),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::{KmsKey, KmsKeyDetails};
    use tomwatch_model::Status;

    fn key(region: &str, manager: &str) -> KmsKey {
        KmsKey {
            arn: format!("arn:aws:kms:{region}:{ACCOUNT}:key/k-{manager}"),
            key_id: format!("k-{manager}"),
            details: Ok(KmsKeyDetails {
                key_manager: manager.into(),
                key_state: "Enabled".into(),
                key_spec: "SYMMETRIC_DEFAULT".into(),
                origin: "AWS_KMS".into(),
            }),
            rotation_enabled: None,
        }
    }

    #[test]
    fn customer_keys_follow_the_region_and_aws_keys_are_not_workloads() {
        let mut account = account(&["eu-central-1", "us-east-1"]);
        region_mut(&mut account, "eu-central-1").kms.keys =
            Ok(vec![key("eu-central-1", "CUSTOMER")]);
        region_mut(&mut account, "us-east-1").kms.keys =
            Ok(vec![key("us-east-1", "CUSTOMER"), key("us-east-1", "AWS")]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![Status::Pass, Status::Fail, Status::NotApplicable]
        );
    }

    #[test]
    fn undescribable_keys_are_unknown() {
        let mut account = account(&["us-east-1"]);
        let mut k = key("us-east-1", "CUSTOMER");
        k.details = Err(denied("kms", "DescribeKey", "us-east-1"));
        region_mut(&mut account, "us-east-1").kms.keys = Ok(vec![k]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
