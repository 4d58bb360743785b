use crate::attempts::sdk_client;
use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_ecs::types::ClusterField;
use aws_sdk_ecs::Client;
use futures::{stream, StreamExt};
use tomwatch_model::inventory::{EcsCluster, EcsInventory, EcsService};
use tomwatch_model::Collected;

/// DescribeClusters takes at most 100 ARNs, DescribeServices at most 10.
const CLUSTERS_PER_CALL: usize = 100;
const SERVICES_PER_CALL: usize = 10;
/// Clusters whose services are listed at once within one region.
const CLUSTER_CONCURRENCY: usize = 4;

impl RegionalCollection for EcsInventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "ecs", aws_sdk_ecs);
        collect(&client, &session.caller(region, "ecs")).await
    }
}

pub(crate) async fn collect(client: &Client, caller: &Caller) -> EcsInventory {
    EcsInventory {
        clusters: clusters(client, caller).await,
    }
}

async fn clusters(client: &Client, caller: &Caller) -> Collected<Vec<EcsCluster>> {
    const OP: &str = "DescribeClusters";
    let pages = all_pages!(caller, "ListClusters", client.list_clusters()).await?;
    let arns: Vec<String> = pages
        .iter()
        .flat_map(|p| p.cluster_arns())
        .cloned()
        .collect();
    let mut described_clusters = Vec::new();
    for batch in arns.chunks(CLUSTERS_PER_CALL) {
        let described = caller
            .call(
                OP,
                client
                    .describe_clusters()
                    .set_clusters(Some(batch.to_vec()))
                    .include(ClusterField::Tags)
                    .send(),
            )
            .await?;
        for cluster in described.clusters() {
            let arn = cluster
                .cluster_arn()
                .ok_or_else(|| caller.missing(OP, "clusterArn"))?;
            described_clusters.push((
                arn.to_string(),
                cluster.cluster_name().unwrap_or_default().to_string(), // default: display name
                crate::tags::tag_map(cluster.tags().iter().map(|t| (t.key(), t.value()))),
            ));
        }
        if let Some(failure) = unexplained(described.failures()) {
            return Err(caller.missing(OP, &format!("cluster {failure}")));
        }
    }
    Ok(stream::iter(described_clusters)
        .map(|(arn, name, tags)| async move {
            let services = services(client, caller, &arn).await;
            EcsCluster {
                arn,
                name,
                services,
                tags,
            }
        })
        .buffered(CLUSTER_CONCURRENCY)
        .collect()
        .await)
}

async fn services(client: &Client, caller: &Caller, cluster: &str) -> Collected<Vec<EcsService>> {
    const OP: &str = "DescribeServices";
    let pages = all_pages!(
        caller,
        "ListServices",
        client.list_services().cluster(cluster)
    )
    .await?;
    let arns: Vec<String> = pages
        .iter()
        .flat_map(|p| p.service_arns())
        .cloned()
        .collect();
    let mut services = Vec::new();
    for batch in arns.chunks(SERVICES_PER_CALL) {
        let described = caller
            .call(
                OP,
                client
                    .describe_services()
                    .cluster(cluster)
                    .set_services(Some(batch.to_vec()))
                    .send(),
            )
            .await?;
        for service in described.services() {
            services.push(EcsService {
                arn: service
                    .service_arn()
                    .ok_or_else(|| caller.missing(OP, "serviceArn"))?
                    .to_string(),
                name: service.service_name().unwrap_or_default().to_string(), // default: display name
                scheduling_strategy: service
                    .scheduling_strategy()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|| "REPLICA".to_string()), // default: ECS's documented default strategy
                desired_count: service.desired_count(),
                load_balancers: service
                    .load_balancers()
                    .iter()
                    .filter_map(|lb| {
                        lb.target_group_arn()
                            .or(lb.load_balancer_name())
                            .map(str::to_string)
                    })
                    .collect(),
            });
        }
        if let Some(failure) = unexplained(described.failures()) {
            return Err(caller.missing(OP, &format!("service {failure}")));
        }
    }
    Ok(services)
}

/// The first failure of a Describe call that is not a resource deleted since it was listed
/// (`MISSING`, which is simply gone), as "<arn>: <reason>".
fn unexplained(failures: &[aws_sdk_ecs::types::Failure]) -> Option<String> {
    failures
        .iter()
        .find(|f| f.reason() != Some("MISSING"))
        .map(|f| {
            format!(
                "{}: {}",
                f.arn().unwrap_or("?"), // default: error message text
                f.reason().unwrap_or("no reason given")  // default: error message text
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_ecs::operation::describe_clusters::DescribeClustersOutput;
    use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
    use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
    use aws_sdk_ecs::operation::list_services::{ListServicesError, ListServicesOutput};
    use aws_sdk_ecs::types::{Cluster, LoadBalancer, Service};
    use aws_smithy_mocks::mock;
    use tomwatch_model::ErrorKind;

    const ARN: &str = "arn:aws:ecs:eu-central-1:111111111111:cluster/shop";

    fn cluster_rules() -> [aws_smithy_mocks::Rule; 2] {
        [
            mock!(Client::list_clusters)
                .then_output(|| ListClustersOutput::builder().cluster_arns(ARN).build()),
            mock!(Client::describe_clusters)
                .match_requests(|r| r.clusters() == [ARN.to_string()])
                .then_output(|| {
                    DescribeClustersOutput::builder()
                        .clusters(
                            Cluster::builder()
                                .cluster_arn(ARN)
                                .cluster_name("shop")
                                .build(),
                        )
                        .build()
                }),
        ]
    }

    #[tokio::test]
    async fn services_are_described_in_batches_of_ten() {
        let arns: Vec<String> = (0..12)
            .map(|i| format!("arn:aws:ecs:eu-central-1:111111111111:service/shop/s{i}"))
            .collect();
        let listed = arns.clone();
        let describe = mock!(Client::describe_services)
            .match_requests(|r| r.cluster() == Some(ARN) && r.services().len() <= 10)
            .then_output(|| {
                DescribeServicesOutput::builder()
                    .services(
                        Service::builder()
                            .service_arn("arn:aws:ecs:eu-central-1:111111111111:service/shop/s")
                            .service_name("s")
                            .desired_count(2)
                            .load_balancers(LoadBalancer::builder().target_group_arn("tg").build())
                            .build(),
                    )
                    .build()
            });
        let [list, clusters] = cluster_rules();
        let client = mocked_client!(
            aws_sdk_ecs,
            list,
            clusters,
            mock!(Client::list_services).then_output(move || ListServicesOutput::builder()
                .set_service_arns(Some(listed.clone()))
                .build()),
            describe,
        );
        let clusters = collect(&client, &caller("eu-central-1", "ecs"))
            .await
            .clusters
            .expect("listed");
        let services = clusters[0].services.as_ref().expect("listed");
        assert_eq!(describe.num_calls(), 2, "12 services: two calls");
        assert_eq!(services[0].load_balancers, vec!["tg"]);
        assert_eq!(services[0].scheduling_strategy, "REPLICA");
    }

    #[test]
    fn a_resource_deleted_since_listing_is_no_failure_but_others_are() {
        use aws_sdk_ecs::types::Failure;
        let gone = Failure::builder().arn("a").reason("MISSING").build();
        let denied = Failure::builder().arn("b").reason("AccessDenied").build();
        assert_eq!(unexplained(std::slice::from_ref(&gone)), None);
        assert_eq!(
            unexplained(&[gone, denied]).as_deref(),
            Some("b: AccessDenied")
        );
    }

    #[tokio::test]
    async fn a_denied_service_listing_stays_with_its_cluster() {
        let [list, clusters] = cluster_rules();
        let client = mocked_client!(
            aws_sdk_ecs,
            list,
            clusters,
            mock!(Client::list_services)
                .then_error(|| ListServicesError::generic(aws_error("AccessDeniedException"))),
        );
        let clusters = collect(&client, &caller("eu-central-1", "ecs"))
            .await
            .clusters
            .expect("the cluster list stands");
        assert_eq!(
            clusters[0].services.as_ref().map_err(|e| e.kind),
            Err(ErrorKind::AccessDenied)
        );
    }
}
