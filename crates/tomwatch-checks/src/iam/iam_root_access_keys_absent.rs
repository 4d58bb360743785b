use crate::check::EvalContext;
use crate::check::Evidence;
use crate::verdict::Verdict;

check! {
    title: "The root user has no access keys",
    resource_type: "AWS::IAM::RootUser",
    evaluate,
}

/// A root access key is a long-lived credential that no IAM policy can restrict, so no rotation
/// makes it acceptable: AWS's own guidance is to have none.
fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let verdict = match &ctx.account.iam.account_summary {
        Err(error) => Verdict::not_collected(error),
        Ok(summary) if summary.root_access_keys_present => Verdict::fail(
            "the root user has an access key: a credential no policy can restrict opens the whole account",
        ),
        Ok(_) => Verdict::pass("the root user has no access keys"),
    };
    vec![CHECK.meta.account_evidence(ctx, verdict)]
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::on_summary;
    use super::*;
    use tomwatch_model::inventory::IamAccountSummary;
    use tomwatch_model::Status;

    fn with(keys: Result<bool, ()>) -> Status {
        let summary = keys.map(|present| IamAccountSummary {
            root_mfa_enabled: true,
            root_access_keys_present: present,
            root_password_present: Some(true),
            root_signing_certificates_present: Some(false),
        });
        on_summary(&CHECK, summary)
    }

    #[test]
    fn root_keys_fail_their_absence_passes_and_an_unread_summary_is_unknown() {
        assert_eq!(with(Ok(true)), Status::Fail);
        assert_eq!(with(Ok(false)), Status::Pass);
        assert_eq!(with(Err(())), Status::Unknown);
    }
}
