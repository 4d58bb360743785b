use super::*;
use aws_sdk_elasticloadbalancingv2::operation::describe_target_groups::DescribeTargetGroupsError;
use aws_sdk_elasticloadbalancingv2::types::{TargetGroup as SdkTargetGroup, TargetTypeEnum};

const HTTP_GROUP: &str =
    "arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup/web-http/1";

fn http_group() -> SdkTargetGroup {
    SdkTargetGroup::builder()
        .target_group_arn(HTTP_GROUP)
        .target_group_name("web-http")
        .protocol(ProtocolEnum::Http)
        .port(80)
        .target_type(TargetTypeEnum::Instance)
        .load_balancer_arns(LB)
        .build()
}

/// A Lambda target group, as AWS describes one: no protocol, no port.
fn lambda_group() -> SdkTargetGroup {
    SdkTargetGroup::builder()
        .target_group_arn("arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup/fn/2")
        .target_group_name("fn")
        .target_type(TargetTypeEnum::Lambda)
        .build()
}

async fn collected(client: Client) -> Collected<Vec<TargetGroup>> {
    target_groups(&client, &caller("eu-central-1", "elasticloadbalancing")).await
}

#[tokio::test]
async fn every_page_is_read_and_lambda_groups_have_no_protocol() {
    let groups = collected(mocked_client!(
        aws_sdk_elasticloadbalancingv2,
        mock!(Client::describe_target_groups)
            .match_requests(|r| r.marker().is_none())
            .then_output(|| {
                DescribeTargetGroupsOutput::builder()
                    .target_groups(http_group())
                    .next_marker("page-2")
                    .build()
            }),
        mock!(Client::describe_target_groups)
            .match_requests(|r| r.marker() == Some("page-2"))
            .then_output(|| {
                DescribeTargetGroupsOutput::builder()
                    .target_groups(lambda_group())
                    .build()
            }),
    ))
    .await
    .expect("listed");
    assert_eq!(
        groups,
        vec![
            TargetGroup {
                arn: HTTP_GROUP.into(),
                name: "web-http".into(),
                protocol: Some("HTTP".into()),
                target_type: "instance".into(),
                load_balancer_arns: vec![LB.into()],
            },
            TargetGroup {
                arn: "arn:aws:elasticloadbalancing:eu-central-1:111111111111:targetgroup/fn/2"
                    .into(),
                name: "fn".into(),
                protocol: None,
                target_type: "lambda".into(),
                load_balancer_arns: vec![],
            },
        ]
    );
}

#[tokio::test]
async fn a_group_without_protocol_that_is_not_lambda_is_unseen_not_fine() {
    let error = collected(mocked_client!(
        aws_sdk_elasticloadbalancingv2,
        mock!(Client::describe_target_groups).then_output(|| {
            let mut group = http_group();
            group.protocol = None;
            DescribeTargetGroupsOutput::builder()
                .target_groups(group)
                .build()
        })
    ))
    .await
    .expect_err("a group without its protocol");
    assert!(error.message.contains("Protocol"), "{}", error.message);
}

#[tokio::test]
async fn a_denied_listing_is_the_error_not_an_empty_region() {
    let error = collected(mocked_client!(
        aws_sdk_elasticloadbalancingv2,
        mock!(Client::describe_target_groups)
            .then_error(|| DescribeTargetGroupsError::generic(aws_error("AccessDenied")))
    ))
    .await
    .expect_err("denied");
    assert_eq!(error.kind, ErrorKind::AccessDenied);
    assert_eq!(error.scope.service, "elasticloadbalancing");
}
