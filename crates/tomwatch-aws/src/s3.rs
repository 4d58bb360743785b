use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::AwsSession;
use aws_sdk_s3::Client;
use futures::{stream, StreamExt};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use tomwatch_model::inventory::{BucketEncryption, S3Bucket, S3Inventory, Tags};
use tomwatch_model::{Collected, GLOBAL_REGION};

const BUCKET_CONCURRENCY: usize = 8;

impl AwsSession {
    /// Lists the account's buckets once, then reads each bucket's settings through a client in
    /// the bucket's own region (S3 answers other regions with a redirect).
    pub async fn collect_s3(&self) -> S3Inventory {
        let home = self.s3_client(&self.home_region());
        // One client per bucket region for this collection, however many buckets live there.
        let clients: Mutex<HashMap<String, Client>> = Mutex::default();
        let client_for = |region: &str| {
            clients
                .lock()
                .unwrap_or_else(PoisonError::into_inner) // default: a poisoned cache lock still holds valid clients
                .entry(region.to_string())
                .or_insert_with(|| self.s3_client(region))
                .clone()
        };
        collect(&home, &client_for, &self.caller(GLOBAL_REGION, "s3")).await
    }

    fn s3_client(&self, region: &str) -> Client {
        let path_style = self.has_endpoint_override();
        sdk_client!(self, region, "s3", aws_sdk_s3, |builder| {
            // A plain host:port endpoint (LocalStack, MinIO) cannot serve virtual-hosted buckets.
            builder.force_path_style(path_style)
        })
    }
}

/// A client for the given region.
pub(crate) type ClientFor<'a> = dyn Fn(&str) -> Client + Sync + 'a;

pub(crate) async fn collect(
    home: &Client,
    client_for: &ClientFor<'_>,
    caller: &Caller,
) -> S3Inventory {
    let buckets = async {
        let pages = all_pages!(caller, "ListBuckets", home.list_buckets()).await?;
        let listed: Vec<(String, Option<String>)> = pages
            .iter()
            .flat_map(|p| p.buckets())
            .filter_map(|b| Some((b.name()?.to_string(), b.bucket_region().map(str::to_string))))
            .collect();
        Ok(stream::iter(listed)
            .map(|(name, region)| describe_bucket(home, client_for, caller, name, region))
            .buffered(BUCKET_CONCURRENCY)
            .collect()
            .await)
    };
    S3Inventory {
        buckets: buckets.await,
    }
}

async fn describe_bucket(
    home: &Client,
    client_for: &ClientFor<'_>,
    caller: &Caller,
    name: String,
    listed_region: Option<String>,
) -> S3Bucket {
    let region: Collected<String> = match listed_region {
        Some(region) => Ok(region),
        None => caller
            .call(
                "GetBucketLocation",
                home.get_bucket_location().bucket(&name).send(),
            )
            .await
            .map(|o| normalise_location(o.location_constraint().map(|c| c.as_str()))),
    };
    // S3 has no batch read: three calls per bucket, sent together (one round trip, not three).
    let (encryption, tags, policy) = match &region {
        Ok(region) => {
            let (client, caller) = (client_for(region), caller.in_region(region));
            tokio::join!(
                bucket_encryption(&client, &caller, &name),
                bucket_tags(&client, &caller, &name),
                bucket_policy(&client, &caller, &name),
            )
        }
        Err(error) => (Err(error.clone()), Err(error.clone()), Err(error.clone())),
    };
    S3Bucket {
        tags,
        policy,
        arn: format!("arn:aws:s3:::{name}"),
        name,
        region,
        encryption,
    }
}

async fn bucket_encryption(
    client: &Client,
    caller: &Caller,
    name: &str,
) -> Collected<Option<BucketEncryption>> {
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

async fn bucket_policy(client: &Client, caller: &Caller, name: &str) -> Collected<Option<String>> {
    let output = caller
        .call_absent_ok(
            "GetBucketPolicy",
            client.get_bucket_policy().bucket(name).send(),
            &["NoSuchBucketPolicy"],
        )
        .await?;
    Ok(output.and_then(|o| o.policy))
}

async fn bucket_tags(client: &Client, caller: &Caller, name: &str) -> Collected<Tags> {
    let output = caller
        .call_absent_ok(
            "GetBucketTagging",
            client.get_bucket_tagging().bucket(name).send(),
            &["NoSuchTagSet"],
        )
        .await?;
    Ok(output
        .map(|o| {
            o.tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        })
        .unwrap_or_default()) // default: NoSuchTagSet: the bucket has no tags
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
mod hostile_wire_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_locations_are_normalised() {
        assert_eq!(normalise_location(None), "us-east-1");
        assert_eq!(normalise_location(Some("")), "us-east-1");
        assert_eq!(normalise_location(Some("EU")), "eu-west-1");
        assert_eq!(normalise_location(Some("eu-central-1")), "eu-central-1");
    }

    // The collector itself, on mocked SDK responses in AWS's shape.
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_s3::operation::get_bucket_encryption::{
        GetBucketEncryptionError, GetBucketEncryptionOutput,
    };
    use aws_sdk_s3::operation::get_bucket_location::GetBucketLocationOutput;
    use aws_sdk_s3::operation::get_bucket_policy::{GetBucketPolicyError, GetBucketPolicyOutput};
    use aws_sdk_s3::operation::get_bucket_tagging::{
        GetBucketTaggingError, GetBucketTaggingOutput,
    };
    use aws_sdk_s3::operation::list_buckets::ListBucketsOutput;
    use aws_sdk_s3::types::{
        Bucket, ServerSideEncryption, ServerSideEncryptionByDefault,
        ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    };
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    fn listing(buckets: &[(&str, Option<&str>)]) -> ListBucketsOutput {
        let mut output = ListBucketsOutput::builder();
        for (name, region) in buckets {
            let mut bucket = Bucket::builder().name(*name);
            if let Some(region) = region {
                bucket = bucket.bucket_region(*region);
            }
            output = output.buckets(bucket.build());
        }
        output.build()
    }

    fn kms_config() -> GetBucketEncryptionOutput {
        let default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::AwsKms)
            .kms_master_key_id("alias/data")
            .build()
            .expect("algorithm set");
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(default)
            .build();
        let config = ServerSideEncryptionConfiguration::builder()
            .rules(rule)
            .build()
            .expect("rules set");
        GetBucketEncryptionOutput::builder()
            .server_side_encryption_configuration(config)
            .build()
    }

    async fn run(client: &Client) -> S3Inventory {
        let client_for = |_: &str| client.clone();
        collect(client, &client_for, &caller(GLOBAL_REGION, "s3")).await
    }

    #[tokio::test]
    async fn kms_none_and_denied_encryption_are_told_apart() {
        let list = mock!(Client::list_buckets).then_output(|| {
            listing(&[
                ("kms", Some("eu-central-1")),
                ("bare", Some("eu-west-1")),
                ("locked", Some("eu-central-1")),
            ])
        });
        let kms = mock!(Client::get_bucket_encryption)
            .match_requests(|r| r.bucket() == Some("kms"))
            .then_output(kms_config);
        let bare = mock!(Client::get_bucket_encryption)
            .match_requests(|r| r.bucket() == Some("bare"))
            .then_error(|| {
                GetBucketEncryptionError::generic(aws_error(
                    "ServerSideEncryptionConfigurationNotFoundError",
                ))
            });
        let locked = mock!(Client::get_bucket_encryption)
            .match_requests(|r| r.bucket() == Some("locked"))
            .then_error(|| GetBucketEncryptionError::generic(aws_error("AccessDenied")));
        let tagged = mock!(Client::get_bucket_tagging)
            .match_requests(|r| r.bucket() == Some("kms"))
            .then_output(|| {
                GetBucketTaggingOutput::builder()
                    .tag_set(
                        aws_sdk_s3::types::Tag::builder()
                            .key("managed-by")
                            .value("terraform")
                            .build()
                            .expect("valid"),
                    )
                    .build()
                    .expect("valid")
            });
        let untagged = mock!(Client::get_bucket_tagging)
            .match_requests(|r| r.bucket() != Some("kms"))
            .then_error(|| GetBucketTaggingError::generic(aws_error("NoSuchTagSet")));
        let policy = mock!(Client::get_bucket_policy)
            .then_error(|| GetBucketPolicyError::generic(aws_error("NoSuchBucketPolicy")));
        let client = mocked_client!(aws_sdk_s3, list, kms, bare, locked, tagged, untagged, policy);

        let buckets = run(&client).await.buckets.expect("listed");
        assert_eq!(buckets.len(), 3);
        let encryption = buckets[0]
            .encryption
            .as_ref()
            .expect("read")
            .as_ref()
            .expect("configured");
        assert!(encryption.is_kms() && encryption.kms_key_id.as_deref() == Some("alias/data"));
        assert_eq!(
            buckets[1].encryption,
            Ok(None),
            "not configured is a value, not an error"
        );
        let denied = buckets[2]
            .encryption
            .as_ref()
            .expect_err("denied is an error");
        assert_eq!(
            (denied.kind, denied.operation),
            (ErrorKind::AccessDenied, "GetBucketEncryption")
        );
        assert_eq!(
            denied.scope.region, "eu-central-1",
            "scoped to the bucket's region"
        );
        assert_eq!(buckets[2].arn, "arn:aws:s3:::locked");
        assert_eq!(
            buckets[0]
                .tags
                .as_ref()
                .map(|t| t.get("managed-by").cloned()),
            Ok(Some("terraform".to_string()))
        );
        assert_eq!(
            buckets[1].tags,
            Ok(Tags::new()),
            "NoSuchTagSet is an empty set"
        );
    }

    #[tokio::test]
    async fn buckets_without_listed_region_ask_get_bucket_location() {
        let list = mock!(Client::list_buckets).then_output(|| listing(&[("legacy", None)]));
        let location = mock!(Client::get_bucket_location)
            .then_output(|| GetBucketLocationOutput::builder().build());
        let encryption = mock!(Client::get_bucket_encryption).then_output(kms_config);
        let tagging = mock!(Client::get_bucket_tagging)
            .then_error(|| GetBucketTaggingError::generic(aws_error("NoSuchTagSet")));
        let policy = mock!(Client::get_bucket_policy).then_output(|| {
            GetBucketPolicyOutput::builder()
                .policy(r#"{"Statement":[]}"#)
                .build()
        });
        let client = mocked_client!(aws_sdk_s3, list, location, encryption, tagging, policy);

        let buckets = run(&client).await.buckets.expect("listed");
        assert_eq!(
            buckets[0].region.as_deref(),
            Ok("us-east-1"),
            "an empty constraint is us-east-1"
        );
        assert_eq!(
            buckets[0].policy.as_ref().map(|p| p.as_deref()),
            Ok(Some(r#"{"Statement":[]}"#))
        );
    }

    #[tokio::test]
    async fn a_denied_listing_fails_the_whole_collection() {
        use aws_sdk_s3::operation::list_buckets::ListBucketsError;
        let list = mock!(Client::list_buckets)
            .then_error(|| ListBucketsError::generic(aws_error("AccessDenied")));
        let client = mocked_client!(aws_sdk_s3, list);
        let error = run(&client).await.buckets.expect_err("denied");
        assert_eq!(
            (error.kind, error.operation, error.scope.region.as_str()),
            (ErrorKind::AccessDenied, "ListBuckets", "global")
        );
    }
}
