use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_backup::{types, Client};
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{
    BackupInventory, BackupPlan, BackupRule, BackupSelection, BackupVault, RecoveryPoint,
    TagCondition, TagTest,
};
use tomwatch_model::Collected;

/// Vaults (recovery points) or plans (rules) read at once within one region.
const DETAIL_CONCURRENCY: usize = 4;

impl RegionalCollection for BackupInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "backup", aws_sdk_backup);
        collect(&client, &session.caller(region, "backup")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> BackupInventory {
    let (vaults, plans) = tokio::join!(vaults(client, caller), plans(client, caller));
    BackupInventory { vaults, plans }
}

async fn vaults(client: &Client, caller: &Caller) -> Collected<Vec<BackupVault>> {
    const OP: &str = "ListBackupVaults";
    let pages = all_pages!(caller, OP, client.list_backup_vaults()).await?;
    let listed = pages
        .iter()
        .flat_map(|p| p.backup_vault_list())
        .map(|vault| {
            let name = vault
                .backup_vault_name()
                .ok_or_else(|| caller.missing(OP, "BackupVaultName"))?;
            let arn = vault
                .backup_vault_arn()
                .ok_or_else(|| caller.missing(OP, "BackupVaultArn"))?;
            Ok((
                arn.to_string(),
                name.to_string(),
                vault.encryption_key_arn().map(str::to_string),
            ))
        })
        .collect::<Collected<Vec<_>>>()?;
    Ok(stream::iter(listed)
        .map(|(arn, name, encryption_key_arn)| async move {
            let recovery_points = recovery_points(client, caller, &name).await;
            BackupVault {
                arn,
                name,
                encryption_key_arn,
                recovery_points,
            }
        })
        .buffered(DETAIL_CONCURRENCY)
        .collect()
        .await)
}

async fn recovery_points(
    client: &Client,
    caller: &Caller,
    vault: &str,
) -> Collected<Vec<RecoveryPoint>> {
    const OP: &str = "ListRecoveryPointsByBackupVault";
    let pages = all_pages!(
        caller,
        OP,
        client
            .list_recovery_points_by_backup_vault()
            .backup_vault_name(vault)
    )
    .await?;
    let mut points = Vec::new();
    for point in pages.iter().flat_map(|p| p.recovery_points()) {
        points.push(RecoveryPoint {
            arn: point
                .recovery_point_arn()
                .ok_or_else(|| caller.missing(OP, "RecoveryPointArn"))?
                .to_string(),
            resource_arn: point
                .resource_arn()
                .ok_or_else(|| caller.missing(OP, "ResourceArn"))?
                .to_string(),
            encrypted: point.is_encrypted(),
        });
    }
    Ok(points)
}

async fn plans(client: &Client, caller: &Caller) -> Collected<Vec<BackupPlan>> {
    const OP: &str = "ListBackupPlans";
    let pages = all_pages!(caller, OP, client.list_backup_plans()).await?;
    let listed = pages
        .iter()
        .flat_map(|p| p.backup_plans_list())
        .map(|plan| {
            let id = plan
                .backup_plan_id()
                .ok_or_else(|| caller.missing(OP, "BackupPlanId"))?;
            let arn = plan
                .backup_plan_arn()
                .ok_or_else(|| caller.missing(OP, "BackupPlanArn"))?;
            Ok((
                arn.to_string(),
                id.to_string(),
                plan.backup_plan_name().unwrap_or_default().to_string(), // default: display name
            ))
        })
        .collect::<Collected<Vec<_>>>()?;
    Ok(stream::iter(listed)
        .map(|(arn, id, name)| async move {
            let (rules, selections) =
                tokio::join!(rules(client, caller, &id), selections(client, caller, &id));
            BackupPlan {
                arn,
                id,
                name,
                rules,
                selections,
                read_at: unix_now(),
            }
        })
        .buffered(DETAIL_CONCURRENCY)
        .collect()
        .await)
}

async fn rules(client: &Client, caller: &Caller, plan: &str) -> Collected<Vec<BackupRule>> {
    const OP: &str = "GetBackupPlan";
    let output = caller
        .call(OP, client.get_backup_plan().backup_plan_id(plan).send())
        .await?;
    let plan = output
        .backup_plan()
        .ok_or_else(|| caller.missing(OP, "BackupPlan"))?;
    Ok(plan
        .rules()
        .iter()
        .map(|rule| BackupRule {
            name: rule.rule_name().to_string(),
            schedule: rule.schedule_expression().map(str::to_string),
        })
        .collect())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default() // default: a clock before 1970 reads as 0
}

async fn selections(
    client: &Client,
    caller: &Caller,
    plan: &str,
) -> Collected<Vec<BackupSelection>> {
    const OP: &str = "ListBackupSelections";
    let pages = all_pages!(
        caller,
        OP,
        client.list_backup_selections().backup_plan_id(plan)
    )
    .await?;
    let ids = pages
        .iter()
        .flat_map(|p| p.backup_selections_list())
        .map(|s| {
            s.selection_id()
                .map(str::to_string)
                .ok_or_else(|| caller.missing(OP, "SelectionId"))
        })
        .collect::<Collected<Vec<_>>>()?;
    stream::iter(ids)
        .map(|id| async move {
            const GET: &str = "GetBackupSelection";
            let output = caller
                .call(
                    GET,
                    client
                        .get_backup_selection()
                        .backup_plan_id(plan)
                        .selection_id(id)
                        .send(),
                )
                .await?;
            let selection = output
                .backup_selection()
                .ok_or_else(|| caller.missing(GET, "BackupSelection"))?;
            selection_of(selection).map_err(|what: String| caller.missing(GET, &what))
        })
        .buffered(DETAIL_CONCURRENCY)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// The selection as AWS Backup evaluates it; an operator this SDK does not know is an error
/// (named), not a condition silently dropped.
fn selection_of(selection: &types::BackupSelection) -> Result<BackupSelection, String> {
    let tag_key = |key: &str| {
        key.strip_prefix("aws:ResourceTag/")
            .unwrap_or(key) // default: a condition key without the prefix is the tag key itself
            .to_string()
    };
    let any_of_tags = selection
        .list_of_tags()
        .iter()
        .map(|c| match c.condition_type() {
            types::ConditionType::Stringequals => Ok(TagCondition {
                test: TagTest::Equals,
                key: tag_key(c.condition_key()),
                value: c.condition_value().to_string(),
            }),
            other => Err(format!("a known ConditionType (got {})", other.as_str())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut all_of_conditions = Vec::new();
    if let Some(conditions) = selection.conditions() {
        for (test, parameters) in [
            (TagTest::Equals, conditions.string_equals()),
            (TagTest::NotEquals, conditions.string_not_equals()),
            (TagTest::Like, conditions.string_like()),
            (TagTest::NotLike, conditions.string_not_like()),
        ] {
            for parameter in parameters {
                let (Some(key), Some(value)) =
                    (parameter.condition_key(), parameter.condition_value())
                else {
                    return Err("ConditionKey and ConditionValue in Conditions".into());
                };
                all_of_conditions.push(TagCondition {
                    test,
                    key: tag_key(key),
                    value: value.to_string(),
                });
            }
        }
    }
    Ok(BackupSelection {
        name: selection.selection_name().to_string(),
        resources: selection.resources().to_vec(),
        not_resources: selection.not_resources().to_vec(),
        any_of_tags,
        all_of_conditions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_backup::operation::get_backup_plan::GetBackupPlanOutput;
    use aws_sdk_backup::operation::get_backup_selection::GetBackupSelectionOutput;
    use aws_sdk_backup::operation::list_backup_plans::ListBackupPlansOutput;
    use aws_sdk_backup::operation::list_backup_selections::ListBackupSelectionsOutput;
    use aws_sdk_backup::operation::list_backup_vaults::ListBackupVaultsOutput;
    use aws_sdk_backup::operation::list_recovery_points_by_backup_vault::{
        ListRecoveryPointsByBackupVaultError, ListRecoveryPointsByBackupVaultOutput,
    };
    use aws_sdk_backup::types::{
        BackupPlansListMember, BackupSelectionsListMember, BackupVaultListMember,
        RecoveryPointByBackupVault,
    };
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn vault(name: &str) -> BackupVaultListMember {
        BackupVaultListMember::builder()
            .backup_vault_name(name)
            .backup_vault_arn(format!(
                "arn:aws:backup:eu-central-1:111111111111:backup-vault:{name}"
            ))
            .encryption_key_arn("arn:aws:kms:eu-central-1:111111111111:key/k")
            .build()
    }

    #[tokio::test]
    async fn vaults_plans_and_points_are_read_and_a_denied_vault_stays_alone() {
        let client = mocked_client!(
            aws_sdk_backup,
            mock!(Client::list_backup_vaults).then_output(|| {
                ListBackupVaultsOutput::builder()
                    .backup_vault_list(vault("daily"))
                    .backup_vault_list(vault("locked"))
                    .build()
            }),
            mock!(Client::list_recovery_points_by_backup_vault)
                .match_requests(|r| r.backup_vault_name() == Some("daily"))
                .then_output(|| {
                    ListRecoveryPointsByBackupVaultOutput::builder()
                        .recovery_points(
                            RecoveryPointByBackupVault::builder()
                                .recovery_point_arn("arn:aws:ec2:eu-central-1::snapshot/snap-1")
                                .resource_arn("arn:aws:ec2:eu-central-1:111111111111:volume/vol-1")
                                .is_encrypted(false)
                                .build(),
                        )
                        .build()
                }),
            mock!(Client::list_recovery_points_by_backup_vault)
                .match_requests(|r| r.backup_vault_name() == Some("locked"))
                .then_error(|| {
                    ListRecoveryPointsByBackupVaultError::generic(aws_error(
                        "AccessDeniedException",
                    ))
                }),
            mock!(Client::list_backup_plans).then_output(|| {
                ListBackupPlansOutput::builder()
                    .backup_plans_list(
                        BackupPlansListMember::builder()
                            .backup_plan_id("p-1")
                            .backup_plan_arn(
                                "arn:aws:backup:eu-central-1:111111111111:backup-plan:p-1",
                            )
                            .backup_plan_name("daily")
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::get_backup_plan).then_output(|| {
                GetBackupPlanOutput::builder()
                    .backup_plan(
                        aws_sdk_backup::types::BackupPlan::builder()
                            .backup_plan_name("daily")
                            .rules(
                                aws_sdk_backup::types::BackupRule::builder()
                                    .rule_name("nightly")
                                    .target_backup_vault_name("daily")
                                    .schedule_expression("cron(0 3 * * ? *)")
                                    .build()
                                    .expect("complete rule"),
                            )
                            .build()
                            .expect("complete plan"),
                    )
                    .build()
            }),
            mock!(Client::list_backup_selections).then_output(|| {
                ListBackupSelectionsOutput::builder()
                    .backup_selections_list(
                        BackupSelectionsListMember::builder()
                            .selection_id("sel-1")
                            .selection_name("databases")
                            .backup_plan_id("p-1")
                            .build(),
                    )
                    .build()
            }),
            mock!(Client::get_backup_selection)
                .match_requests(|r| r.selection_id() == Some("sel-1"))
                .then_output(|| {
                    GetBackupSelectionOutput::builder()
                        .selection_id("sel-1")
                        .backup_selection(
                            types::BackupSelection::builder()
                                .selection_name("databases")
                                .iam_role_arn("arn:aws:iam::111111111111:role/backup")
                                .resources("arn:aws:rds:*:*:db:*")
                                .conditions(
                                    types::Conditions::builder()
                                        .string_equals(
                                            types::ConditionParameter::builder()
                                                .condition_key("aws:ResourceTag/backup")
                                                .condition_value("daily")
                                                .build(),
                                        )
                                        .build(),
                                )
                                .build()
                                .expect("complete selection"),
                        )
                        .build()
                }),
        );
        let inventory = collect(&client, &caller("eu-central-1", "backup")).await;
        let vaults = inventory.vaults.expect("listed");
        let points = vaults[0].recovery_points.as_ref().expect("listed");
        assert!(!points[0].encrypted);
        assert_eq!(
            vaults[1].recovery_points.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::AccessDenied)
        );
        let plans = inventory.plans.expect("listed");
        let selections = plans[0].selections.as_ref().expect("read");
        assert_eq!(selections[0].resources, ["arn:aws:rds:*:*:db:*"]);
        assert_eq!(
            selections[0].all_of_conditions,
            [TagCondition {
                test: TagTest::Equals,
                key: "backup".into(),
                value: "daily".into(),
            }]
        );
        assert_eq!(
            plans[0].rules.as_ref().expect("read")[0]
                .schedule
                .as_deref(),
            Some("cron(0 3 * * ? *)")
        );
    }

    #[test]
    fn a_tag_operator_the_sdk_does_not_know_is_an_error_not_a_dropped_condition() {
        let selection = types::BackupSelection::builder()
            .selection_name("tagged")
            .iam_role_arn("arn:aws:iam::111111111111:role/backup")
            .list_of_tags(
                types::Condition::builder()
                    .condition_type(types::ConditionType::from("STRINGLIKE"))
                    .condition_key("backup")
                    .condition_value("d*")
                    .build()
                    .expect("complete condition"),
            )
            .build()
            .expect("complete selection");
        let error = selection_of(&selection).expect_err("unknown operator");
        assert!(error.contains("STRINGLIKE"), "{error}");
    }
}
