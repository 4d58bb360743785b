use crate::check::{EvalContext, Evidence};
use crate::encryption_key::customer_managed_key;
use crate::kinds::SECRETSMANAGER_SECRET;
use crate::verdict::Verdict;
use tomwatch_model::Status;

check! {
    title: "Secrets Manager secrets are encrypted with a customer-managed KMS key",
    resource_type: "AWS::SecretsManager::Secret",
    evaluate,
}

/// With aws/secretsmanager, whoever may call GetSecretValue in the account reads the secret:
/// only a customer-managed key's policy can narrow who decrypts it (and grant another account).
const WHO: &str = "TOM-ENC-REST (a key policy of the customer's guards every secret)";

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    CHECK.meta.per_kind_item(ctx, &SECRETSMANAGER_SECRET, |region, secret| {
            let subject = format!("secret {}", secret.name);
            let key = secret.kms_key_id.as_deref();
            let verdict =
                match customer_managed_key(ctx, WHO, &subject, region, key, "aws/secretsmanager") {
                    Ok(key) => Verdict::pass(format!("{subject} is encrypted with {key}")),
                    Err(mut verdict) => {
                        // A managed secret's key is set through its owner, not Secrets Manager.
                        let owner = secret.owning_service.as_ref();
                        if let Some(owner) = owner.filter(|_| verdict.status == Status::Fail) {
                            verdict.message.push_str(&format!(
                                "; the secret is managed by {owner}, so set its key there{}",
                                owner_hint(owner)
                            ));
                        }
                        verdict
                    }
                };
            (secret.arn.clone(), verdict)
        })
}

/// How the owner sets a managed secret's key, for the owners whose API is known.
fn owner_hint(owner: &str) -> &'static str {
    match owner {
        "rds" => " (modify-db-instance or modify-db-cluster --master-user-secret-kms-key-id)",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::Secret;

    const CUSTOMER: &str = "arn:aws:kms:eu-central-1:111111111111:key/customer";
    const AWS: &str = "arn:aws:kms:eu-central-1:111111111111:key/aws-managed";

    fn secret(name: &str, key: Option<&str>) -> Secret {
        Secret {
            arn: format!("arn:aws:secretsmanager:eu-central-1:{ACCOUNT}:secret:{name}-AbCdEf"),
            name: name.into(),
            kms_key_id: key.map(str::to_string),
            owning_service: None,
            tags: Default::default(),
        }
    }

    #[test]
    fn only_a_customer_managed_key_passes_whatever_at_rest_kms_keys_allows() {
        let mut account = account(&["eu-central-1"]);
        let region = region_mut(&mut account, "eu-central-1");
        region.kms.keys = Ok(vec![kms_key(CUSTOMER, "CUSTOMER"), kms_key(AWS, "AWS")]);
        region.secretsmanager.secrets = Ok(vec![
            secret("db-password", Some(CUSTOMER)),
            secret("api-token", None),
            secret("legacy", Some(AWS)),
            secret("by-alias", Some("alias/aws/secretsmanager")),
            secret("unlisted", Some("arn:aws:kms:eu-central-1:111111111111:key/gone")),
        ]);
        // The default parameters accept AWS managed keys elsewhere; not for secrets.
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::Fail,
                Status::Unknown
            ]
        );
        assert!(findings[1].message.contains("aws/secretsmanager"), "{}", findings[1].message);
        assert!(findings[1].message.contains("TOM-ENC-REST"), "{}", findings[1].message);
    }

    #[test]
    fn a_secret_rds_manages_says_where_its_key_is_set() {
        let mut account = account(&["eu-central-1"]);
        let mut master = secret("rds!db-0123", None);
        master.owning_service = Some("rds".into());
        region_mut(&mut account, "eu-central-1").secretsmanager.secrets = Ok(vec![master]);
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Fail);
        assert!(
            finding.message.contains("managed by rds")
                && finding.message.contains("--master-user-secret-kms-key-id"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn a_region_whose_secrets_could_not_be_listed_is_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").secretsmanager.secrets =
            Err(denied("secretsmanager", "ListSecrets", "eu-central-1"));
        let (finding, status) = only(run(&CHECK, &account));
        assert_eq!(status, Status::Unknown);
        assert_eq!(
            finding.resource_id,
            format!("arn:aws:secretsmanager:eu-central-1:{ACCOUNT}:secret:*")
        );
    }
}
