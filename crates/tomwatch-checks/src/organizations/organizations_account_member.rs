use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "The account is a member of an AWS Organization",
    resource_type: "AWS::Organizations::Account",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let verdict = match &ctx.account.organizations.organization {
        Err(error) => Verdict::not_collected(error),
        Ok(Some(org)) => Verdict::pass(format!(
            "member of organization {} (management account {})",
            org.id, org.management_account_id
        )),
        Ok(None) => Verdict::fail(
            "the account belongs to no organization: prod/dev separation and guardrails (SCPs) cannot be enforced centrally",
        ),
    };
    vec![CHECK.meta.account_evidence(ctx, verdict)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::Organization;
    use tomwatch_model::Status;

    #[test]
    fn membership_passes_standalone_fails_denied_is_unknown() {
        let mut account = account(&[]);
        account.organizations.organization = Ok(Some(Organization {
            id: "o-abc".into(),
            arn: "arn:aws:organizations::999999999999:organization/o-abc".into(),
            management_account_id: "999999999999".into(),
        }));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Pass);
        account.organizations.organization = Ok(None);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Fail);
        account.organizations.organization =
            Err(denied("organizations", "DescribeOrganization", "global"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
