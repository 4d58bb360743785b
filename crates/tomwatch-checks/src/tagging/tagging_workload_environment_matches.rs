use super::{per_workload, short};
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "No account holds resources tagged for another environment",
    resource_type: "AWS::*::*",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let key = &ctx.params.environment_tag_key;
    let declared = ctx
        .account
        .environment
        .as_deref()
        .filter(|env| ctx.params.environments.iter().any(|e| e == env));
    per_workload(&CHECK.meta, ctx, |arn, tags| {
        let Some(account_env) = declared else {
            return Verdict::not_applicable(
                "the account declares no valid environment (see account_environment_declared)",
            );
        };
        match tags.get(key) {
            None => Verdict::pass(format!(
                "{} is not tagged for another environment",
                short(arn)
            )),
            Some(env) if env.eq_ignore_ascii_case(account_env) => Verdict::pass(format!(
                "{} is tagged {key}={env}, like its account",
                short(arn)
            )),
            Some(env) => Verdict::fail(format!(
                "{} is tagged {key}={env} but lives in the {account_env} account",
                short(arn)
            )),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagging::fixtures::{instances, tags};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn a_development_resource_in_production_fails() {
        let mut account = instances(vec![
            tags(&[("environment", "production")]),
            tags(&[]),
            tags(&[("environment", "development")]),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Pass, Status::Fail]);
        assert_eq!(
            findings[2].message,
            "instance/i-2 is tagged environment=development but lives in the production account"
        );
        account.environment = None;
        assert_eq!(run(&CHECK, &account)[2].status, Status::NotApplicable);
    }

    #[test]
    fn unreadable_tags_are_unknown() {
        let mut account = instances(vec![]);
        region_mut(&mut account, "eu-central-1").ec2.instances =
            Err(denied("ec2", "DescribeInstances", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
