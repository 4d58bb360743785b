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
        Err(error) => Verdict::not_collected(error),
        Ok(summary) if summary.root_mfa_enabled => Verdict::pass("the root user has an MFA device"),
        // Centralized root access deletes a member account's root password, keys and
        // certificates and blocks password recovery: no one signs in as root, so MFA has
        // nothing to guard. A management account's root cannot be removed so.
        Ok(summary) if summary.root_credentials_absent() => {
            match &ctx.account.organizations.organization {
                Err(error) => Verdict::not_collected(error),
                Ok(Some(org)) if org.management_account_id != ctx.account.account_id => {
                    Verdict::not_applicable(format!(
                        "the root user has no password, access keys or signing certificates \
                         (removed through {}'s centralized root access): no one can sign in as root",
                        org.id
                    ))
                }
                Ok(_) => Verdict::fail(
                    "the root user has no MFA device; it has no password now, but outside an \
                     organization's centralized root access a password can be recovered by email",
                ),
            }
        }
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
    use crate::testing::*;
    use tomwatch_model::inventory::{IamAccountSummary, Organization};
    use tomwatch_model::Status;

    fn summary(mfa: bool) -> IamAccountSummary {
        IamAccountSummary {
            root_mfa_enabled: mfa,
            root_access_keys_present: false,
            root_password_present: Some(true),
            root_signing_certificates_present: Some(false),
        }
    }

    /// A root user without any credential, in an account whose organization is managed from
    /// `management`.
    fn removed_in(management: Option<&str>) -> Status {
        let mut account = account(&[]);
        account.iam.account_summary = Ok(IamAccountSummary {
            root_password_present: Some(false),
            ..summary(false)
        });
        account.organizations.organization = Ok(management.map(|id| Organization {
            id: "o-abcdefghij".into(),
            arn: format!("arn:aws:organizations::{id}:organization/o-abcdefghij"),
            management_account_id: id.into(),
        }));
        only(run(&CHECK, &account)).1
    }

    #[test]
    fn root_mfa_passes_fails_or_is_unknown() {
        assert_eq!(on_summary(&CHECK, Ok(summary(true))), Status::Pass);
        assert_eq!(on_summary(&CHECK, Ok(summary(false))), Status::Fail);
        assert_eq!(on_summary(&CHECK, Err(())), Status::Unknown);
    }

    #[test]
    fn a_member_whose_root_credentials_were_removed_centrally_is_not_applicable() {
        assert_eq!(removed_in(Some("999999999999")), Status::NotApplicable);
        // The management account's root, or a standalone account's, can recover a password.
        assert_eq!(removed_in(Some(ACCOUNT)), Status::Fail);
        assert_eq!(removed_in(None), Status::Fail);
    }

    #[test]
    fn credentials_removal_needs_proof_not_silence() {
        let mut account = account(&[]);
        account.iam.account_summary = Ok(IamAccountSummary {
            root_password_present: None,
            root_signing_certificates_present: None,
            ..summary(false)
        });
        account.organizations.organization = Ok(Some(Organization {
            id: "o-abcdefghij".into(),
            arn: "arn:aws:organizations::999999999999:organization/o-abcdefghij".into(),
            management_account_id: "999999999999".into(),
        }));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Fail);
        // Removed credentials, but whether the account is a member could not be read.
        account.iam.account_summary = Ok(IamAccountSummary {
            root_password_present: Some(false),
            ..summary(false)
        });
        account.organizations.organization =
            Err(denied("organizations", "DescribeOrganization", "global"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
