use super::per_trail;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "CloudTrail trails validate their log files",
    resource_type: "AWS::CloudTrail::Trail",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_trail(&CHECK.meta, ctx, |_, trail| {
        if trail.log_file_validation {
            Verdict::pass(format!("trail {} validates its log files", trail.name))
        } else {
            Verdict::fail(format!(
                "trail {} does not validate its log files",
                trail.name
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{run_on_trails, trail};
    use super::*;
    use tomwatch_model::Status;

    #[test]
    fn verdict_per_trail() {
        let mut unvalidated = trail("unvalidated");
        unvalidated.log_file_validation = false;
        let findings = run_on_trails(&CHECK, Ok(vec![unvalidated, trail("validated")]));
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Fail, Status::Pass]
        );
    }

    #[test]
    fn unlistable_trails_are_unknown() {
        let findings = run_on_trails(&CHECK, Err(()));
        assert_eq!(findings[0].status, Status::Unknown);
        assert_eq!(
            findings[0].resource_id,
            "arn:aws:cloudtrail:eu-central-1:111111111111:trail/*"
        );
    }
}
