use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::inventory::Trail;

check! {
    title: "The account has a logging, multi-region CloudTrail trail",
    resource_type: "AWS::IAM::Account",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    vec![CHECK.meta.account_evidence(ctx, judge(ctx))]
}

fn judge(ctx: &EvalContext) -> Verdict {
    let regions = match &ctx.account.regions {
        Ok(regions) => regions,
        Err(error) => return Verdict::not_collected(error),
    };
    let mut first_error = None;
    let mut seen: Vec<&Trail> = Vec::new();
    for inventory in regions.values() {
        match &inventory.cloudtrail.trails {
            Ok(trails) => seen.extend(trails),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    // The TOM promises an audit trail; log file validation is judged on its own
    // (cloudtrail_trail_log_file_validation, beyond the TOM), not required here.
    let candidates = seen.iter().filter(|t| t.is_multi_region);
    for trail in candidates {
        match &trail.status {
            Ok(status) if status.is_logging => {
                let kind = if trail.organization_trail {
                    "organization trail"
                } else {
                    "trail"
                };
                return Verdict::pass(format!("{kind} {} is multi-region and logging", trail.name));
            }
            Ok(_) => {}
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    // Proof of absence needs every region's trails and every candidate's status.
    if let Some(error) = first_error {
        return Verdict::not_collected(error);
    }
    if seen.is_empty() {
        Verdict::fail("the account has no CloudTrail trail")
    } else {
        let names: Vec<&str> = seen.iter().map(|t| t.name.as_str()).collect();
        Verdict::fail(format!(
            "no trail is multi-region and logging at once (trails: {})",
            names.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::TrailStatus;
    use tomwatch_model::Status;

    fn trail(name: &str, multi: bool, validated: bool, logging: bool) -> Trail {
        Trail {
            arn: format!("arn:aws:cloudtrail:eu-central-1:{ACCOUNT}:trail/{name}"),
            name: name.into(),
            home_region: "eu-central-1".into(),
            is_multi_region: multi,
            log_file_validation: validated,
            kms_key_id: None,
            organization_trail: false,
            status: Ok(TrailStatus {
                is_logging: logging,
            }),
            event_selectors: Ok(Default::default()),
        }
    }

    fn verdict(trails: Vec<Trail>, other_region_denied: bool) -> Evidence {
        let mut account = account(&["eu-central-1", "eu-west-1"]);
        region_mut(&mut account, "eu-central-1").cloudtrail.trails = Ok(trails);
        if other_region_denied {
            region_mut(&mut account, "eu-west-1").cloudtrail.trails =
                Err(denied("cloudtrail", "DescribeTrails", "eu-west-1"));
        }
        only(run(&CHECK, &account)).0.clone()
    }

    #[test]
    fn one_good_trail_passes_even_when_another_region_is_blind() {
        let finding = verdict(vec![trail("org", true, true, true)], true);
        assert_eq!(finding.status, Status::Pass);
        assert_eq!(finding.resource_id, format!("arn:aws:iam::{ACCOUNT}:root"));
        assert_eq!(finding.region, "global");
    }

    /// The TOM promises an audit trail, not tamper-evident digests (a check of its own).
    #[test]
    fn a_multi_region_logging_trail_passes_without_log_file_validation() {
        assert_eq!(
            verdict(vec![trail("org", true, false, true)], false).status,
            Status::Pass
        );
    }

    #[test]
    fn missing_stopped_or_single_region_trails_fail() {
        assert_eq!(verdict(vec![], false).status, Status::Fail);
        for weak in [trail("a", false, true, true), trail("c", true, true, false)] {
            assert_eq!(
                verdict(vec![weak.clone()], false).status,
                Status::Fail,
                "{weak:?}"
            );
        }
    }

    #[test]
    fn absence_with_a_blind_region_is_unknown() {
        let finding = verdict(vec![trail("weak", false, false, true)], true);
        assert_eq!(finding.status, Status::Unknown);
        assert!(
            finding.message.contains("DescribeTrails"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn unreadable_status_of_the_only_candidate_is_unknown() {
        let mut t = trail("org", true, true, true);
        t.status = Err(denied("cloudtrail", "GetTrailStatus", "eu-central-1"));
        assert_eq!(verdict(vec![t], false).status, Status::Unknown);
    }
}
