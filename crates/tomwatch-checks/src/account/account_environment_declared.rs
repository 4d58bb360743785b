use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Every audited account declares the one environment it serves",
    resource_type: "AWS::Organizations::Account",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    // The declaration is configuration, not an API answer: it cannot be UNKNOWN.
    let allowed = &ctx.params.environments;
    let verdict = match ctx.account.environment.as_deref() {
        None => Verdict::fail(
            "the config declares no environment for this account: prod/dev separation cannot be verified",
        ),
        Some(env) if allowed.iter().any(|a| a == env) => {
            Verdict::pass(format!("declared as {env}"))
        }
        Some(env) => Verdict::fail(format!(
            "declared as `{env}`, which is not one environment of {} (an account serves exactly one)",
            allowed.join(", ")
        )),
    };
    vec![CHECK.meta.account_evidence(ctx, verdict)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn a_known_single_environment_passes() {
        let mut account = account(&[]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Pass);
        account.environment = None;
        assert_eq!(only(run(&CHECK, &account)).1, Status::Fail);
        account.environment = Some("production+development".into());
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail);
        assert!(
            finding.message.contains("exactly one"),
            "{}",
            finding.message
        );
    }
}
