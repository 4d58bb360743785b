use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_eks::types::Cluster;
use aws_sdk_eks::Client;
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{EksCluster, EksClusterDetails, EksInventory};

/// DescribeCluster calls in flight at once within one region.
const DESCRIBE_CONCURRENCY: usize = 8;
const DESCRIBE: &str = "DescribeCluster";

impl RegionalCollection for EksInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "eks", aws_sdk_eks);
        collect(&client, &session.caller(region, "eks")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> EksInventory {
    let clusters = async {
        let pages = all_pages!(caller, "ListClusters", client.list_clusters()).await?;
        let names: Vec<String> = pages
            .iter()
            .flat_map(|page| page.clusters())
            .cloned()
            .collect();
        Ok(stream::iter(names)
            .map(|name| async move {
                let details = caller
                    .call(DESCRIBE, client.describe_cluster().name(&name).send())
                    .await
                    .and_then(|output| {
                        let cluster = output
                            .cluster()
                            .ok_or_else(|| caller.missing(DESCRIBE, "cluster"))?;
                        Ok(details(cluster))
                    });
                EksCluster {
                    arn: caller.arn("eks", &format!("cluster/{name}")),
                    name,
                    details,
                }
            })
            .buffered(DESCRIBE_CONCURRENCY)
            .collect()
            .await)
    };
    EksInventory {
        clusters: clusters.await,
    }
}

/// What the checks read of a described cluster (pure).
fn details(cluster: &Cluster) -> EksClusterDetails {
    // EKS once encrypted only the resources an encryptionConfig listed (always `secrets`); it now
    // envelope-encrypts all Kubernetes API data, with the named KMS key if there is one, so the
    // deprecated `resources` no longer matters.
    let secrets_key_arn = cluster
        .encryption_config()
        .iter()
        .find_map(|config| config.provider()?.key_arn())
        .map(str::to_string);
    EksClusterDetails {
        secrets_key_arn,
        tags: cluster
            .tags()
            .map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(), // default: DescribeCluster omits `tags` for an untagged cluster
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_eks::operation::describe_cluster::{DescribeClusterError, DescribeClusterOutput};
    use aws_sdk_eks::operation::list_clusters::ListClustersOutput;
    use aws_sdk_eks::types::{EncryptionConfig, Provider};
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    const KEY: &str = "arn:aws:kms:eu-central-1:111111111111:key/eks";

    // AWS still sends the deprecated `resources: ["secrets"]`, so the mocks do too.
    #[allow(deprecated)]
    fn cluster(name: &str, secrets_key: Option<&str>) -> Cluster {
        let mut cluster = Cluster::builder()
            .name(name)
            .arn(format!(
                "arn:aws:eks:eu-central-1:111111111111:cluster/{name}"
            ))
            .tags("managed-by", "terraform");
        if let Some(key) = secrets_key {
            cluster = cluster.encryption_config(
                EncryptionConfig::builder()
                    .resources("secrets")
                    .provider(Provider::builder().key_arn(key).build())
                    .build(),
            );
        }
        cluster.build()
    }

    #[test]
    #[allow(deprecated)]
    fn the_encryption_configs_kms_key_protects_the_secrets() {
        assert_eq!(
            details(&cluster("a", Some(KEY))).secrets_key_arn.as_deref(),
            Some(KEY)
        );
        assert_eq!(details(&cluster("b", None)).secrets_key_arn, None);
        let keyless = Cluster::builder()
            .name("c")
            .encryption_config(EncryptionConfig::builder().resources("secrets").build())
            .build();
        let seen = details(&keyless);
        assert_eq!(
            seen.secrets_key_arn, None,
            "a config without a provider names no key"
        );
        assert!(seen.tags.is_empty());
    }

    #[tokio::test]
    async fn every_listed_cluster_is_described_and_a_failed_describe_stays_on_its_cluster() {
        let listed = mock!(Client::list_clusters)
            .sequence()
            .output(|| {
                ListClustersOutput::builder()
                    .clusters("platform")
                    .next_token("n")
                    .build()
            })
            .output(|| ListClustersOutput::builder().clusters("legacy").build())
            .build();
        let platform = mock!(Client::describe_cluster)
            .match_requests(|r| r.name() == Some("platform"))
            .then_output(|| {
                DescribeClusterOutput::builder()
                    .cluster(cluster("platform", Some(KEY)))
                    .build()
            });
        let legacy = mock!(Client::describe_cluster)
            .match_requests(|r| r.name() == Some("legacy"))
            .then_error(|| DescribeClusterError::generic(aws_error("ThrottlingException")));
        let client = mocked_client!(aws_sdk_eks, listed, platform, legacy);
        let clusters = collect(&client, &caller("eu-central-1", "eks"))
            .await
            .clusters
            .expect("listed");
        assert_eq!(
            clusters[0].arn,
            "arn:aws:eks:eu-central-1:111111111111:cluster/platform"
        );
        let platform = clusters[0].details.as_ref().expect("described");
        assert_eq!(platform.secrets_key_arn.as_deref(), Some(KEY));
        assert_eq!(platform.tags["managed-by"], "terraform");
        let error = clusters[1].details.as_ref().expect_err("throttled");
        assert_eq!(
            (error.kind, error.operation),
            (ErrorKind::Throttled, DESCRIBE)
        );
    }
}
