use super::per_user;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "IAM users with a console password have MFA",
    resource_type: "AWS::IAM::User",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_user(&CHECK.meta, ctx, |user| {
        let password = match &user.console_password {
            Ok(password) => *password,
            Err(error) => return Verdict::not_collected(error),
        };
        if !password {
            return Verdict::not_applicable(format!(
                "user {} cannot sign in to the console",
                user.name
            ));
        }
        match &user.mfa_devices {
            Err(error) => Verdict::not_collected(error),
            Ok(0) => Verdict::fail(format!(
                "user {} signs in to the console with a password and no MFA device",
                user.name
            )),
            Ok(n) => Verdict::pass(format!(
                "user {} has a console password and {n} MFA device(s)",
                user.name
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::user;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn console_users_need_mfa_and_api_only_users_are_not_applicable() {
        let mut account = account(&[]);
        let mut with_mfa = user("alice");
        with_mfa.console_password = Ok(true);
        with_mfa.mfa_devices = Ok(1);
        let mut without = user("bob");
        without.console_password = Ok(true);
        let api_only = user("ci");
        let mut unknown = user("dora");
        unknown.console_password = Err(denied("iam", "GetLoginProfile", "global"));
        let mut unknown_mfa = user("eve");
        unknown_mfa.console_password = Ok(true);
        unknown_mfa.mfa_devices = Err(denied("iam", "ListMFADevices", "global"));
        account.iam.users = Ok(vec![with_mfa, without, api_only, unknown, unknown_mfa]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Fail,
                Status::NotApplicable,
                Status::Unknown,
                Status::Unknown
            ]
        );
        account.iam.users = Err(denied("iam", "ListUsers", "global"));
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert_eq!(
            finding.resource_id,
            format!("arn:aws:iam::{ACCOUNT}:user/*")
        );
    }
}
