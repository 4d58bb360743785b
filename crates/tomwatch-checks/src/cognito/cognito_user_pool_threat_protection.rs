use super::per_pool;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Cognito threat protection (advanced security) is enforced where the baseline asks",
    resource_type: "AWS::Cognito::UserPool",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let required = ctx.params.cognito_threat_protection_required;
    per_pool(&CHECK.meta, ctx, |pool, details| {
        let mode = details.advanced_security.as_deref().unwrap_or("OFF");
        match (required, mode) {
            (_, "ENFORCED") => Verdict::pass(format!(
                "user pool {} enforces threat protection",
                pool.name
            )),
            (false, _) => Verdict::not_applicable(format!(
                "user pool {} has threat protection {mode}; the baseline does not require it (cognito_threat_protection_required)",
                pool.name
            )),
            (true, _) => Verdict::fail(format!(
                "user pool {} has threat protection {mode}, not ENFORCED",
                pool.name
            )),
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
    fn audit_mode_fails_only_where_required() {
        let mut audit = pool("audit", "ON");
        if let Ok(details) = &mut audit.details {
            details.advanced_security = Some("AUDIT".into());
        }
        let account = with_pools(vec![pool("enforced", "ON"), audit]);
        let statuses: Vec<Status> = run(&CHECK, &account).iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail]);
        let optional = Parameters {
            cognito_threat_protection_required: false,
            ..Parameters::default()
        };
        assert_eq!(
            run_with(&CHECK, &account, &optional)[1].status,
            Status::NotApplicable
        );
        assert_eq!(unreadable_pool_finding(&CHECK).status, Status::Unknown);
    }
}
