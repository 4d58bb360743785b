use super::schedule::runs_daily;
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use crate::workload::region_workloads;

check! {
    title: "Every region that runs workloads has an AWS Backup plan with an at least daily rule",
    resource_type: "AWS::Backup::BackupPlan",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let account = &ctx.account.account_id;
    if !ctx.params.backup_plan_required {
        // One answer for the account: not a blind spot per region when plans are not asked for.
        return vec![CHECK.meta.account_evidence(
            ctx,
            Verdict::not_applicable(
                "the baseline does not require AWS Backup plans (backup_plan_required)",
            ),
        )];
    }
    CHECK.meta.per_region(
        ctx,
        |r| &r.backup.plans,
        "arn:aws:backup:{region}:{account}:backup-plan:*",
        |region, inventory, plans| {
            let id = format!("arn:aws:backup:{region}:{account}:backup-plan:*");
            let workloads = match region_workloads(inventory) {
                Ok(workloads) => workloads,
                Err(error) => return vec![(id, Verdict::unknown(error))],
            };
            if workloads.is_empty() {
                return Vec::new();
            }
            let mut unreadable = None;
            for plan in plans {
                match &plan.rules {
                    Ok(rules) => {
                        if let Some(rule) = rules
                            .iter()
                            .find(|r| r.schedule.as_deref().is_some_and(runs_daily))
                        {
                            return vec![(
                                id,
                                Verdict::pass(format!(
                                    "{region} runs {} and plan {} backs up daily (rule {}: {})",
                                    workloads.join(", "),
                                    plan.name,
                                    rule.name,
                                    rule.schedule.as_deref().unwrap_or_default()
                                )),
                            )];
                        }
                    }
                    Err(error) => unreadable = unreadable.or(Some(error)),
                }
            }
            // No daily rule among the plans read; an unread plan might have had one.
            let verdict = match unreadable {
                Some(error) => Verdict::unknown(error),
                None if plans.is_empty() => Verdict::fail(format!(
                    "{region} runs {} but has no AWS Backup plan",
                    workloads.join(", ")
                )),
                None => Verdict::fail(format!(
                    "{region} runs {} but none of its {} backup plan(s) has a rule that runs at least daily",
                    workloads.join(", "),
                    plans.len()
                )),
            };
            vec![(id, verdict)]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::fixtures::plan;
    use crate::params::Parameters;
    use crate::testing::*;
    use tomwatch_model::Status;

    fn status(plans: Vec<tomwatch_model::inventory::BackupPlan>, required: bool) -> Status {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.rds.instances = Ok(vec![rds_instance("orders", true, false)]);
        region.backup.plans = Ok(plans);
        let params = Parameters {
            backup_plan_required: required,
            ..Default::default()
        };
        only(run_with(&CHECK, &account, &params)).1
    }

    #[test]
    fn a_daily_rule_passes_weekly_or_none_fails_unless_not_required() {
        let weekly = || plan("weekly", &["cron(0 5 ? * SUN *)"]);
        assert_eq!(
            status(vec![weekly(), plan("daily", &["cron(0 5 ? * * *)"])], true),
            Status::Pass
        );
        assert_eq!(status(vec![weekly()], true), Status::Fail);
        assert_eq!(status(vec![], true), Status::Fail);
        assert_eq!(status(vec![], false), Status::NotApplicable);
        let mut unreadable = account(&["eu-central-1"]);
        region_mut(&mut unreadable, "eu-central-1").backup.plans =
            Err(denied("backup", "ListBackupPlans", "eu-central-1"));
        assert_eq!(
            only(run(&CHECK, &unreadable)).1,
            Status::NotApplicable,
            "not required: an unreadable plan list is no blind spot"
        );
        let mut unread = weekly();
        unread.rules = Err(denied("backup", "GetBackupPlan", "eu-central-1"));
        assert_eq!(status(vec![unread], true), Status::Unknown);
    }

    #[test]
    fn a_region_without_workloads_gets_no_finding() {
        let account = account(&["eu-central-1"]);
        let params = Parameters {
            backup_plan_required: true,
            ..Default::default()
        };
        assert!(run_with(&CHECK, &account, &params).is_empty());
    }
}
