use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use crate::workload::region_workloads;

check! {
    title: "Production regions that run workloads alarm on anomaly-detection bands",
    resource_type: "AWS::CloudWatch::Alarm",
    evaluate,
}

const WILDCARD: &str = "arn:aws:cloudwatch:{region}:{account}:alarm:*";

/// The TOM promises monitoring "with anomaly detection": a band that learns what normal looks
/// like, on an alarm that tells someone. An anomaly detector no alarm uses pages nobody, so only
/// alarms count.
fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let account = &ctx.account.account_id;
    let required_in = &ctx.params.anomaly_detection_environments;
    let requirement = match ctx.account.environment.as_deref() {
        Some(env) if required_in.iter().any(|e| e == env) => Ok(env),
        Some(env) => Err(Verdict::not_applicable(format!(
            "the account serves {env}; anomaly detection is required of {}",
            describe(required_in)
        ))),
        None if required_in.is_empty() => Err(Verdict::not_applicable(
            "no environment requires anomaly detection (anomaly_detection_environments is empty)",
        )),
        None => Err(Verdict::undecidable(format!(
            "the account declares no environment, so whether it must detect anomalies ({}) is unknown",
            describe(required_in)
        ))),
    };
    CHECK
        .meta
        .per_region(ctx, |r| &r.cloudwatch.alarms, WILDCARD, |region, inventory, alarms| {
            let id = format!("arn:aws:cloudwatch:{region}:{account}:alarm:*");
            let workloads = match region_workloads(inventory) {
                Ok(workloads) => workloads,
                Err(error) => return vec![(id, Verdict::not_collected(error))],
            };
            if workloads.is_empty() {
                // Nothing runs here: the plain alarm check speaks for the region, if anything.
                return Vec::new();
            }
            let env = match &requirement {
                Ok(env) => env,
                Err(verdict) => return vec![(id, verdict.clone())],
            };
            let banded: Vec<&str> = alarms
                .iter()
                .filter(|a| a.notifies() && a.anomaly_detection)
                .map(|a| a.name.as_str())
                .collect();
            let silent = alarms
                .iter()
                .filter(|a| a.anomaly_detection && !a.notifies())
                .count();
            let verdict = if banded.is_empty() {
                let muted = if silent > 0 {
                    format!(" ({silent} anomaly alarm(s) have no enabled action)")
                } else {
                    String::new()
                };
                Verdict::fail(format!(
                    "{region} runs {} in a {env} account, but no alarm that notifies compares against an anomaly-detection band{muted}",
                    workloads.join(", ")
                ))
            } else {
                Verdict::pass(format!(
                    "{region} alarms on anomaly-detection bands: {}",
                    banded.join(", ")
                ))
            };
            vec![(id, verdict)]
        })
}

fn describe(environments: &[String]) -> String {
    if environments.is_empty() {
        "no environment".to_string()
    } else {
        environments.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::Parameters;
    use crate::testing::*;
    use tomwatch_model::inventory::Alarm;
    use tomwatch_model::{AccountInventory, Status};

    fn alarm(name: &str, anomaly_detection: bool, actions_enabled: bool) -> Alarm {
        Alarm {
            arn: format!("arn:aws:cloudwatch:eu-central-1:{ACCOUNT}:alarm:{name}"),
            name: name.into(),
            actions_enabled,
            alarm_actions: vec![format!("arn:aws:sns:eu-central-1:{ACCOUNT}:oncall")],
            anomaly_detection,
        }
    }

    fn busy_region(alarms: Vec<Alarm>) -> AccountInventory {
        let mut account = account(&["eu-central-1", "eu-north-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.rds.instances = Ok(vec![rds_instance("orders", true, false)]);
        region.cloudwatch.alarms = Ok(alarms);
        account
    }

    #[test]
    fn production_needs_a_notifying_alarm_on_a_band_and_a_static_threshold_is_not_one() {
        let banded = busy_region(vec![alarm("latency", false, true), alarm("latency-band", true, true)]);
        let (finding, status) = only(run(&CHECK, &banded));
        assert_eq!(status, Status::Pass, "{}", finding.message);
        assert!(finding.message.contains("latency-band"), "{}", finding.message);

        let static_only = busy_region(vec![alarm("latency", false, true), alarm("muted-band", true, false)]);
        let (finding, status) = only(run(&CHECK, &static_only));
        assert_eq!(status, Status::Fail);
        assert!(
            finding.message.contains("1 anomaly alarm(s) have no enabled action"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn other_environments_are_not_judged_unless_the_baseline_says_so() {
        let mut account = busy_region(vec![]);
        account.environment = Some("development".into());
        assert_eq!(only(run(&CHECK, &account)).1, Status::NotApplicable);
        let params = Parameters {
            anomaly_detection_environments: vec!["production".into(), "development".into()],
            ..Parameters::default()
        };
        assert_eq!(only(run_with(&CHECK, &account, &params)).1, Status::Fail);
    }

    #[test]
    fn an_account_of_unknown_environment_is_unknown_unless_nothing_requires_it() {
        let mut account = busy_region(vec![]);
        account.environment = None;
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert!(finding.message.contains("declares no environment"), "{}", finding.message);
        let params = Parameters {
            anomaly_detection_environments: vec![],
            ..Parameters::default()
        };
        assert_eq!(only(run_with(&CHECK, &account, &params)).1, Status::NotApplicable);
    }

    #[test]
    fn quiet_regions_draw_no_finding_and_unreadable_alarms_are_unknown() {
        let mut account = busy_region(vec![]);
        region_mut(&mut account, "eu-central-1").cloudwatch.alarms =
            Err(denied("cloudwatch", "DescribeAlarms", "eu-central-1"));
        // eu-north-1 runs nothing and draws no finding.
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }
}
