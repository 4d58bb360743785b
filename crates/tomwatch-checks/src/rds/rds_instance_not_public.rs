use super::per_instance;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "RDS instances are not publicly accessible",
    resource_type: "AWS::RDS::DBInstance",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_instance(&CHECK.meta, ctx, |_, db| {
        if db.publicly_accessible {
            Verdict::fail(format!("database {} is publicly accessible", db.identifier))
        } else {
            Verdict::pass(format!(
                "database {} is not publicly accessible",
                db.identifier
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn public_fails_private_passes() {
        let findings = run_on_rds(
            &CHECK,
            Ok(vec![
                rds_instance("pub", true, true),
                rds_instance("priv", true, false),
            ]),
        );
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Fail, Status::Pass]
        );
        assert_eq!(findings[0].message, "database pub is publicly accessible");
    }

    #[test]
    fn unlistable_databases_are_unknown() {
        let (finding, status) = only(run_on_rds(&CHECK, Err(())));
        assert_eq!(status, Status::Unknown);
        assert!(finding.message.contains("DescribeDBInstances"));
    }
}
