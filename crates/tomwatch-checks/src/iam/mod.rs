checks! {
    iam_access_key_rotated,
    iam_password_policy_strong,
    iam_root_access_keys_absent,
    iam_root_mfa_enabled,
    iam_user_console_mfa,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::verdict::Verdict;
use tomwatch_model::inventory::IamUser;
use tomwatch_model::GLOBAL_REGION;

/// Evaluates `judge` on every IAM user (one UNKNOWN for the account if users could not be listed).
fn per_user(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&IamUser) -> Verdict,
) -> Vec<Evidence> {
    match &ctx.account.iam.users {
        Ok(users) => users
            .iter()
            .map(|user| meta.evidence(GLOBAL_REGION, user.arn.clone(), judge(user)))
            .collect(),
        Err(error) => {
            let id = format!("arn:aws:iam::{}:user/*", ctx.account.account_id);
            vec![meta.evidence(GLOBAL_REGION, id, Verdict::unknown(error))]
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::IamUser;

    pub fn user(name: &str) -> IamUser {
        IamUser {
            arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            name: name.into(),
            console_password: Ok(false),
            mfa_devices: Ok(0),
            access_keys: Ok(vec![]),
        }
    }
}
