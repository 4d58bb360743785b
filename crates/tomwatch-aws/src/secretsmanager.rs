use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use crate::tags::tag_map;
use aws_sdk_secretsmanager::types::SecretListEntry;
use aws_sdk_secretsmanager::Client;
use tomwatch_model::inventory::{Secret, SecretsManagerInventory};
use tomwatch_model::Collected;

const OP: &str = "ListSecrets";

impl RegionalCollection for SecretsManagerInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "secretsmanager", aws_sdk_secretsmanager);
        collect(&client, &session.caller(region, "secretsmanager")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> SecretsManagerInventory {
    let secrets = async {
        let pages = all_pages!(caller, OP, client.list_secrets()).await?;
        pages
            .iter()
            .flat_map(|page| page.secret_list())
            .map(|entry| secret(caller, entry))
            .collect::<Collected<Vec<_>>>()
    };
    SecretsManagerInventory {
        secrets: secrets.await,
    }
}

/// One listed secret as the model holds it (pure).
fn secret(caller: &Caller, entry: &SecretListEntry) -> Collected<Secret> {
    Ok(Secret {
        arn: entry
            .arn()
            .ok_or_else(|| caller.missing(OP, "ARN"))?
            .to_string(),
        name: entry
            .name()
            .ok_or_else(|| caller.missing(OP, "Name"))?
            .to_string(),
        // Secrets Manager omits KmsKeyId for a secret under its AWS managed key.
        kms_key_id: entry.kms_key_id().map(str::to_string),
        owning_service: entry.owning_service().map(str::to_string),
        tags: tag_map(entry.tags().iter().map(|t| (t.key(), t.value()))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_secretsmanager::operation::list_secrets::{ListSecretsError, ListSecretsOutput};
    use aws_sdk_secretsmanager::types::Tag;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    const KEY: &str = "arn:aws:kms:eu-central-1:111111111111:key/secrets";

    fn entry(name: &str, key: Option<&str>) -> SecretListEntry {
        SecretListEntry::builder()
            .arn(format!(
                "arn:aws:secretsmanager:eu-central-1:111111111111:secret:{name}-AbCdEf"
            ))
            .name(name)
            .set_kms_key_id(key.map(str::to_string))
            .set_owning_service(key.is_none().then(|| "rds".to_string()))
            .tags(Tag::builder().key("managed-by").value("terraform").build())
            .build()
    }

    #[tokio::test]
    async fn every_page_of_secrets_is_read_with_its_key_and_tags() {
        let pages = mock!(Client::list_secrets)
            .sequence()
            .output(|| {
                ListSecretsOutput::builder()
                    .secret_list(entry("db-password", Some(KEY)))
                    .next_token("n")
                    .build()
            })
            .output(|| {
                ListSecretsOutput::builder()
                    .secret_list(entry("api-token", None))
                    .build()
            })
            .build();
        let client = mocked_client!(aws_sdk_secretsmanager, pages);
        let secrets = collect(&client, &caller("eu-central-1", "secretsmanager"))
            .await
            .secrets
            .expect("listed");
        let seen: Vec<(&str, Option<&str>)> = secrets
            .iter()
            .map(|s| (s.name.as_str(), s.kms_key_id.as_deref()))
            .collect();
        assert_eq!(seen, [("db-password", Some(KEY)), ("api-token", None)]);
        assert_eq!(secrets[1].owning_service.as_deref(), Some("rds"));
        assert_eq!(secrets[0].tags["managed-by"], "terraform");
    }

    #[tokio::test]
    async fn a_denied_listing_is_the_error_and_an_entry_without_arn_is_malformed() {
        let denied = mock!(Client::list_secrets)
            .then_error(|| ListSecretsError::generic(aws_error("AccessDeniedException")));
        let client = mocked_client!(aws_sdk_secretsmanager, denied);
        let error = collect(&client, &caller("eu-central-1", "secretsmanager"))
            .await
            .secrets
            .expect_err("denied");
        assert_eq!((error.kind, error.operation), (ErrorKind::AccessDenied, OP));

        let nameless = SecretListEntry::builder().name("x").build();
        let error =
            secret(&caller("eu-central-1", "secretsmanager"), &nameless).expect_err("no ARN");
        assert!(error.message.contains("ARN"), "{}", error.message);
    }
}
