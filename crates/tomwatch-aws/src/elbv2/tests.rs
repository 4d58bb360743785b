use super::*;
use crate::testing::{aws_error, caller, mocked_client};
use aws_sdk_elasticloadbalancingv2::operation::describe_listeners::DescribeListenersOutput;
use aws_sdk_elasticloadbalancingv2::operation::describe_load_balancers::DescribeLoadBalancersOutput;
use aws_sdk_elasticloadbalancingv2::operation::describe_rules::DescribeRulesOutput;
use aws_sdk_elasticloadbalancingv2::operation::describe_ssl_policies::DescribeSslPoliciesOutput;
use aws_sdk_elasticloadbalancingv2::operation::describe_tags::DescribeTagsOutput;
use aws_sdk_elasticloadbalancingv2::operation::describe_target_groups::DescribeTargetGroupsOutput;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, AvailabilityZone, Listener as SdkListener, LoadBalancer as SdkLoadBalancer,
    LoadBalancerSchemeEnum, LoadBalancerTypeEnum, PathPatternConditionConfig, ProtocolEnum,
    RedirectActionConfig, RedirectActionStatusCodeEnum, Rule as SdkRule, RuleCondition, SslPolicy,
    Tag, TagDescription,
};
use aws_sdk_wafv2::operation::get_web_acl_for_resource::{
    GetWebACLForResourceError, GetWebAclForResourceOutput,
};
use aws_sdk_wafv2::types::{
    CountAction, DefaultAction, ManagedRuleGroupStatement, OverrideAction, RateBasedStatement,
    RateBasedStatementAggregateKeyType, Rule, Statement, VisibilityConfig, WebAcl as SdkWebAcl,
};
use aws_smithy_mocks::mock;
use tomwatch_model::inventory::WafStatement;
use tomwatch_model::ErrorKind;

mod tag_batches;
mod target_groups;
mod web_acls;

/// The region's inventory from the mocked clients, as `collect` makes it in eu-central-1.
async fn collected(elbv2: &Client, wafv2: &aws_sdk_wafv2::Client) -> Elbv2Inventory {
    collect(
        elbv2,
        wafv2,
        &caller("eu-central-1", "elasticloadbalancing"),
        &caller("eu-central-1", "wafv2"),
    )
    .await
}

const LB: &str = "arn:aws:elasticloadbalancing:eu-central-1:111111111111:loadbalancer/app/web/1";

fn load_balancers() -> DescribeLoadBalancersOutput {
    DescribeLoadBalancersOutput::builder()
        .load_balancers(
            SdkLoadBalancer::builder()
                .load_balancer_arn(LB)
                .load_balancer_name("web")
                .scheme(LoadBalancerSchemeEnum::InternetFacing)
                .r#type(LoadBalancerTypeEnum::Application)
                .availability_zones(
                    AvailabilityZone::builder()
                        .zone_name("eu-central-1a")
                        .build(),
                )
                .availability_zones(
                    AvailabilityZone::builder()
                        .zone_name("eu-central-1b")
                        .build(),
                )
                .build(),
        )
        .build()
}

/// The action AWS's console creates for "redirect HTTP to HTTPS".
fn redirect_to_https() -> Action {
    Action::builder()
        .r#type(ActionTypeEnum::Redirect)
        .redirect_config(
            RedirectActionConfig::builder()
                .protocol("HTTPS")
                .status_code(RedirectActionStatusCodeEnum::Http301)
                .build(),
        )
        .build()
}

fn listeners() -> DescribeListenersOutput {
    let redirect = redirect_to_https();
    DescribeListenersOutput::builder()
        .listeners(
            SdkListener::builder()
                .listener_arn(format!("{LB}/http"))
                .port(80)
                .protocol(ProtocolEnum::Http)
                .default_actions(redirect)
                .build(),
        )
        .listeners(
            SdkListener::builder()
                .listener_arn(format!("{LB}/https"))
                .port(443)
                .protocol(ProtocolEnum::Https)
                .ssl_policy("ELBSecurityPolicy-2016-08")
                .build(),
        )
        .build()
}

/// The HTTP listener's rules as DescribeRules returns them: an API path that authenticates and
/// then forwards, before the default redirect.
fn rules() -> DescribeRulesOutput {
    let authenticate = Action::builder()
        .r#type(ActionTypeEnum::AuthenticateCognito)
        .order(1)
        .build();
    let forward = Action::builder()
        .r#type(ActionTypeEnum::Forward)
        .target_group_arn(format!("{LB}/tg"))
        .order(2)
        .build();
    let api = SdkRule::builder()
        .priority("10")
        .conditions(
            RuleCondition::builder()
                .field("path-pattern")
                .path_pattern_config(
                    PathPatternConditionConfig::builder()
                        .values("/api/*")
                        .build(),
                )
                .build(),
        )
        .actions(forward)
        .actions(authenticate)
        .build();
    let default = SdkRule::builder()
        .priority("default")
        .is_default(true)
        .actions(redirect_to_https())
        .build();
    DescribeRulesOutput::builder()
        .rules(api)
        .rules(default)
        .build()
}

fn visibility() -> VisibilityConfig {
    VisibilityConfig::builder()
        .sampled_requests_enabled(true)
        .cloud_watch_metrics_enabled(true)
        .metric_name("m")
        .build()
        .expect("valid")
}

fn web_acl() -> GetWebAclForResourceOutput {
    let managed = Rule::builder()
        .name("common")
        .priority(1)
        .statement(
            Statement::builder()
                .managed_rule_group_statement(
                    ManagedRuleGroupStatement::builder()
                        .vendor_name("AWS")
                        .name("AWSManagedRulesCommonRuleSet")
                        .build()
                        .expect("valid"),
                )
                .build(),
        )
        .override_action(
            OverrideAction::builder()
                .count(CountAction::builder().build())
                .build(),
        )
        .visibility_config(visibility())
        .build()
        .expect("valid");
    let rate = Rule::builder()
        .name("rate")
        .priority(2)
        .statement(
            Statement::builder()
                .rate_based_statement(
                    RateBasedStatement::builder()
                        .limit(1000)
                        .aggregate_key_type(RateBasedStatementAggregateKeyType::Ip)
                        .build()
                        .expect("valid"),
                )
                .build(),
        )
        .visibility_config(visibility())
        .build()
        .expect("valid");
    GetWebAclForResourceOutput::builder()
        .web_acl(
            SdkWebAcl::builder()
                .name("edge")
                .id("1")
                .arn("arn:aws:wafv2:eu-central-1:111111111111:regional/webacl/edge/1")
                .default_action(DefaultAction::builder().build())
                .visibility_config(visibility())
                .rules(managed)
                .rules(rate)
                .build()
                .expect("valid"),
        )
        .build()
}

#[tokio::test]
async fn listeners_policies_tags_and_the_web_acl_are_collected() {
    let elbv2 = mocked_client!(
        aws_sdk_elasticloadbalancingv2,
        mock!(Client::describe_load_balancers).then_output(load_balancers),
        mock!(Client::describe_listeners).then_output(listeners),
        mock!(Client::describe_rules).then_output(rules),
        mock!(Client::describe_tags).then_output(|| DescribeTagsOutput::builder()
            .tag_descriptions(
                TagDescription::builder()
                    .resource_arn(LB)
                    .tags(Tag::builder().key("managed-by").value("terraform").build())
                    .build()
            )
            .build()),
        mock!(Client::describe_ssl_policies).then_output(|| DescribeSslPoliciesOutput::builder()
            .ssl_policies(
                SslPolicy::builder()
                    .name("ELBSecurityPolicy-2016-08")
                    .ssl_protocols("TLSv1")
                    .ssl_protocols("TLSv1.2")
                    .build()
            )
            .build()),
        mock!(Client::describe_target_groups)
            .then_output(|| DescribeTargetGroupsOutput::builder().build()),
    );
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        mock!(aws_sdk_wafv2::Client::get_web_acl_for_resource).then_output(web_acl)
    );
    let inventory = collected(&elbv2, &wafv2).await;
    let lbs = inventory.load_balancers.expect("listed");
    let lb = &lbs[0];
    assert!(lb.internet_facing && lb.is_application());
    assert_eq!(lb.availability_zones.len(), 2);
    let listeners = lb.listeners.as_ref().expect("listed");
    assert_eq!(listeners[0].protocol, "HTTP");
    let rules = listeners[0]
        .http_rules
        .clone()
        .expect("an HTTP listener")
        .expect("described");
    assert_eq!(
        rules,
        vec![
            ListenerRule {
                priority: "10".into(),
                conditions: vec!["path-pattern /api/*".into()],
                action: RuleAction::Forward,
            },
            ListenerRule {
                priority: "default".into(),
                conditions: vec![],
                action: RuleAction::RedirectToHttps,
            },
        ]
    );
    assert_eq!(listeners[1].http_rules, None, "HTTPS rules are not read");
    assert_eq!(
        listeners[1].ssl_policy.as_deref(),
        Some("ELBSecurityPolicy-2016-08")
    );
    assert_eq!(
        lb.tags
            .as_ref()
            .expect("tags")
            .get("managed-by")
            .map(String::as_str),
        Some("terraform")
    );
    let acl = lb
        .web_acl
        .clone()
        .expect("an ALB")
        .expect("collected")
        .expect("associated");
    assert_eq!(acl.rules.len(), 2);
    assert!(acl.rules[0].count_only, "override action Count");
    assert!(matches!(
        acl.rules[1].statement,
        WafStatement::RateBased { limit: 1000 }
    ));
    assert_eq!(
        inventory.ssl_policies.expect("described")["ELBSecurityPolicy-2016-08"],
        vec!["TLSv1".to_string(), "TLSv1.2".to_string()]
    );
}

#[tokio::test]
async fn a_denied_waf_lookup_stays_on_its_load_balancer_and_an_undescribed_policy_is_an_error() {
    let elbv2 = mocked_client!(
        aws_sdk_elasticloadbalancingv2,
        mock!(Client::describe_load_balancers).then_output(load_balancers),
        mock!(Client::describe_listeners).then_output(listeners),
        mock!(Client::describe_rules).then_output(rules),
        mock!(Client::describe_tags).then_output(|| DescribeTagsOutput::builder()
            .tag_descriptions(TagDescription::builder().resource_arn(LB).build())
            .build()),
        mock!(Client::describe_ssl_policies)
            .then_output(|| DescribeSslPoliciesOutput::builder().build()),
        mock!(Client::describe_target_groups)
            .then_output(|| DescribeTargetGroupsOutput::builder().build()),
    );
    let wafv2 = mocked_client!(
        aws_sdk_wafv2,
        mock!(aws_sdk_wafv2::Client::get_web_acl_for_resource).then_error(|| {
            GetWebACLForResourceError::generic(aws_error("AccessDeniedException"))
        })
    );
    let inventory = collected(&elbv2, &wafv2).await;
    let lbs = inventory.load_balancers.expect("listed");
    let acl_error = lbs[0].web_acl.clone().expect("an ALB").expect_err("denied");
    assert_eq!(acl_error.kind, ErrorKind::AccessDenied);
    assert_eq!(acl_error.scope.service, "wafv2");
    assert!(lbs[0].listeners.is_ok());
    let policy_error = inventory.ssl_policies.expect_err("policy not described");
    assert!(
        policy_error.message.contains("ELBSecurityPolicy-2016-08"),
        "{}",
        policy_error.message
    );
}
