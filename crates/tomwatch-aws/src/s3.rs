use crate::caller::Caller;
use crate::session::AwsSession;
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{BucketEncryption, S3Bucket, S3Inventory};
use tomwatch_model::{Collected, GLOBAL_REGION};

const BUCKET_CONCURRENCY: usize = 8;

impl AwsSession {
    /// Lists the account's buckets once, then reads each bucket's settings through a client in
    /// the bucket's own region (S3 answers other regions with a redirect).
    pub async fn collect_s3(&self) -> S3Inventory {
        let home = self.home_region();
        let client = self.s3_client(&home);
        let caller = self.caller(GLOBAL_REGION, "s3");
        let buckets = async {
            let pages = caller
                .call(
                    "ListBuckets",
                    client.list_buckets().into_paginator().send().try_collect(),
                )
                .await?;
            let listed: Vec<(String, Option<String>)> = pages
                .iter()
                .flat_map(|p| p.buckets())
                .filter_map(|b| {
                    Some((b.name()?.to_string(), b.bucket_region().map(str::to_string)))
                })
                .collect();
            Ok(stream::iter(listed)
                .map(|(name, region)| self.describe_bucket(&client, &caller, name, region))
                .buffered(BUCKET_CONCURRENCY)
                .collect()
                .await)
        };
        S3Inventory {
            buckets: buckets.await,
        }
    }

    fn s3_client(&self, region: &str) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.in_region(region))
            // A plain host:port endpoint (LocalStack, MinIO) cannot serve virtual-hosted buckets.
            .force_path_style(self.has_endpoint_override())
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    async fn describe_bucket(
        &self,
        home_client: &aws_sdk_s3::Client,
        caller: &Caller,
        name: String,
        listed_region: Option<String>,
    ) -> S3Bucket {
        let region: Collected<String> = match listed_region {
            Some(region) => Ok(region),
            None => caller
                .call(
                    "GetBucketLocation",
                    home_client.get_bucket_location().bucket(&name).send(),
                )
                .await
                .map(|o| normalise_location(o.location_constraint().map(|c| c.as_str()))),
        };
        let encryption = match &region {
            Ok(region) => {
                let bucket_caller = self.caller(region, "s3");
                self.bucket_encryption(&bucket_caller, region, &name).await
            }
            Err(error) => Err(error.clone()),
        };
        S3Bucket {
            arn: format!("arn:aws:s3:::{name}"),
            name,
            region,
            encryption,
        }
    }

    async fn bucket_encryption(
        &self,
        caller: &Caller,
        region: &str,
        name: &str,
    ) -> Collected<Option<BucketEncryption>> {
        let client = self.s3_client(region);
        let output = caller
            .call_absent_ok(
                "GetBucketEncryption",
                client.get_bucket_encryption().bucket(name).send(),
                &["ServerSideEncryptionConfigurationNotFoundError"],
            )
            .await?;
        let rule = output
            .as_ref()
            .and_then(|o| o.server_side_encryption_configuration())
            .and_then(|c| {
                c.rules()
                    .iter()
                    .find_map(|r| r.apply_server_side_encryption_by_default())
            });
        Ok(rule.map(|default| BucketEncryption {
            sse_algorithm: default.sse_algorithm().as_str().to_string(),
            kms_key_id: default.kms_master_key_id().map(str::to_string),
        }))
    }
}

/// GetBucketLocation's legacy answers: empty means us-east-1, `EU` means eu-west-1.
fn normalise_location(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_location;

    #[test]
    fn legacy_locations_are_normalised() {
        assert_eq!(normalise_location(None), "us-east-1");
        assert_eq!(normalise_location(Some("")), "us-east-1");
        assert_eq!(normalise_location(Some("EU")), "eu-west-1");
        assert_eq!(normalise_location(Some("eu-central-1")), "eu-central-1");
    }
}
