checks! {
    cognito_user_pool_mfa_required,
    cognito_user_pool_password_policy,
    cognito_user_pool_threat_protection,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds;
use crate::verdict::Verdict;
use tomwatch_model::inventory::{UserPool, UserPoolDetails};

/// Evaluates `judge` on the settings of every user pool (UNKNOWN where they could not be read).
fn per_pool(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&UserPool, &UserPoolDetails) -> Verdict,
) -> Vec<Evidence> {
    meta.per_region_item(
        ctx,
        kinds::COGNITO_USER_POOL.select,
        kinds::COGNITO_USER_POOL.wildcard,
        |_, pool| {
            let verdict = match &pool.details {
                Ok(details) => judge(pool, details),
                Err(error) => Verdict::not_collected(error),
            };
            (pool.arn.clone(), verdict)
        },
    )
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::check::Evidence;
    use crate::testing::*;
    use tomwatch_model::inventory::{UserPool, UserPoolDetails, UserPoolPasswordPolicy};
    use tomwatch_model::AccountInventory;

    pub fn pool(name: &str, mfa: &str) -> UserPool {
        UserPool {
            arn: format!("arn:aws:cognito-idp:eu-central-1:{ACCOUNT}:userpool/eu-central-1_{name}"),
            id: format!("eu-central-1_{name}"),
            name: name.into(),
            details: Ok(UserPoolDetails {
                mfa: mfa.into(),
                password_policy: Some(UserPoolPasswordPolicy {
                    minimum_length: 12,
                    require_uppercase: true,
                    require_lowercase: true,
                    require_numbers: true,
                    require_symbols: true,
                }),
                advanced_security: Some("ENFORCED".into()),
            }),
        }
    }

    pub fn with_pools(pools: Vec<UserPool>) -> AccountInventory {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").cognito.user_pools = Ok(pools);
        account
    }

    pub fn unreadable_pool_finding(check: &crate::check::Check) -> Evidence {
        let mut unreadable = pool("x", "ON");
        unreadable.details = Err(denied("cognito-idp", "DescribeUserPool", "eu-central-1"));
        only(run(check, &with_pools(vec![unreadable]))).0
    }
}
