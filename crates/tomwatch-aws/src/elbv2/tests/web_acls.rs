//! Web ACLs read per ACL (ListWebACLs, ListResourcesForWebACL, GetWebACL) where that is fewer
//! calls than one GetWebACLForResource per application load balancer, and never a "no web
//! ACL" that a failed listing could hide.

use super::*;
use aws_sdk_wafv2::operation::get_web_acl::GetWebAclOutput;
use aws_sdk_wafv2::operation::get_web_acl_for_resource::GetWebAclForResourceOutput;
use aws_sdk_wafv2::operation::list_resources_for_web_acl::{
    ListResourcesForWebACLError, ListResourcesForWebAclOutput,
};
use aws_sdk_wafv2::operation::list_web_acls::{ListWebACLsError, ListWebAcLsOutput};
use aws_sdk_wafv2::types::WebAclSummary;
use aws_sdk_wafv2::Client as Wafv2;
use aws_smithy_mocks::Rule as MockRule;
use tomwatch_model::inventory::WebAcl;

fn alb(n: usize) -> String {
    format!("arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/lb{n}/1")
}

fn acl_arn(name: &str) -> String {
    format!("arn:aws:wafv2:eu-central-1:111111111111:regional/webacl/{name}/1")
}

fn summary(name: &str) -> WebAclSummary {
    WebAclSummary::builder()
        .name(name)
        .id("1")
        .arn(acl_arn(name))
        .build()
}

/// ListWebACLs as AWS answers it: a marker even with the last page, then an empty page.
fn listing(names: &'static [&'static str]) -> MockRule {
    mock!(Wafv2::list_web_acls)
        .sequence()
        .output(move || {
            ListWebAcLsOutput::builder()
                .set_web_acls(Some(names.iter().map(|n| summary(n)).collect()))
                .next_marker("after-the-last")
                .build()
        })
        .output(|| ListWebAcLsOutput::builder().build())
        .build()
}

fn protects(name: &'static str, albs: &'static [usize]) -> MockRule {
    mock!(Wafv2::list_resources_for_web_acl)
        .match_requests(move |r| r.web_acl_arn() == Some(acl_arn(name).as_str()))
        .then_output(move || {
            ListResourcesForWebAclOutput::builder()
                .set_resource_arns(Some(albs.iter().map(|n| alb(*n)).collect()))
                .build()
        })
}

fn edge_acl() -> MockRule {
    mock!(Wafv2::get_web_acl)
        .match_requests(|r| r.name() == Some("edge"))
        .then_output(|| {
            GetWebAclOutput::builder()
                .set_web_acl(web_acl().web_acl().cloned())
                .build()
        })
}

fn asked_one_by_one() -> MockRule {
    mock!(Wafv2::get_web_acl_for_resource)
        .then_output(|| GetWebAclForResourceOutput::builder().build())
}

async fn web_acls_of(wafv2: &Wafv2, albs: usize) -> Vec<Collected<Option<WebAcl>>> {
    let albs: Vec<String> = (0..albs).map(alb).collect();
    waf::web_acls_of(wafv2, &caller("eu-central-1", "wafv2"), &albs).await
}

fn acl_name(acl: &Collected<Option<WebAcl>>) -> Option<&str> {
    acl.as_ref()
        .expect("known")
        .as_ref()
        .map(|a| a.name.as_str())
}

#[tokio::test]
async fn one_listing_places_every_load_balancer_and_none_is_asked_about_alone() {
    let (list, one_by_one) = (listing(&["edge", "api"]), asked_one_by_one());
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        list,
        protects("edge", &[0, 2]),
        protects("api", &[]),
        edge_acl(),
        one_by_one,
    );
    let acls = web_acls_of(&wafv2, 6).await;
    let names: Vec<Option<&str>> = acls.iter().map(acl_name).collect();
    assert_eq!(
        names,
        vec![Some("edge"), None, Some("edge"), None, None, None]
    );
    assert_eq!(list.num_calls(), 2, "the listing ends at the empty page");
    assert_eq!(one_by_one.num_calls(), 0);
}

#[tokio::test]
async fn a_web_acl_whose_load_balancers_could_not_be_listed_sends_the_unplaced_ones_alone() {
    let one_by_one = mock!(Wafv2::get_web_acl_for_resource)
        .match_requests(|r| r.resource_arn() == Some(alb(3).as_str()))
        .then_output(web_acl);
    let others = asked_one_by_one();
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        listing(&["edge", "api"]),
        protects("edge", &[0]),
        mock!(Wafv2::list_resources_for_web_acl).then_error(|| {
            ListResourcesForWebACLError::generic(aws_error("WAFInternalErrorException"))
        }),
        edge_acl(),
        one_by_one,
        others,
    );
    let acls = web_acls_of(&wafv2, 5).await;
    assert_eq!(acl_name(&acls[0]), Some("edge"));
    assert_eq!(
        acl_name(&acls[3]),
        Some("edge"),
        "found by GetWebACLForResource, not read as unprotected"
    );
    assert_eq!(one_by_one.num_calls() + others.num_calls(), 4);
}

#[tokio::test]
async fn a_denied_listing_falls_back_to_one_lookup_per_load_balancer() {
    let one_by_one = asked_one_by_one();
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        mock!(Wafv2::list_web_acls)
            .then_error(|| { ListWebACLsError::generic(aws_error("AccessDeniedException")) }),
        one_by_one,
    );
    let acls = web_acls_of(&wafv2, 3).await;
    assert!(acls.iter().all(|acl| acl == &Ok(None)));
    assert_eq!(one_by_one.num_calls(), 3);
}

#[tokio::test]
async fn with_as_many_web_acls_as_load_balancers_each_is_asked_about_alone() {
    let resources = mock!(Wafv2::list_resources_for_web_acl)
        .then_output(|| ListResourcesForWebAclOutput::builder().build());
    let one_by_one = asked_one_by_one();
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        listing(&["edge", "api"]),
        resources,
        one_by_one,
    );
    web_acls_of(&wafv2, 4).await;
    assert_eq!(
        resources.num_calls(),
        0,
        "2 ACLs cost 4 calls, as 4 lookups do"
    );
    assert_eq!(one_by_one.num_calls(), 4);
}

#[tokio::test]
async fn a_web_acl_that_could_not_be_read_leaves_its_load_balancers_unknown() {
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        listing(&["edge"]),
        protects("edge", &[1]),
        mock!(Wafv2::get_web_acl).then_error(|| {
            aws_sdk_wafv2::operation::get_web_acl::GetWebACLError::generic(aws_error(
                "ThrottlingException",
            ))
        }),
        asked_one_by_one(),
    );
    let acls = web_acls_of(&wafv2, 3).await;
    assert_eq!(acls[0], Ok(None));
    assert_eq!(
        acls[1].as_ref().map_err(|e| e.kind),
        Err(ErrorKind::Throttled)
    );
    assert_eq!(acls[2], Ok(None));
}

/// Through the whole collection: a network load balancer between the application ones gets
/// no web ACL, and each application load balancer gets its own.
#[tokio::test]
async fn each_application_load_balancer_gets_its_own_web_acl_in_a_mixed_region() {
    let lb = |arn: String, kind: LoadBalancerTypeEnum| {
        SdkLoadBalancer::builder()
            .load_balancer_name("lb")
            .load_balancer_arn(arn)
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .r#type(kind)
            .build()
    };
    let nlb = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/net/n/1";
    let elbv2 = mocked_client!(
        aws_sdk_elasticloadbalancingv2,
        mock!(Client::describe_load_balancers).then_output(move || {
            DescribeLoadBalancersOutput::builder()
                .load_balancers(lb(alb(0), LoadBalancerTypeEnum::Application))
                .load_balancers(lb(nlb.to_string(), LoadBalancerTypeEnum::Network))
                .load_balancers(lb(alb(1), LoadBalancerTypeEnum::Application))
                .load_balancers(lb(alb(2), LoadBalancerTypeEnum::Application))
                .build()
        }),
        mock!(Client::describe_listeners)
            .then_output(|| DescribeListenersOutput::builder().build()),
        mock!(Client::describe_tags).then_compute_output(|input| {
            DescribeTagsOutput::builder()
                .set_tag_descriptions(Some(
                    input
                        .resource_arns()
                        .iter()
                        .map(|arn| TagDescription::builder().resource_arn(arn).build())
                        .collect(),
                ))
                .build()
        }),
        mock!(Client::describe_target_groups)
            .then_output(|| DescribeTargetGroupsOutput::builder().build()),
    );
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        listing(&["edge"]),
        protects("edge", &[1]),
        edge_acl(),
    );
    let lbs = collected(&elbv2, &wafv2)
        .await
        .load_balancers
        .expect("listed");
    let acls: Vec<Option<Option<&str>>> = lbs
        .iter()
        .map(|lb| lb.web_acl.as_ref().map(acl_name))
        .collect();
    assert_eq!(acls, vec![Some(None), None, Some(Some("edge")), Some(None)]);
}
