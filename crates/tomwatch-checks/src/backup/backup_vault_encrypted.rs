use crate::check::Evidence;
use crate::check::EvalContext;
use crate::encryption_key::{key_region_allowed, required_key};
use crate::verdict::Verdict;

check! {
    title: "AWS Backup vaults encrypt with an enabled KMS key",
    resource_type: "AWS::Backup::BackupVault",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_region(
        ctx,
        |r| &r.backup.vaults,
        "arn:aws:backup:{region}:{account}:backup-vault:*",
        |region, inventory, vaults| {
            vaults
                .iter()
                .map(|vault| {
                    let Some(key_arn) = &vault.encryption_key_arn else {
                        return (
                            vault.arn.clone(),
                            Verdict::fail(format!("vault {} names no KMS key", vault.name)),
                        );
                    };
                    // A key of this account is in the region's KMS inventory: a disabled or
                    // doomed key leaves the vault unable to protect new recovery points.
                    let keys = match &inventory.kms.keys {
                        Ok(keys) => keys,
                        Err(error) => return (vault.arn.clone(), Verdict::not_collected(error)),
                    };
                    let subject = format!("vault {}", vault.name);
                    let state = match keys.iter().find(|k| &k.arn == key_arn) {
                        None => Ok("a key of another account"),
                        Some(key) => match &key.details {
                            Err(error) => Err(Verdict::not_collected(error)),
                            Ok(details) if details.key_state == "Enabled" => Ok("enabled"),
                            Ok(details) => Err(Verdict::fail(format!(
                                "{subject} encrypts with {key_arn}, which is {}: backups into it fail and its recovery points cannot be restored",
                                details.key_state
                            ))),
                        },
                    };
                    let verdict = match state.and_then(|state| {
                        key_region_allowed(ctx, &subject, key_arn)?;
                        required_key(ctx, &subject, region, Some(key_arn), "").map(|_| state)
                    }) {
                        Ok(state) => {
                            Verdict::pass(format!("{subject} encrypts with {key_arn} ({state})"))
                        }
                        Err(verdict) => verdict,
                    };
                    (vault.arn.clone(), verdict)
                })
                .collect()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::fixtures::{vault, KEY};
    use crate::testing::*;
    use tomwatch_model::inventory::{KmsKey, KmsKeyDetails};
    use tomwatch_model::Status;

    fn key(state: &str) -> KmsKey {
        KmsKey {
            arn: KEY.into(),
            key_id: "backup".into(),
            details: Ok(KmsKeyDetails {
                key_manager: "CUSTOMER".into(),
                key_state: state.into(),
                key_spec: "SYMMETRIC_DEFAULT".into(),
                origin: "AWS_KMS".into(),
            }),
            rotation_enabled: None,
        }
    }

    fn verdict(keys: Result<Vec<KmsKey>, ()>, key_arn: Option<&str>) -> Status {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        let mut v = vault("daily", vec![]);
        v.encryption_key_arn = key_arn.map(str::to_string);
        region.backup.vaults = Ok(vec![v]);
        region.kms.keys = keys.map_err(|_| denied("kms", "ListKeys", "eu-central-1"));
        only(run(&CHECK, &account)).1
    }

    #[test]
    fn the_vault_key_must_exist_and_be_enabled() {
        assert_eq!(verdict(Ok(vec![key("Enabled")]), Some(KEY)), Status::Pass);
        assert_eq!(verdict(Ok(vec![key("Disabled")]), Some(KEY)), Status::Fail);
        assert_eq!(
            verdict(Ok(vec![key("PendingDeletion")]), Some(KEY)),
            Status::Fail
        );
        assert_eq!(
            verdict(
                Ok(vec![]),
                Some("arn:aws:kms:eu-central-1:999999999999:key/x")
            ),
            Status::Pass
        );
        assert_eq!(verdict(Ok(vec![]), None), Status::Fail);
        assert_eq!(verdict(Err(()), Some(KEY)), Status::Unknown);
    }

    #[test]
    fn a_vault_whose_key_lives_outside_the_allowed_regions_fails() {
        let mut account = account(&["us-east-1"]);
        let region = region_mut(&mut account, "us-east-1");
        let us_key = "arn:aws:kms:us-east-1:111111111111:key/backup";
        let mut v = vault("us-vault", vec![]);
        v.encryption_key_arn = Some(us_key.into());
        region.backup.vaults = Ok(vec![v]);
        let mut enabled = key("Enabled");
        enabled.arn = us_key.into();
        region.kms.keys = Ok(vec![enabled]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail);
        assert!(finding.message.contains("outside the allowed regions"), "{}", finding.message);
    }
}
