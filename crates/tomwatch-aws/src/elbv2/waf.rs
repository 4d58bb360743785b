//! The WAFv2 web ACL protecting a load balancer, reduced to what the TOM-WAF checks judge.

use crate::caller::Caller;
use aws_sdk_wafv2::types::{
    ExcludedRule, FirewallManagerRuleGroup, ManagedRuleGroupStatement, Rule, RuleActionOverride,
    RuleGroupReferenceStatement,
};
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
    let firewall_manager = |groups: &[FirewallManagerRuleGroup]| -> Vec<WafRule> {
        let mut groups: Vec<_> = groups.iter().collect();
        groups.sort_by_key(|g| g.priority());
        groups.into_iter().map(firewall_manager_rule).collect()
    };
    let mut rules = firewall_manager(acl.pre_process_firewall_manager_rule_groups());
    rules.extend(acl.rules().iter().map(rule));
    rules.extend(firewall_manager(
        acl.post_process_firewall_manager_rule_groups(),
    ));
    Ok(Some(WebAcl {
        arn: acl.arn().to_string(),
        name: acl.name().to_string(),
        rules,
    }))
}

fn rule(rule: &Rule) -> WafRule {
    let count_only = rule.action().and_then(|a| a.count()).is_some()
        || rule.override_action().and_then(|a| a.count()).is_some();
    let statement = rule.statement();
    let (statement, relaxed_group_rules, scoped_down) =
        match statement.and_then(|s| s.rate_based_statement()) {
            Some(rate) => (
                WafStatement::RateBased {
                    limit: rate.limit(),
                },
                vec![],
                false,
            ),
            None => group(
                statement.and_then(|s| s.managed_rule_group_statement()),
                statement.and_then(|s| s.rule_group_reference_statement()),
            ),
        };
    WafRule {
        name: rule.name().to_string(),
        statement,
        count_only,
        relaxed_group_rules,
        scoped_down,
        firewall_manager: false,
    }
}

fn firewall_manager_rule(fms: &FirewallManagerRuleGroup) -> WafRule {
    let statement = fms.firewall_manager_statement();
    let (statement, relaxed_group_rules, scoped_down) = group(
        statement.and_then(|s| s.managed_rule_group_statement()),
        statement.and_then(|s| s.rule_group_reference_statement()),
    );
    WafRule {
        name: fms.name().to_string(),
        statement,
        count_only: fms.override_action().and_then(|a| a.count()).is_some(),
        relaxed_group_rules,
        scoped_down,
        firewall_manager: true,
    }
}

/// A rule-group statement (managed or the account's own), the group rules it relaxes, and
/// whether it scopes the group down; anything else is `Other`.
fn group(
    managed: Option<&ManagedRuleGroupStatement>,
    reference: Option<&RuleGroupReferenceStatement>,
) -> (WafStatement, Vec<String>, bool) {
    match (managed, reference) {
        (Some(group), _) => (
            WafStatement::ManagedRuleGroup {
                vendor: group.vendor_name().to_string(),
                name: group.name().to_string(),
            },
            relaxed_rules(group.rule_action_overrides(), group.excluded_rules()),
            group.scope_down_statement().is_some(),
        ),
        (None, Some(reference)) => (
            WafStatement::RuleGroupReference {
                arn: reference.arn().to_string(),
            },
            relaxed_rules(
                reference.rule_action_overrides(),
                reference.excluded_rules(),
            ),
            false,
        ),
        (None, None) => (WafStatement::Other, vec![], false),
    }
}

/// Rules set to Count or Allow by an override, and excluded rules (AWS counts those).
fn relaxed_rules(overrides: &[RuleActionOverride], excluded: &[ExcludedRule]) -> Vec<String> {
    overrides
        .iter()
        .filter(|o| {
            o.action_to_use()
                .is_some_and(|a| a.count().is_some() || a.allow().is_some())
        })
        .map(|o| o.name().to_string())
        .chain(excluded.iter().map(|e| e.name().to_string()))
        .collect()
}
