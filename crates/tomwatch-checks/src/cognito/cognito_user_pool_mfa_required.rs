use super::per_pool;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Cognito user pools require MFA",
    resource_type: "AWS::Cognito::UserPool",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let optional_ok = ctx.params.cognito_optional_mfa_allowed;
    per_pool(&CHECK.meta, ctx, |pool, details| {
        match details.mfa.as_str() {
            "ON" => Verdict::pass(format!("user pool {} requires MFA", pool.name)),
            "OPTIONAL" if optional_ok => Verdict::pass(format!(
                "user pool {} offers MFA, which the baseline accepts",
                pool.name
            )),
            "OPTIONAL" => Verdict::fail(format!(
                "user pool {} leaves MFA optional: users may sign in with a password alone",
                pool.name
            )),
            other => Verdict::fail(format!("user pool {} has MFA {other}", pool.name)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::fixtures::*;
    use crate::params::Parameters;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn on_passes_optional_fails_unless_accepted() {
        let account = with_pools(vec![
            pool("a", "ON"),
            pool("b", "OPTIONAL"),
            pool("c", "OFF"),
        ]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail, Status::Fail]);
        let lenient = Parameters {
            cognito_optional_mfa_allowed: true,
            ..Parameters::default()
        };
        assert_eq!(run_with(&CHECK, &account, &lenient)[1].status, Status::Pass);
        assert_eq!(unreadable_pool_finding(&CHECK).status, Status::Unknown);
    }
}
