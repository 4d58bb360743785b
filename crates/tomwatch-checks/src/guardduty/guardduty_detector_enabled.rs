use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::GLOBAL_REGION;

check! {
    title: "GuardDuty threat detection is on in every allowed region",
    resource_type: "AWS::GuardDuty::Detector",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let account = &ctx.account.account_id;
    let regions = match &ctx.account.regions {
        Ok(regions) => regions,
        Err(error) => {
            let id = format!("arn:aws:guardduty:*:{account}:detector/*");
            return vec![CHECK
                .meta
                .evidence(GLOBAL_REGION, id, Verdict::not_collected(error))];
        }
    };
    regions
        .iter()
        .map(|(region, inventory)| {
            // One finding per region: the promise is about the region, whatever detector holds it.
            let id = format!("arn:aws:guardduty:{region}:{account}:detector/*");
            let verdict = if !ctx.params.allowed_regions.allows(region) {
                Verdict::not_applicable(format!(
                    "{region} is not an allowed region (TOM-REGION reports anything running there)"
                ))
            } else {
                match &inventory.guardduty.detectors {
                    Err(error) => Verdict::not_collected(error),
                    Ok(detectors) => {
                        let states: Vec<_> =
                            detectors.iter().map(|d| (&d.id, &d.enabled)).collect();
                        if let Some((id, _)) = states.iter().find(|(_, e)| matches!(e, Ok(true))) {
                            Verdict::pass(format!("detector {id} is enabled in {region}"))
                        } else if let Some((_, Err(error))) =
                            states.iter().find(|(_, e)| e.is_err())
                        {
                            Verdict::not_collected(error)
                        } else if detectors.is_empty() {
                            Verdict::fail(format!("GuardDuty has no detector in {region}"))
                        } else {
                            Verdict::fail(format!(
                                "the GuardDuty detector in {region} is suspended"
                            ))
                        }
                    }
                }
            };
            CHECK.meta.evidence(region, id, verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::Detector;
    use tomwatch_model::Status;

    #[test]
    fn each_allowed_region_needs_an_enabled_detector() {
        let mut account = account(&["eu-central-1", "eu-west-1", "eu-north-1", "us-east-1"]);
        region_mut(&mut account, "eu-west-1").guardduty.detectors = Ok(vec![]);
        region_mut(&mut account, "eu-north-1").guardduty.detectors = Ok(vec![Detector {
            id: "d-2".into(),
            enabled: Ok(false),
        }]);
        region_mut(&mut account, "us-east-1").guardduty.detectors = Ok(vec![]);
        let statuses: Vec<(String, Status)> = run(&CHECK, &account)
            .into_iter()
            .map(|f| (f.region, f.status))
            .collect();
        assert_eq!(
            statuses,
            vec![
                ("eu-central-1".into(), Status::Pass),
                ("eu-north-1".into(), Status::Fail),
                ("eu-west-1".into(), Status::Fail),
                ("us-east-1".into(), Status::NotApplicable),
            ]
        );
    }

    #[test]
    fn an_unreadable_detector_list_or_status_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").guardduty.detectors =
            Err(denied("guardduty", "ListDetectors", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
        region_mut(&mut account, "eu-central-1").guardduty.detectors = Ok(vec![Detector {
            id: "d-1".into(),
            enabled: Err(denied("guardduty", "GetDetector", "eu-central-1")),
        }]);
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
