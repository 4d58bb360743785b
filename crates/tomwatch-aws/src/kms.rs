use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{KmsInventory, KmsKey, KmsKeyDetails};
use tomwatch_model::Collected;

/// Per-key calls in flight at once within one region.
const KEY_CONCURRENCY: usize = 8;

impl RegionalCollection for KmsInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "kms", aws_sdk_kms);
        collect(&client, &session.caller(region, "kms")).await
    }
}

pub(crate) async fn collect(client: &aws_sdk_kms::Client, caller: &Caller) -> KmsInventory {
    let keys = async {
        let pages = all_pages!(caller, "ListKeys", client.list_keys()).await?;
        let listed: Vec<(String, String)> = pages
            .iter()
            .flat_map(|p| p.keys())
            .filter_map(|k| Some((k.key_id()?.to_string(), k.key_arn()?.to_string())))
            .collect();
        let keys = stream::iter(listed)
            .map(|(key_id, arn)| describe_key(client, caller, key_id, arn))
            .buffered(KEY_CONCURRENCY)
            .collect()
            .await;
        Ok(keys)
    };
    KmsInventory { keys: keys.await }
}

async fn describe_key(
    client: &aws_sdk_kms::Client,
    caller: &Caller,
    key_id: String,
    arn: String,
) -> KmsKey {
    let details: Collected<KmsKeyDetails> = async {
        let output = caller
            .call("DescribeKey", client.describe_key().key_id(&key_id).send())
            .await?;
        let meta = output
            .key_metadata()
            .ok_or_else(|| caller.missing("DescribeKey", "KeyMetadata"))?;
        // An empty KeyManager would make a customer key look AWS-managed (not applicable).
        let field = |value: Option<&str>, what| {
            value
                .map(str::to_string)
                .ok_or_else(|| caller.missing("DescribeKey", what))
        };
        Ok(KmsKeyDetails {
            key_manager: field(meta.key_manager().map(|m| m.as_str()), "KeyManager")?,
            key_state: field(meta.key_state().map(|s| s.as_str()), "KeyState")?,
            key_spec: field(meta.key_spec().map(|s| s.as_str()), "KeySpec")?,
            origin: field(meta.origin().map(|o| o.as_str()), "Origin")?,
        })
    }
    .await;
    let rotation_enabled = match &details {
        Ok(d) if d.rotation_applies() => Some(
            caller
                .call(
                    "GetKeyRotationStatus",
                    client.get_key_rotation_status().key_id(&key_id).send(),
                )
                .await
                .map(|o| o.key_rotation_enabled()),
        ),
        _ => None,
    };
    KmsKey {
        arn,
        key_id,
        details,
        rotation_enabled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_kms::operation::describe_key::DescribeKeyOutput;
    use aws_sdk_kms::operation::get_key_rotation_status::{
        GetKeyRotationStatusError, GetKeyRotationStatusOutput,
    };
    use aws_sdk_kms::operation::list_keys::ListKeysOutput;
    use aws_sdk_kms::types::{
        KeyListEntry, KeyManagerType, KeyMetadata, KeySpec, KeyState, OriginType,
    };
    use aws_sdk_kms::Client;
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn metadata(id: &str, manager: KeyManagerType, spec: KeySpec) -> DescribeKeyOutput {
        let meta = KeyMetadata::builder()
            .key_id(id)
            .key_manager(manager)
            .key_spec(spec)
            .key_state(KeyState::Enabled)
            .origin(OriginType::AwsKms)
            .build()
            .expect("key id set");
        DescribeKeyOutput::builder().key_metadata(meta).build()
    }

    #[tokio::test]
    async fn rotation_is_asked_only_where_it_exists_and_a_denial_stays_per_key() {
        let list = mock!(Client::list_keys).then_output(|| {
            let entry = |id: &str| {
                KeyListEntry::builder()
                    .key_id(id)
                    .key_arn(format!("arn:aws:kms:eu-central-1:111111111111:key/{id}"))
                    .build()
            };
            ListKeysOutput::builder()
                .keys(entry("aws"))
                .keys(entry("rsa"))
                .keys(entry("cmk"))
                .keys(entry("locked"))
                .build()
        });
        let describe_aws = mock!(Client::describe_key)
            .match_requests(|r| r.key_id() == Some("aws"))
            .then_output(|| metadata("aws", KeyManagerType::Aws, KeySpec::SymmetricDefault));
        let describe_rsa = mock!(Client::describe_key)
            .match_requests(|r| r.key_id() == Some("rsa"))
            .then_output(|| metadata("rsa", KeyManagerType::Customer, KeySpec::Rsa2048));
        let describe_cmk = mock!(Client::describe_key)
            .match_requests(|r| r.key_id() == Some("cmk") || r.key_id() == Some("locked"))
            .then_compute_output(|r| {
                metadata(
                    r.key_id().unwrap_or_default(),
                    KeyManagerType::Customer,
                    KeySpec::SymmetricDefault,
                )
            });
        let rotation_cmk = mock!(Client::get_key_rotation_status)
            .match_requests(|r| r.key_id() == Some("cmk"))
            .then_output(|| {
                GetKeyRotationStatusOutput::builder()
                    .key_rotation_enabled(true)
                    .build()
            });
        let rotation_locked = mock!(Client::get_key_rotation_status)
            .match_requests(|r| r.key_id() == Some("locked"))
            .then_error(|| GetKeyRotationStatusError::generic(aws_error("AccessDeniedException")));
        let client = mocked_client!(
            aws_sdk_kms,
            list,
            describe_aws,
            describe_rsa,
            describe_cmk,
            rotation_cmk,
            rotation_locked
        );

        let keys = collect(&client, &caller("eu-central-1", "kms"))
            .await
            .keys
            .expect("listed");
        let rotation: Vec<_> = keys
            .iter()
            .map(|k| (k.key_id.as_str(), k.rotation_enabled.clone()))
            .collect();
        assert_eq!(rotation[0], ("aws", None));
        assert_eq!(rotation[1], ("rsa", None));
        assert_eq!(rotation[2], ("cmk", Some(Ok(true))));
        let denied = rotation[3].1.clone().expect("asked").expect_err("denied");
        assert_eq!(
            (denied.kind, denied.operation),
            (ErrorKind::AccessDenied, "GetKeyRotationStatus")
        );
    }

    /// A key whose KeyManager is missing is not taken for an AWS-managed key (which would make
    /// an out-of-region customer key NOT_APPLICABLE): its details are an error.
    #[tokio::test]
    async fn a_key_without_its_key_manager_is_an_error_not_an_aws_managed_key() {
        let list = mock!(Client::list_keys).then_output(|| {
            ListKeysOutput::builder()
                .keys(
                    KeyListEntry::builder()
                        .key_id("k")
                        .key_arn("arn:aws:kms:us-east-1:111111111111:key/k")
                        .build(),
                )
                .build()
        });
        let describe = mock!(Client::describe_key).then_output(|| {
            let meta = KeyMetadata::builder()
                .key_id("k")
                .key_spec(KeySpec::SymmetricDefault)
                .key_state(KeyState::Enabled)
                .origin(OriginType::AwsKms)
                .build()
                .expect("key id set");
            DescribeKeyOutput::builder().key_metadata(meta).build()
        });
        let client = mocked_client!(aws_sdk_kms, list, describe);
        let keys = collect(&client, &caller("us-east-1", "kms"))
            .await
            .keys
            .expect("listed");
        let error = keys[0].details.clone().expect_err("no KeyManager");
        assert_eq!(error.operation, "DescribeKey");
        assert!(error.message.contains("KeyManager"), "{}", error.message);
        assert_eq!(keys[0].rotation_enabled, None, "not asked without details");
    }
}
