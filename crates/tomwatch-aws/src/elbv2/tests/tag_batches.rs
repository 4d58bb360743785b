use super::*;

fn network_lb(n: usize) -> SdkLoadBalancer {
    SdkLoadBalancer::builder()
        .load_balancer_arn(format!(
            "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/lb{n}/1"
        ))
        .load_balancer_name(format!("lb{n}"))
        .scheme(LoadBalancerSchemeEnum::Internal)
        .r#type(LoadBalancerTypeEnum::Network)
        .build()
}

/// 25 load balancers cost two DescribeTags calls (twenty ARNs each at most), every load
/// balancer gets its own tags, and one the answer leaves out gets an error, not empty tags.
#[tokio::test]
async fn tags_are_read_twenty_load_balancers_to_a_call() {
    let tags = mock!(Client::describe_tags).then_compute_output(|input| {
        let asked = input.resource_arns();
        assert!(asked.len() <= 20, "{} ARNs in one call", asked.len());
        DescribeTagsOutput::builder()
            .set_tag_descriptions(Some(
                asked
                    .iter()
                    .filter(|arn| !arn.contains("/lb7/"))
                    .map(|arn| {
                        TagDescription::builder()
                            .resource_arn(arn)
                            .tags(Tag::builder().key("arn").value(arn).build())
                            .build()
                    })
                    .collect(),
            ))
            .build()
    });
    let elbv2 = mocked_client!(
        aws_sdk_elasticloadbalancingv2,
        mock!(Client::describe_load_balancers).then_output(|| {
            DescribeLoadBalancersOutput::builder()
                .set_load_balancers(Some((0..25).map(network_lb).collect()))
                .build()
        }),
        mock!(Client::describe_listeners)
            .then_output(|| DescribeListenersOutput::builder().build()),
        tags,
        mock!(Client::describe_ssl_policies)
            .then_output(|| DescribeSslPoliciesOutput::builder().build()),
        mock!(Client::describe_target_groups)
            .then_output(|| DescribeTargetGroupsOutput::builder().build()),
    );
    let wafv2 = mocked_client!(aws_sdk_wafv2,);
    let inventory = collected(&elbv2, &wafv2).await;
    assert_eq!(tags.num_calls(), 2);
    let balancers = inventory.load_balancers.expect("listed");
    assert_eq!(balancers.len(), 25);
    for lb in &balancers {
        if lb.name == "lb7" {
            let error = lb.tags.as_ref().expect_err("left out of the answer");
            assert_eq!(error.operation, "DescribeTags");
        } else {
            let tags = lb.tags.as_ref().expect("tagged");
            assert_eq!(tags.get("arn"), Some(&lb.arn), "{}", lb.name);
        }
    }
}
