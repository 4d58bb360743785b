use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "A logging trail records S3 object-level (data) events, where the baseline asks",
    resource_type: "AWS::CloudTrail::Trail",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let verdict = if !ctx.params.s3_data_events_required {
        Verdict::not_applicable(
            "the baseline does not require S3 data events (s3_data_events_required)",
        )
    } else {
        match &ctx.account.regions {
            Err(error) => Verdict::not_collected(error),
            Ok(regions) => {
                let mut blind = None;
                let mut recording = None;
                for trail in regions.values().map(|r| &r.cloudtrail.trails) {
                    match trail {
                        Err(error) => blind = blind.or(Some(error)),
                        Ok(trails) => {
                            for trail in trails {
                                match (&trail.status, &trail.event_selectors) {
                                    (Ok(status), Ok(events))
                                        if status.is_logging && events.s3_data =>
                                    {
                                        recording = recording.or(Some(trail.name.clone()))
                                    }
                                    (Err(error), _) | (_, Err(error)) => {
                                        blind = blind.or(Some(error))
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
                // Positive evidence anywhere proves the promise; proving absence needs every region.
                match (recording, blind) {
                    (Some(name), _) => Verdict::pass(format!("trail {name} records S3 data events")),
                    (None, Some(error)) => Verdict::not_collected(error),
                    (None, None) => Verdict::fail(
                        "no logging trail records S3 data events: object reads and writes leave no audit trail",
                    ),
                }
            }
        }
    };
    vec![CHECK.meta.account_evidence(ctx, verdict)]
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::params::Parameters;
    use crate::testing::*;
    use tomwatch_model::inventory::TrailEvents;
    use tomwatch_model::Status;

    fn required() -> Parameters {
        Parameters {
            s3_data_events_required: true,
            ..Parameters::default()
        }
    }

    #[test]
    fn required_data_events_need_a_logging_trail_that_records_them() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").cloudtrail.trails = Ok(vec![trail("mgmt")]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::NotApplicable);
        assert_eq!(
            only(run_with(&CHECK, &account, &required())).1,
            Status::Fail
        );
        let mut data = trail("data");
        data.event_selectors = Ok(TrailEvents {
            s3_data: true,
            ..TrailEvents::default()
        });
        region_mut(&mut account, "eu-central-1").cloudtrail.trails = Ok(vec![trail("mgmt"), data]);
        assert_eq!(
            only(run_with(&CHECK, &account, &required())).1,
            Status::Pass
        );
    }

    #[test]
    fn a_blind_region_without_evidence_elsewhere_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").cloudtrail.trails =
            Err(denied("cloudtrail", "DescribeTrails", "eu-central-1"));
        assert_eq!(
            only(run_with(&CHECK, &account, &required())).1,
            Status::Unknown
        );
    }
}
