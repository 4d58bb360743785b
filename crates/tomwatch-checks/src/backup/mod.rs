checks! {
    backup_recovery_point_encrypted,
    backup_region_daily_plan,
    backup_vault_encrypted,
}
mod schedule;
mod selection;

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::{ACCOUNT, NOW};
    use tomwatch_model::inventory::{
        BackupPlan, BackupRule, BackupSelection, BackupVault, RecoveryPoint,
    };

    pub const KEY: &str = "arn:aws:kms:eu-central-1:111111111111:key/backup";

    pub fn vault(name: &str, points: Vec<RecoveryPoint>) -> BackupVault {
        BackupVault {
            arn: format!("arn:aws:backup:eu-central-1:{ACCOUNT}:backup-vault:{name}"),
            name: name.into(),
            encryption_key_arn: Some(KEY.into()),
            recovery_points: Ok(points),
        }
    }

    pub fn point(id: &str, encrypted: bool) -> RecoveryPoint {
        RecoveryPoint {
            arn: format!("arn:aws:backup:eu-central-1:{ACCOUNT}:recovery-point:{id}"),
            resource_arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:volume/vol-{id}"),
            encrypted,
        }
    }

    pub fn plan(name: &str, schedules: &[&str]) -> BackupPlan {
        BackupPlan {
            arn: format!("arn:aws:backup:eu-central-1:{ACCOUNT}:backup-plan:{name}"),
            id: name.into(),
            name: name.into(),
            rules: Ok(schedules
                .iter()
                .enumerate()
                .map(|(i, s)| BackupRule {
                    name: format!("rule-{i}"),
                    schedule: Some(s.to_string()),
                })
                .collect()),
            selections: Ok(vec![selection(&["*"])]),
            read_at: NOW,
        }
    }

    pub fn selection(resources: &[&str]) -> BackupSelection {
        BackupSelection {
            name: "assignment".into(),
            resources: resources.iter().map(|r| r.to_string()).collect(),
            not_resources: vec![],
            any_of_tags: vec![],
            all_of_conditions: vec![],
        }
    }
}
