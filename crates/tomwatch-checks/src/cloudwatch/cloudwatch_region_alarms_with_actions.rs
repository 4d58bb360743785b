use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use crate::workload::region_workloads;

check! {
    title: "Every region that runs workloads has CloudWatch alarms that notify someone",
    resource_type: "AWS::CloudWatch::Alarm",
    evaluate,
}

const WILDCARD: &str = "arn:aws:cloudwatch:{region}:{account}:alarm:*";

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let account = &ctx.account.account_id;
    CHECK
        .meta
        .per_region(ctx, |r| &r.cloudwatch.alarms, WILDCARD, |region, inventory, alarms| {
            let id = format!("arn:aws:cloudwatch:{region}:{account}:alarm:*");
            let workloads = match region_workloads(inventory) {
                Ok(workloads) => workloads,
                Err(error) => return vec![(id, Verdict::not_collected(error))],
            };
            let notifying: Vec<&str> = alarms
                .iter()
                .filter(|a| a.notifies())
                .map(|a| a.name.as_str())
                .collect();
            let anomaly = alarms.iter().filter(|a| a.notifies() && a.anomaly_detection).count();
            let verdict = if workloads.is_empty() {
                if alarms.is_empty() {
                    // Nothing runs and nothing watches: no finding for an empty region.
                    return Vec::new();
                }
                Verdict::not_applicable(format!("{region} runs no workloads"))
            } else if notifying.is_empty() {
                Verdict::fail(format!(
                    "{region} runs {} but none of its {} alarm(s) has an enabled action: nobody is told when they degrade",
                    workloads.join(", "),
                    alarms.len()
                ))
            } else {
                Verdict::pass(format!(
                    "{region} runs {} and {} alarm(s) notify on it ({} on anomaly-detection bands)",
                    workloads.join(", "),
                    notifying.len(),
                    anomaly
                ))
            };
            vec![(id, verdict)]
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::Alarm;
    use tomwatch_model::Status;

    fn alarm(name: &str, actions: &[&str]) -> Alarm {
        Alarm {
            arn: format!("arn:aws:cloudwatch:eu-central-1:{ACCOUNT}:alarm:{name}"),
            name: name.into(),
            actions_enabled: true,
            alarm_actions: actions.iter().map(|a| a.to_string()).collect(),
            anomaly_detection: false,
        }
    }

    fn with_workload(account: &mut tomwatch_model::AccountInventory, region: &str) {
        region_mut(account, region).rds.instances = Ok(vec![rds_instance("orders", true, false)]);
    }

    #[test]
    fn a_region_with_workloads_needs_an_alarm_that_acts() {
        let mut account = account(&["eu-central-1", "eu-west-1", "eu-north-1"]);
        with_workload(&mut account, "eu-central-1");
        region_mut(&mut account, "eu-central-1").cloudwatch.alarms = Ok(vec![alarm(
            "latency",
            &["arn:aws:sns:eu-central-1:111111111111:oncall"],
        )]);
        with_workload(&mut account, "eu-west-1");
        let mut muted = alarm("muted", &["arn:aws:sns:eu-west-1:111111111111:oncall"]);
        muted.actions_enabled = false;
        region_mut(&mut account, "eu-west-1").cloudwatch.alarms =
            Ok(vec![muted, alarm("silent", &[])]);
        // eu-north-1: nothing runs, nothing watches: no finding.
        let findings = run(&CHECK, &account);
        assert_eq!(
            statuses(&findings),
            vec![
                (
                    "arn:aws:cloudwatch:eu-central-1:111111111111:alarm:*".to_string(),
                    Status::Pass
                ),
                (
                    "arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*".to_string(),
                    Status::Fail
                ),
            ]
        );
        assert_eq!(
            findings[1].message,
            "eu-west-1 runs 1 RDS instance(s) but none of its 2 alarm(s) has an enabled action: nobody is told when they degrade"
        );
    }

    #[test]
    fn unknown_alarms_or_workloads_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").cloudwatch.alarms =
            Err(denied("cloudwatch", "DescribeAlarms", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
        region_mut(&mut account, "eu-central-1").cloudwatch.alarms = Ok(vec![]);
        region_mut(&mut account, "eu-central-1").lambda.functions =
            Err(denied("lambda", "ListFunctions", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }

    #[test]
    fn a_service_aws_does_not_offer_runs_no_workload() {
        let mut account = account(&["eu-central-1"]);
        with_workload(&mut account, "eu-central-1");
        let mut not_offered = denied("eks", "*", "eu-central-1");
        not_offered.kind = tomwatch_model::ErrorKind::NotOffered;
        region_mut(&mut account, "eu-central-1").eks.clusters = Err(not_offered);
        // The RDS instance still makes it a region with workloads, and it has no alarm.
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail, "{}", finding.message);
        assert!(finding.message.contains("1 RDS instance(s)"));
    }
}
