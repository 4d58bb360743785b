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
            vec![meta.evidence(GLOBAL_REGION, id, Verdict::not_collected(error))]
        }
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::check::Check;
    use crate::testing::{account, denied, only, run, ACCOUNT};
    use tomwatch_model::inventory::{IamAccountSummary, IamUser};
    use tomwatch_model::Status;

    /// The status `check` gives an account whose summary reads so (`Err`: it could not be read).
    pub fn on_summary(check: &Check, summary: Result<IamAccountSummary, ()>) -> Status {
        let mut account = account(&[]);
        account.iam.account_summary =
            summary.map_err(|()| denied("iam", "GetAccountSummary", "global"));
        only(run(check, &account)).1
    }

    pub fn user(name: &str) -> IamUser {
        IamUser {
            arn: format!("arn:aws:iam::{ACCOUNT}:user/{name}"),
            name: name.into(),
            console_password: Ok(false),
            mfa_devices: None,
            access_keys: Ok(vec![]),
        }
    }
}
