use super::per_trail;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "CloudTrail trails record every region",
    resource_type: "AWS::CloudTrail::Trail",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_trail(&CHECK.meta, ctx, |_, trail| {
        if trail.is_multi_region {
            Verdict::pass(format!("trail {} records all regions", trail.name))
        } else {
            Verdict::fail(format!(
                "trail {} records only {}",
                trail.name, trail.home_region
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
        let mut single = trail("single");
        single.is_multi_region = false;
        let findings = run_on_trails(&CHECK, Ok(vec![trail("multi"), single]));
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            findings[1].message,
            "trail single records only eu-central-1"
        );
    }

    #[test]
    fn unlistable_trails_are_unknown() {
        let findings = run_on_trails(&CHECK, Err(()));
        assert_eq!(
            findings.iter().map(|f| f.status).collect::<Vec<_>>(),
            vec![Status::Unknown]
        );
    }
}
