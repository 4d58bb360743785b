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
            Some(Err(error)) => Verdict::not_collected(error),
            Some(Ok(0)) => Verdict::fail(format!(
                "user {} signs in to the console with a password and no MFA device",
                user.name
            )),
            Some(Ok(n)) => Verdict::pass(format!(
                "user {} has a console password and {n} MFA device(s)",
                user.name
            )),
            // The collector reads the devices of every user with a password; without them
            // there is no evidence either way.
            None => Verdict::undecidable(format!(
                "the MFA devices of user {} were not read",
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
        with_mfa.mfa_devices = Some(Ok(1));
        let mut without = user("bob");
        without.console_password = Ok(true);
        without.mfa_devices = Some(Ok(0));
        let api_only = user("ci");
        let mut unknown = user("dora");
        unknown.console_password = Err(denied("iam", "GetLoginProfile", "global"));
        let mut unknown_mfa = user("eve");
        unknown_mfa.console_password = Ok(true);
        unknown_mfa.mfa_devices = Some(Err(denied("iam", "ListMFADevices", "global")));
        let mut unread_mfa = user("finn");
        unread_mfa.console_password = Ok(true);
        account.iam.users = Ok(vec![
            with_mfa,
            without,
            api_only,
            unknown,
            unknown_mfa,
            unread_mfa,
        ]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Fail,
                Status::NotApplicable,
                Status::Unknown,
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
