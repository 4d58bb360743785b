use super::per_trail;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "CloudTrail trails encrypt their log files with KMS",
    resource_type: "AWS::CloudTrail::Trail",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_trail(&CHECK.meta, ctx, |_, trail| match &trail.kms_key_id {
        Some(key) => Verdict::pass(format!("trail {} encrypts its logs with {key}", trail.name)),
        None => Verdict::fail(format!(
            "trail {} does not encrypt its logs with KMS",
            trail.name
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run_on_trails, trail};
    use super::*;
    use tomwatch_model::Status;

    #[test]
    fn verdict_per_trail() {
        let mut encrypted = trail("encrypted");
        encrypted.kms_key_id = Some("arn:aws:kms:eu-central-1:111111111111:key/k".into());
        let findings = run_on_trails(&CHECK, Ok(vec![encrypted, trail("plain")]));
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            findings[1].message,
            "trail plain does not encrypt its logs with KMS"
        );
    }

    #[test]
    fn unlistable_trails_are_unknown() {
        assert_eq!(run_on_trails(&CHECK, Err(()))[0].status, Status::Unknown);
    }
}
