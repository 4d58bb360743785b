use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;

check! {
    title: "AWS Backup recovery points are encrypted",
    resource_type: "AWS::Backup::RecoveryPoint",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region(
        ctx,
        |r| &r.backup.vaults,
        "arn:aws:backup:{region}:{account}:recovery-point:*",
        |_, _, vaults| {
            let mut out = Vec::new();
            for vault in vaults {
                let points = match &vault.recovery_points {
                    Ok(points) => points,
                    Err(error) => {
                        out.push((format!("{}/*", vault.arn), Verdict::not_collected(error)));
                        continue;
                    }
                };
                out.extend(points.iter().map(|point| {
                    let verdict = if point.encrypted {
                        Verdict::pass(format!(
                            "the backup of {} in vault {} is encrypted",
                            point.resource_arn, vault.name
                        ))
                    } else {
                        // Backups of EBS, RDS and other services without full AWS Backup
                        // management inherit the source's encryption.
                        Verdict::fail(format!(
                            "the backup of {} in vault {} is unencrypted (its source was)",
                            point.resource_arn, vault.name
                        ))
                    };
                    (point.arn.clone(), verdict)
                }));
            }
            out
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::fixtures::{point, vault};
    use crate::testing::*;
    use tomwatch_model::Status;

    #[test]
    fn each_point_is_judged_and_an_unlistable_vault_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        let mut locked = vault("locked", vec![]);
        locked.recovery_points = Err(denied(
            "backup",
            "ListRecoveryPointsByBackupVault",
            "eu-central-1",
        ));
        region_mut(&mut account, "eu-central-1").backup.vaults = Ok(vec![
            vault("daily", vec![point("1", true), point("2", false)]),
            locked,
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(statuses, vec![Status::Pass, Status::Fail, Status::Unknown]);
        assert_eq!(
            findings[2].resource_id,
            "arn:aws:backup:eu-central-1:111111111111:backup-vault:locked/*"
        );
    }
}
