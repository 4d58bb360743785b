use super::per_trail;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "Trails record management events, both read and write",
    resource_type: "AWS::CloudTrail::Trail",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    per_trail(&CHECK.meta, ctx, |_, trail| match &trail.event_selectors {
        Err(error) => Verdict::not_collected(error),
        Ok(events) => {
            let missing: Vec<&str> = [
                (events.management_read, "read"),
                (events.management_write, "write"),
            ]
            .iter()
            .filter(|(recorded, _)| !recorded)
            .map(|(_, kind)| *kind)
            .collect();
            if missing.is_empty() {
                Verdict::pass(format!(
                    "trail {} records read and write management events",
                    trail.name
                ))
            } else {
                Verdict::fail(format!(
                    "trail {} does not record {} management events",
                    trail.name,
                    missing.join(" or ")
                ))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::TrailEvents;
    use tomwatch_model::Status;

    #[test]
    fn read_and_write_are_both_needed() {
        let mut write_only = trail("write-only");
        write_only.event_selectors = Ok(TrailEvents {
            management_write: true,
            ..TrailEvents::default()
        });
        let mut blind = trail("blind");
        blind.event_selectors = Err(denied("cloudtrail", "GetEventSelectors", "eu-central-1"));
        let findings = run_on_trails(&CHECK, Ok(vec![trail("all"), write_only, blind]));
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail, Status::Unknown]);
        assert_eq!(
            findings[1].message,
            "trail write-only does not record read management events"
        );
    }
}
