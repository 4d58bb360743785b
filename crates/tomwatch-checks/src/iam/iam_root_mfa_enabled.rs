use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "The root user signs in only with MFA",
    resource_type: "AWS::IAM::RootUser",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let verdict = match &ctx.account.iam.account_summary {
        Err(error) => Verdict::unknown(error),
        Ok(summary) if summary.root_mfa_enabled => Verdict::pass("the root user has an MFA device"),
        Ok(_) => Verdict::fail(
            "the root user has no MFA device: a password alone opens the whole account",
        ),
    };
    vec![CHECK.meta.account_evidence(ctx, verdict)]
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::on_summary;
    use super::*;
    use tomwatch_model::inventory::IamAccountSummary;
    use tomwatch_model::Status;

    fn with(summary: Result<bool, ()>) -> Status {
        let summary = summary.map(|mfa| IamAccountSummary {
            root_mfa_enabled: mfa,
            root_access_keys_present: false,
        });
        on_summary(&CHECK, summary)
    }

    #[test]
    fn root_mfa_passes_fails_or_is_unknown() {
        assert_eq!(with(Ok(true)), Status::Pass);
        assert_eq!(with(Ok(false)), Status::Fail);
        assert_eq!(with(Err(())), Status::Unknown);
    }
}
