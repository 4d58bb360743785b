use super::per_trail;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::{key_region_allowed, required_key};
use crate::verdict::Verdict;

check! {
    title: "CloudTrail trails encrypt their log files with KMS",
    resource_type: "AWS::CloudTrail::Trail",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_trail(&CHECK.meta, ctx, |region, trail| match &trail.kms_key_id {
        Some(key) => {
            let subject = format!("trail {}", trail.name);
            // A trail records every region; its key must be in an allowed one wherever it is.
            let judged = key_region_allowed(ctx, &subject, key)
                .and_then(|()| required_key(ctx, &subject, region, Some(key), ""));
            match judged {
                Ok(key) => Verdict::pass(format!("{subject} encrypts its logs with {key}")),
                Err(verdict) => verdict,
            }
        }
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

    #[test]
    fn a_key_outside_the_allowed_regions_fails_the_trail() {
        let mut abroad = trail("abroad");
        abroad.kms_key_id = Some("arn:aws:kms:us-east-1:111111111111:key/k".into());
        let findings = run_on_trails(&CHECK, Ok(vec![abroad]));
        assert_eq!(findings[0].status, Status::Fail, "{}", findings[0].message);
        assert!(findings[0].message.contains("us-east-1"), "{}", findings[0].message);
    }
}
