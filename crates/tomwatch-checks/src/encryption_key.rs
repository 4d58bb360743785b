//! What "encrypted with KMS" means, the same for every service: the data key is protected by a
//! KMS key, AWS managed (`aws/s3`, `aws/rds`, ...) or customer managed, as the baseline's
//! `at_rest_kms_keys` demands. A service's own key that KMS never sees (ElastiCache's default
//! at-rest encryption) is not KMS; the checks that meet one say so before asking here.

use crate::check::EvalContext;
use crate::params::KmsKeyRequirement;
use crate::verdict::Verdict;

/// How a message names the key, or the verdict on `subject` (FAIL or UNKNOWN) when the key does
/// not meet the baseline. `key` is the resource's key as the service reports it (ARN, key ID or
/// alias); `None` means the service's AWS managed key, named by `aws_managed_default`.
pub fn required_key(
    ctx: &EvalContext,
    subject: &str,
    region: &str,
    key: Option<&str>,
    aws_managed_default: &str,
) -> Result<String, Verdict> {
    let demand = Demand {
        requirement: ctx.params.at_rest_kms_keys,
        who: "the baseline (at_rest_kms_keys: customer_managed)",
    };
    judged_key(ctx, &demand, subject, region, key, aws_managed_default)
}

/// Like [`required_key`], for a resource that needs a customer-managed key whatever
/// `at_rest_kms_keys` says; `who` names the promise that asks for it in a FAIL.
pub fn customer_managed_key(
    ctx: &EvalContext,
    who: &str,
    subject: &str,
    region: &str,
    key: Option<&str>,
    aws_managed_default: &str,
) -> Result<String, Verdict> {
    let demand = Demand {
        requirement: KmsKeyRequirement::CustomerManaged,
        who,
    };
    judged_key(ctx, &demand, subject, region, key, aws_managed_default)
}

/// Which keys will do, and who asks.
struct Demand<'a> {
    requirement: KmsKeyRequirement,
    who: &'a str,
}

fn judged_key(
    ctx: &EvalContext,
    demand: &Demand,
    subject: &str,
    region: &str,
    key: Option<&str>,
    aws_managed_default: &str,
) -> Result<String, Verdict> {
    let aws_managed = |key: &str| {
        Verdict::fail(format!(
            "{subject} encrypts with the AWS managed key {key}, but {} asks for a \
             customer-managed key",
            demand.who
        ))
    };
    let Some(key) = key else {
        return match demand.requirement {
            KmsKeyRequirement::AwsOrCustomerManaged => {
                Ok(format!("the AWS managed key {aws_managed_default}"))
            }
            KmsKeyRequirement::CustomerManaged => Err(aws_managed(aws_managed_default)),
        };
    };
    // A key in the resource's own region shares the resource's region verdict; one elsewhere
    // must itself be allowed.
    if key_home(key).is_some_and(|home| home != region) {
        key_region_allowed(ctx, subject, key)?;
    }
    if demand.requirement == KmsKeyRequirement::AwsOrCustomerManaged {
        return Ok(key.to_string());
    }
    // `alias/aws/` is reserved for AWS managed keys; any other alias names a customer's key.
    let alias = match key.split_once(":alias/") {
        Some((_, name)) => Some(name),
        None => key.strip_prefix("alias/"),
    };
    if let Some(name) = alias {
        return if name.starts_with("aws/") {
            Err(aws_managed(&format!("alias/{name}")))
        } else {
            Ok(format!("customer-managed key alias/{name}"))
        };
    }
    // AWS managed keys cannot be used from another account: a key of another is a customer's.
    let owner = key.split(':').nth(4).filter(|owner| !owner.is_empty());
    if let Some(owner) = owner.filter(|owner| *owner != ctx.account.account_id) {
        return Ok(format!("customer-managed key {key} of account {owner}"));
    }
    // A key ARN says where the key lives; a bare ID lives in the resource's region.
    let region = key_home(key).unwrap_or(region);
    let regions = ctx
        .account
        .regions
        .as_ref()
        .map_err(Verdict::not_collected)?;
    let Some(inventory) = regions.get(region) else {
        return Err(Verdict::undecidable(format!(
            "{subject}'s key {key} is in {region}, which tomwatch does not scan, so who manages it is unseen"
        )));
    };
    let keys = inventory
        .kms
        .keys
        .as_ref()
        .map_err(Verdict::not_collected)?;
    let id = key.rsplit('/').next().unwrap_or(key); // default: a bare key ID has no slash
    let Some(found) = keys.iter().find(|k| k.arn == key || k.key_id == id) else {
        return Err(Verdict::undecidable(format!(
            "{subject}'s key {key} is not among the keys ListKeys shows in {region}"
        )));
    };
    match &found.details {
        Err(error) => Err(Verdict::not_collected(error)),
        Ok(details) if details.is_customer_managed() => Ok(format!("customer-managed key {key}")),
        Ok(_) => Err(aws_managed(key)),
    }
}

/// The region a key ARN names; `None` for a key ID or alias.
fn key_home(key: &str) -> Option<&str> {
    key.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The key holds the data's protection, so it must live where the data may (TOM-REGION): FAIL
/// for a key whose ARN names a region outside the allowed ones. For resources without a region
/// verdict of their own (a trail, which records every region, and a backup vault).
pub fn key_region_allowed(ctx: &EvalContext, subject: &str, key: &str) -> Result<(), Verdict> {
    match key_home(key) {
        Some(home) if !ctx.params.allowed_regions.allows(home) => Err(Verdict::fail(format!(
            "{subject} encrypts with {key}, a key in {home}, outside the allowed regions ({})",
            ctx.params.allowed_regions.describe()
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Parameters;
    use crate::testing::*;
    use tomwatch_model::{AccountInventory, Status};

    const CUSTOMER_KEY: &str = "arn:aws:kms:eu-central-1:111111111111:key/customer";
    const AWS_KEY: &str = "arn:aws:kms:eu-central-1:111111111111:key/aws-managed";

    fn estate() -> AccountInventory {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").kms.keys = Ok(vec![
            kms_key(CUSTOMER_KEY, "CUSTOMER"),
            kms_key(AWS_KEY, "AWS"),
        ]);
        account
    }

    fn judged(
        account: &AccountInventory,
        requirement: KmsKeyRequirement,
        key: Option<&str>,
    ) -> Result<String, Status> {
        let params = Parameters {
            at_rest_kms_keys: requirement,
            ..Parameters::default()
        };
        let ctx = EvalContext {
            account,
            params: &params,
        };
        required_key(&ctx, "bucket data", "eu-central-1", key, "aws/s3").map_err(|v| v.status)
    }

    #[test]
    fn by_default_any_kms_key_will_do() {
        let account = estate();
        for key in [
            None,
            Some(AWS_KEY),
            Some(CUSTOMER_KEY),
            Some("alias/aws/s3"),
        ] {
            assert!(
                judged(&account, KmsKeyRequirement::AwsOrCustomerManaged, key).is_ok(),
                "{key:?}"
            );
        }
    }

    #[test]
    fn customer_managed_means_the_key_manager_is_the_customer() {
        let account = estate();
        let strict = KmsKeyRequirement::CustomerManaged;
        assert!(judged(&account, strict, Some(CUSTOMER_KEY)).is_ok());
        assert!(
            judged(&account, strict, Some("customer")).is_ok(),
            "a bare key ID"
        );
        assert!(
            judged(&account, strict, Some("alias/orders")).is_ok(),
            "only AWS names aliases aws/"
        );
        assert!(judged(
            &account,
            strict,
            Some("arn:aws:kms:eu-central-1:999999999999:key/shared")
        )
        .is_ok());
        assert_eq!(judged(&account, strict, Some(AWS_KEY)), Err(Status::Fail));
        assert_eq!(
            judged(&account, strict, None),
            Err(Status::Fail),
            "the service's default key"
        );
        assert_eq!(
            judged(
                &account,
                strict,
                Some("arn:aws:kms:eu-central-1:111111111111:alias/aws/s3")
            ),
            Err(Status::Fail)
        );
    }

    #[test]
    fn a_key_outside_the_allowed_regions_fails_whoever_manages_it() {
        let account = estate();
        let london = "arn:aws:kms:eu-west-2:999999999999:key/replica";
        for requirement in [
            KmsKeyRequirement::AwsOrCustomerManaged,
            KmsKeyRequirement::CustomerManaged,
        ] {
            assert_eq!(
                judged(&account, requirement, Some(london)),
                Err(Status::Fail)
            );
        }
    }

    #[test]
    fn a_key_that_cannot_be_looked_up_is_unknown_not_compliant() {
        let mut account = estate();
        let strict = KmsKeyRequirement::CustomerManaged;
        assert_eq!(
            judged(
                &account,
                strict,
                Some("arn:aws:kms:eu-central-1:111111111111:key/unlisted")
            ),
            Err(Status::Unknown)
        );
        assert_eq!(
            judged(
                &account,
                strict,
                Some("arn:aws:kms:eu-west-3:111111111111:key/elsewhere")
            ),
            Err(Status::Unknown),
            "a region tomwatch does not scan"
        );
        region_mut(&mut account, "eu-central-1").kms.keys =
            Err(denied("kms", "ListKeys", "eu-central-1"));
        assert_eq!(
            judged(&account, strict, Some(CUSTOMER_KEY)),
            Err(Status::Unknown)
        );
    }
}
