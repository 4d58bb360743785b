use super::schedule::runs_daily;
use super::selection::{selects, selects_something};
use tomwatch_model::inventory::{BackupPlan, BackupRule, Tags};
use tomwatch_model::{CollectionError, RegionInventory};
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use crate::workload::region_workloads;

check! {
    title: "Every region that runs workloads has an at least daily AWS Backup plan that selects its databases",
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
                Err(error) => return vec![(id, Verdict::not_collected(error))],
            };
            if workloads.is_empty() {
                return Vec::new();
            }
            vec![(id, judge(region, &workloads, inventory, plans))]
        },
    )
}

/// A plan with a rule that runs daily this year, and the rule.
struct DailyPlan<'a> {
    plan: &'a BackupPlan,
    rule: &'a BackupRule,
}

fn judge(
    region: &str,
    workloads: &[String],
    inventory: &RegionInventory,
    plans: &[BackupPlan],
) -> Verdict {
    let runs = workloads.join(", ");
    let mut unreadable = None;
    let mut daily = Vec::new();
    for plan in plans {
        let year = time::OffsetDateTime::from_unix_timestamp(plan.read_at)
            .map(|t| t.year())
            .unwrap_or(i32::MIN);
        match &plan.rules {
            Ok(rules) => daily.extend(
                rules
                    .iter()
                    .find(|r| r.schedule.as_deref().is_some_and(|s| runs_daily(s, year)))
                    .map(|rule| DailyPlan { plan, rule }),
            ),
            Err(error) => unreadable = unreadable.or(Some(error)),
        }
    }
    if daily.is_empty() {
        // No daily rule among the plans read; an unread plan might have had one.
        return match unreadable {
            Some(error) => Verdict::not_collected(error),
            None if plans.is_empty() => {
                Verdict::fail(format!("{region} runs {runs} but has no AWS Backup plan"))
            }
            None => Verdict::fail(format!(
                "{region} runs {runs} but none of its {} backup plan(s) has a rule that runs at least daily this year",
                plans.len()
            )),
        };
    }
    let databases = match databases(inventory) {
        Ok(databases) => databases,
        Err(error) => return Verdict::not_collected(error),
    };
    let mut unread_selections = None;
    let mut uncovered = Vec::new();
    let mut covering = None;
    for (arn, tags) in &databases {
        let by = daily.iter().find(|d| {
            d.plan.selections.as_ref().is_ok_and(|selections| {
                selections.iter().any(|s| selects(s, arn, tags))
            })
        });
        match by {
            Some(d) => covering = covering.or(Some(d)),
            None => uncovered.push(arn.as_str()),
        }
    }
    for d in &daily {
        if let Err(error) = &d.plan.selections {
            unread_selections = unread_selections.or(Some(error));
        }
    }
    let names = daily
        .iter()
        .map(|d| d.plan.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if !uncovered.is_empty() {
        return match unread_selections {
            Some(error) => Verdict::not_collected(error),
            None => Verdict::fail(format!(
                "{region} runs {runs}; daily plan(s) {names} select none of the database(s) {}",
                uncovered.join(", ")
            )),
        };
    }
    // Every database is covered; without databases, a daily plan must still select something.
    let chosen = covering.or_else(|| {
        daily.iter().find(|d| {
            d.plan
                .selections
                .as_ref()
                .is_ok_and(|s| s.iter().any(selects_something))
        })
    });
    match (chosen, unread_selections) {
        (Some(d), _) => Verdict::pass(format!(
            "{region} runs {runs} and plan {} backs up daily (rule {}: {}), selecting {}",
            d.plan.name,
            d.rule.name,
            d.rule.schedule.as_deref().unwrap_or_default(),
            if databases.is_empty() {
                "resources by its assignments".to_string()
            } else {
                format!("all {} database(s) of the region", databases.len())
            }
        )),
        (None, Some(error)) => Verdict::not_collected(error),
        (None, None) => Verdict::fail(format!(
            "{region} runs {runs}; daily plan(s) {names} have no resource assignment, so they back up nothing"
        )),
    }
}

/// The region's databases as AWS Backup assigns them: standalone instances and clusters (a
/// cluster member is backed up through its cluster).
fn databases(inventory: &RegionInventory) -> Result<Vec<(String, Tags)>, &CollectionError> {
    let instances = inventory.rds.instances.as_ref()?;
    let clusters = inventory.rds.clusters.as_ref()?;
    Ok(instances
        .iter()
        .filter(|db| db.cluster_id.is_none())
        .map(|db| (db.arn.clone(), db.tags.clone()))
        .chain(clusters.iter().map(|c| (c.arn.clone(), c.tags.clone())))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::fixtures::{plan, selection};
    use tomwatch_model::inventory::{LambdaFunction, TagCondition, TagTest};
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

    fn verdict(plans: Vec<BackupPlan>) -> Evidence {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        let mut tagged = rds_instance("billing", true, false);
        tagged.tags = [("backup".to_string(), "daily".to_string())].into();
        region.rds.instances = Ok(vec![rds_instance("orders", true, false), tagged]);
        region.backup.plans = Ok(plans);
        let params = Parameters {
            backup_plan_required: true,
            ..Default::default()
        };
        only(run_with(&CHECK, &account, &params)).0
    }

    #[test]
    fn a_daily_plan_must_select_every_database_of_the_region() {
        let mut by_tag = plan("tagged", &["cron(0 5 ? * * *)"]);
        let mut assignment = selection(&[]);
        assignment.any_of_tags = vec![TagCondition {
            test: TagTest::Equals,
            key: "backup".into(),
            value: "daily".into(),
        }];
        by_tag.selections = Ok(vec![assignment]);
        let partial = verdict(vec![by_tag.clone()]);
        assert_eq!(partial.status, Status::Fail);
        assert!(partial.message.contains("db:orders"), "{}", partial.message);

        let mut rest = plan("rest", &["rate(1 day)"]);
        rest.selections = Ok(vec![selection(&["arn:aws:rds:*:*:db:ord*"])]);
        assert_eq!(verdict(vec![by_tag.clone(), rest]).status, Status::Pass);

        let mut unread = plan("unread", &["rate(1 day)"]);
        unread.selections = Err(denied("backup", "ListBackupSelections", "eu-central-1"));
        assert_eq!(verdict(vec![by_tag, unread]).status, Status::Unknown);
    }

    #[test]
    fn a_daily_plan_without_assignments_backs_up_nothing() {
        let mut empty = plan("empty", &["cron(0 5 ? * * *)"]);
        empty.selections = Ok(vec![]);
        let finding = verdict(vec![empty.clone()]);
        assert_eq!(finding.status, Status::Fail);
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.lambda.functions = Ok(vec![LambdaFunction {
            arn: format!("arn:aws:lambda:eu-central-1:{ACCOUNT}:function:resize"),
            name: "resize".into(),
            tags: Ok(Default::default()),
        }]);
        region.backup.plans = Ok(vec![empty]);
        let params = Parameters {
            backup_plan_required: true,
            ..Default::default()
        };
        let (finding, status) = only(run_with(&CHECK, &account, &params));
        assert_eq!(status, Status::Fail);
        assert!(finding.message.contains("back up nothing"), "{}", finding.message);
    }

    #[test]
    fn a_cron_whose_years_have_passed_is_not_daily() {
        let finding = verdict(vec![plan("old", &["cron(0 5 ? * * 2024)"])]);
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("this year"), "{}", finding.message);
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
