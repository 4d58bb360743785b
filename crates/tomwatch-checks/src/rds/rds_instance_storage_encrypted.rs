use super::per_instance;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::required_key;
use crate::verdict::Verdict;

check! {
    title: "RDS instance storage is encrypted with KMS",
    resource_type: "AWS::RDS::DBInstance",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_instance(&CHECK.meta, ctx, |region, db| {
        if db.storage_encrypted {
            let subject = format!("database {}", db.identifier);
            match required_key(ctx, &subject, region, db.kms_key_id.as_deref(), "aws/rds") {
                Ok(key) => Verdict::pass(format!("{subject} storage is encrypted with {key}")),
                Err(verdict) => verdict,
            }
        } else {
            Verdict::fail(format!(
                "database {} storage is not encrypted",
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
    fn verdict_per_instance() {
        let findings = run_on_rds(
            &CHECK,
            Ok(vec![
                rds_instance("enc", true, false),
                rds_instance("plain", false, false),
            ]),
        );
        assert_eq!(
            statuses(&findings),
            vec![
                (
                    format!("arn:aws:rds:eu-central-1:{ACCOUNT}:db:enc"),
                    Status::Pass
                ),
                (
                    format!("arn:aws:rds:eu-central-1:{ACCOUNT}:db:plain"),
                    Status::Fail
                ),
            ]
        );
    }

    #[test]
    fn unlistable_databases_are_unknown() {
        assert_eq!(only(run_on_rds(&CHECK, Err(()))).1, Status::Unknown);
    }
}
