use crate::caller::Caller;
use crate::session::AwsSession;
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{KmsInventory, KmsKey, KmsKeyDetails};
use tomwatch_model::Collected;

/// Per-key calls in flight at once within one region.
const KEY_CONCURRENCY: usize = 8;

impl AwsSession {
    pub async fn collect_kms(&self, region: &str) -> KmsInventory {
        let client = aws_sdk_kms::Client::new(&self.in_region(region));
        let caller = self.caller(region, "kms");
        let keys = async {
            let pages = caller
                .call(
                    "ListKeys",
                    client.list_keys().into_paginator().send().try_collect(),
                )
                .await?;
            let listed: Vec<(String, String)> = pages
                .iter()
                .flat_map(|p| p.keys())
                .filter_map(|k| Some((k.key_id()?.to_string(), k.key_arn()?.to_string())))
                .collect();
            let keys = stream::iter(listed)
                .map(|(key_id, arn)| describe_key(&client, &caller, key_id, arn))
                .buffered(KEY_CONCURRENCY)
                .collect()
                .await;
            Ok(keys)
        };
        KmsInventory { keys: keys.await }
    }
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
        Ok(KmsKeyDetails {
            key_manager: meta
                .key_manager()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            key_state: meta
                .key_state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            key_spec: meta
                .key_spec()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            origin: meta
                .origin()
                .map(|o| o.as_str().to_string())
                .unwrap_or_default(),
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
