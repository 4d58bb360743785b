use super::*;
use crate::testing::{aws_error, caller, mocked_client};
use aws_sdk_elasticloadbalancing::operation::describe_load_balancer_policies::{
    DescribeLoadBalancerPoliciesError, DescribeLoadBalancerPoliciesOutput,
};
use aws_sdk_elasticloadbalancing::operation::describe_load_balancers::DescribeLoadBalancersOutput;
use aws_sdk_elasticloadbalancing::operation::describe_tags::DescribeTagsOutput;
use aws_sdk_elasticloadbalancing::types::{
    Listener, ListenerDescription, PolicyAttributeDescription, Tag, TagDescription,
};
use aws_smithy_mocks::mock;
use tomwatch_model::ErrorKind;

fn elb_caller() -> Caller {
    caller("eu-central-1", "elb")
}

fn listener(protocol: &str, port: i32, instance: &str, policies: &[&str]) -> ListenerDescription {
    ListenerDescription::builder()
        .listener(
            Listener::builder()
                .protocol(protocol)
                .load_balancer_port(port)
                .instance_protocol(instance)
                .instance_port(8080)
                .build()
                .expect("protocol and ports are set"),
        )
        .set_policy_names(Some(policies.iter().map(|p| p.to_string()).collect()))
        .build()
}

fn load_balancer(name: &str, listeners: Vec<ListenerDescription>) -> LoadBalancerDescription {
    LoadBalancerDescription::builder()
        .load_balancer_name(name)
        .scheme("internet-facing")
        .set_listener_descriptions(Some(listeners))
        .build()
}

fn negotiation(name: &str, attributes: &[(&str, &str)]) -> PolicyDescription {
    PolicyDescription::builder()
        .policy_name(name)
        .policy_type_name("SSLNegotiationPolicyType")
        .set_policy_attribute_descriptions(Some(
            attributes
                .iter()
                .map(|(k, v)| {
                    PolicyAttributeDescription::builder()
                        .attribute_name(*k)
                        .attribute_value(*v)
                        .build()
                })
                .collect(),
        ))
        .build()
}

#[tokio::test]
async fn listeners_policies_and_tags_are_read_per_load_balancer() {
    let described = mock!(Client::describe_load_balancers).then_output(|| {
        DescribeLoadBalancersOutput::builder()
            .load_balancer_descriptions(load_balancer(
                "shop",
                vec![listener("https", 443, "HTTP", &["tls12"])],
            ))
            .load_balancer_descriptions(load_balancer(
                "legacy",
                vec![listener("HTTP", 80, "HTTP", &[])],
            ))
            .build()
    });
    let policies = mock!(Client::describe_load_balancer_policies)
        .match_requests(|r| r.load_balancer_name() == Some("shop"))
        .then_output(|| {
            DescribeLoadBalancerPoliciesOutput::builder()
                .policy_descriptions(negotiation(
                    "tls12",
                    &[("Protocol-TLSv1.2", "true"), ("Protocol-TLSv1", "false")],
                ))
                .build()
        });
    let tags = mock!(Client::describe_tags).then_output(|| {
        DescribeTagsOutput::builder()
            .tag_descriptions(
                TagDescription::builder()
                    .load_balancer_name("shop")
                    .tags(
                        Tag::builder()
                            .key("managed-by")
                            .value("terraform")
                            .build()
                            .expect("key"),
                    )
                    .build(),
            )
            .tag_descriptions(
                TagDescription::builder()
                    .load_balancer_name("legacy")
                    .build(),
            )
            .build()
    });
    let client = mocked_client!(aws_sdk_elasticloadbalancing, described, policies, tags);
    let lbs = collect(&client, &elb_caller())
        .await
        .load_balancers
        .expect("listed");
    assert_eq!(
        lbs[0].arn,
        "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/shop"
    );
    assert_eq!(
        lbs[0].listeners[0].protocol, "HTTPS",
        "protocols are compared upper-case"
    );
    let shop_policies = lbs[0].policies.as_ref().expect("read");
    assert_eq!(
        shop_policies["tls12"].attributes["Protocol-TLSv1.2"],
        "true"
    );
    assert_eq!(
        lbs[0].tags.as_ref().expect("tags")["managed-by"],
        "terraform"
    );
    // No HTTPS or SSL listener: no policy call (the mock would have answered none).
    assert_eq!(lbs[1].policies, Ok(BTreeMap::new()));
    assert_eq!(lbs[1].tags, Ok(Tags::new()));
}

#[tokio::test]
async fn a_denied_policy_read_stays_on_its_load_balancer_and_unanswered_tags_are_an_error() {
    let described = mock!(Client::describe_load_balancers).then_output(|| {
        DescribeLoadBalancersOutput::builder()
            .load_balancer_descriptions(load_balancer(
                "shop",
                vec![listener("SSL", 443, "TCP", &["custom"])],
            ))
            .build()
    });
    let denied = mock!(Client::describe_load_balancer_policies)
        .then_error(|| DescribeLoadBalancerPoliciesError::generic(aws_error("AccessDenied")));
    let no_tags =
        mock!(Client::describe_tags).then_output(|| DescribeTagsOutput::builder().build());
    let client = mocked_client!(aws_sdk_elasticloadbalancing, described, denied, no_tags);
    let lbs = collect(&client, &elb_caller())
        .await
        .load_balancers
        .expect("listed");
    let error = lbs[0].policies.as_ref().expect_err("denied");
    assert_eq!(
        (error.kind, error.operation),
        (ErrorKind::AccessDenied, POLICIES)
    );
    let error = lbs[0].tags.as_ref().expect_err("not answered");
    assert!(
        error.message.contains("the tags of shop"),
        "{}",
        error.message
    );
}

#[test]
fn a_listener_without_its_instance_protocol_is_malformed() {
    let bare = LoadBalancerDescription::builder()
        .load_balancer_name("x")
        .scheme("internal")
        .listener_descriptions(
            ListenerDescription::builder()
                .listener(
                    Listener::builder()
                        .protocol("HTTP")
                        .load_balancer_port(80)
                        .instance_port(80)
                        .build()
                        .expect("required fields"),
                )
                .build(),
        )
        .build();
    let error = described(&elb_caller(), &bare).expect_err("malformed");
    assert!(
        error.message.contains("InstanceProtocol"),
        "{}",
        error.message
    );
}
