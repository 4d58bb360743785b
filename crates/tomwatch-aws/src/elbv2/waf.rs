//! The WAFv2 web ACL protecting a load balancer, reduced to what the TOM-WAF checks judge.

use crate::caller::Caller;
use aws_sdk_wafv2::types::{Rule, Statement};
use tomwatch_model::inventory::{WafRule, WafStatement, WebAcl};
use tomwatch_model::Collected;

pub(super) async fn web_acl_of(
    client: &aws_sdk_wafv2::Client,
    caller: &Caller,
    arn: &str,
) -> Collected<Option<WebAcl>> {
    let output = caller
        .call(
            "GetWebACLForResource",
            client.get_web_acl_for_resource().resource_arn(arn).send(),
        )
        .await?;
    let Some(acl) = output.web_acl() else {
        return Ok(None);
    };
    Ok(Some(WebAcl {
        arn: acl.arn().to_string(),
        name: acl.name().to_string(),
        rules: acl.rules().iter().map(rule).collect(),
    }))
}

fn rule(rule: &Rule) -> WafRule {
    let count_only = rule.action().and_then(|a| a.count()).is_some()
        || rule.override_action().and_then(|a| a.count()).is_some();
    WafRule {
        name: rule.name().to_string(),
        statement: rule.statement().map_or(WafStatement::Other, statement),
        count_only,
    }
}

fn statement(statement: &Statement) -> WafStatement {
    if let Some(group) = statement.managed_rule_group_statement() {
        WafStatement::ManagedRuleGroup {
            vendor: group.vendor_name().to_string(),
            name: group.name().to_string(),
        }
    } else if let Some(reference) = statement.rule_group_reference_statement() {
        WafStatement::RuleGroupReference {
            arn: reference.arn().to_string(),
        }
    } else if let Some(rate) = statement.rate_based_statement() {
        WafStatement::RateBased {
            limit: rate.limit(),
        }
    } else {
        WafStatement::Other
    }
}
