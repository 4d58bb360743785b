use crate::check::Evidence;
use crate::check::EvalContext;
use crate::password::character_class_gap;
use crate::verdict::Verdict;

check! {
    title: "The account password policy demands length, complexity, no reuse and rotation",
    resource_type: "AWS::IAM::AccountPasswordPolicy",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let p = ctx.params;
    let verdict = match &ctx.account.iam.password_policy {
        Err(error) => Verdict::not_collected(error),
        Ok(None) => Verdict::fail("the account has no password policy (AWS defaults: 8 characters, no reuse prevention, no expiry)"),
        Ok(Some(policy)) => {
            let mut gaps = Vec::new();
            if policy.minimum_length < p.password_min_length {
                gaps.push(format!(
                    "minimum length {} < {}",
                    policy.minimum_length, p.password_min_length
                ));
            }
            gaps.extend(character_class_gap(
                policy.require_uppercase,
                policy.require_lowercase,
                policy.require_numbers,
                policy.require_symbols,
            ));
            match policy.reuse_prevention {
                Some(n) if n >= p.password_reuse_prevention => {}
                other => gaps.push(format!(
                    "remembers {} previous passwords (< {})",
                    other.unwrap_or(0),
                    p.password_reuse_prevention
                )),
            }
            match policy.max_age_days {
                Some(days) if days <= p.password_max_age_days => {}
                Some(days) => gaps.push(format!(
                    "passwords expire after {days} days (> {})",
                    p.password_max_age_days
                )),
                None => gaps.push("passwords never expire".into()),
            }
            if gaps.is_empty() {
                Verdict::pass("the password policy meets the baseline")
            } else {
                Verdict::fail(format!("the password policy is weak: {}", gaps.join("; ")))
            }
        }
    };
    vec![CHECK.meta.account_evidence(ctx, verdict)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::PasswordPolicy;
    use tomwatch_model::Status;

    fn strong() -> PasswordPolicy {
        PasswordPolicy {
            minimum_length: 14,
            require_symbols: true,
            require_numbers: true,
            require_uppercase: true,
            require_lowercase: true,
            reuse_prevention: Some(24),
            max_age_days: Some(90),
        }
    }

    fn judge(policy: Result<Option<PasswordPolicy>, ()>) -> Evidence {
        let mut account = account(&[]);
        account.iam.password_policy =
            policy.map_err(|()| denied("iam", "GetAccountPasswordPolicy", "global"));
        only(run(&CHECK, &account)).0
    }

    #[test]
    fn a_strong_policy_passes_and_each_gap_is_named() {
        assert_eq!(judge(Ok(Some(strong()))).status, Status::Pass);
        let weak = PasswordPolicy {
            minimum_length: 8,
            require_symbols: false,
            reuse_prevention: None,
            max_age_days: None,
            ..strong()
        };
        let finding = judge(Ok(Some(weak)));
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(
            finding.message,
            "the password policy is weak: minimum length 8 < 14; does not require symbols; remembers 0 previous passwords (< 24); passwords never expire"
        );
    }

    #[test]
    fn no_policy_fails_and_an_unreadable_one_is_unknown() {
        assert_eq!(judge(Ok(None)).status, Status::Fail);
        assert_eq!(judge(Err(())).status, Status::Unknown);
    }
}
