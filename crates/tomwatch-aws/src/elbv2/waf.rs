//! The WAFv2 web ACL protecting each application load balancer, reduced to what the TOM-WAF
//! checks judge.

use crate::caller::Caller;
use aws_sdk_wafv2::types::{
    ExcludedRule, FirewallManagerRuleGroup, ManagedRuleGroupStatement, ResourceType, Rule,
    RuleActionOverride, RuleGroupReferenceStatement, Scope, WebAcl as SdkWebAcl, WebAclSummary,
};
use futures::{stream, StreamExt};
use std::collections::HashMap;
use tomwatch_model::inventory::{WafRule, WafStatement, WebAcl};
use tomwatch_model::Collected;

/// In-flight WAFv2 reads of one region's load balancers.
const WAF_CONCURRENCY: usize = 4;
/// The regional web ACL quota is 100 by default; a listing longer than this many pages of 100
/// is a marker that does not end, not an estate.
const MAX_ACL_PAGES: usize = 50;
const ACLS_PER_PAGE: i32 = 100;

/// The web ACL of each application load balancer in `albs`, in their order. Read per web ACL
/// (the load balancers it protects) where that takes fewer calls than one
/// `GetWebACLForResource` per load balancer; a load balancer the per-ACL reads cannot place for
/// certain (a listing failed) is asked about on its own, so a failed list never reads as "no
/// web ACL".
pub(super) async fn web_acls_of(
    client: &aws_sdk_wafv2::Client,
    caller: &Caller,
    albs: &[String],
) -> Vec<Collected<Option<WebAcl>>> {
    let mut placed = Placed::default();
    // One ListWebACLs answers a region without web ACLs for every load balancer at once.
    if albs.len() >= 2 {
        if let Ok(acls) = regional_web_acls(client, caller).await {
            // Per web ACL: one ListResourcesForWebACL, one GetWebACL if it protects any.
            if 2 * acls.len() < albs.len() {
                placed = by_web_acl(client, caller, acls).await;
            }
        }
    }
    let placed = &placed;
    // Owned ARNs: a future borrowing the slice would not be Send for every lifetime.
    stream::iter(albs.to_vec())
        .map(|alb| async move {
            match placed.web_acls.get(&alb) {
                Some(acl) => acl.clone().map(Some),
                None if placed.complete => Ok(None),
                None => web_acl_for_resource(client, caller, &alb).await,
            }
        })
        .buffered(WAF_CONCURRENCY)
        .collect()
        .await
}

/// Load balancers placed by their web ACLs' association lists. `complete`: every web ACL of
/// the region was listed with its load balancers, so one found in none has no web ACL.
#[derive(Default)]
struct Placed {
    web_acls: HashMap<String, Collected<WebAcl>>,
    complete: bool,
}

/// The load balancers one web ACL protects, each with that web ACL (or why it could not be read).
type Protected = Vec<(String, Collected<WebAcl>)>;

async fn by_web_acl(
    client: &aws_sdk_wafv2::Client,
    caller: &Caller,
    acls: Vec<WebAclSummary>,
) -> Placed {
    // `None`: the web ACL's load balancers could not be listed.
    let associations: Vec<Option<Protected>> = stream::iter(acls)
        .map(|summary| async move {
            let protected = caller
                .call(
                    "ListResourcesForWebACL",
                    client
                        .list_resources_for_web_acl()
                        .set_web_acl_arn(summary.arn().map(str::to_string))
                        .resource_type(ResourceType::ApplicationLoadBalancer)
                        .send(),
                )
                .await
                .ok()?
                .resource_arns()
                .to_vec();
            if protected.is_empty() {
                return Some(vec![]);
            }
            let acl = caller
                .call(
                    "GetWebACL",
                    client
                        .get_web_acl()
                        .set_name(summary.name().map(str::to_string))
                        .set_id(summary.id().map(str::to_string))
                        .scope(Scope::Regional)
                        .send(),
                )
                .await
                .and_then(|output| {
                    output
                        .web_acl()
                        .map(web_acl)
                        .ok_or_else(|| caller.missing("GetWebACL", "WebACL"))
                });
            Some(
                protected
                    .into_iter()
                    .map(|alb| (alb, acl.clone()))
                    .collect(),
            )
        })
        .buffered(WAF_CONCURRENCY)
        .collect()
        .await;
    Placed {
        complete: associations.iter().all(Option::is_some),
        web_acls: associations.into_iter().flatten().flatten().collect(),
    }
}

/// The region's web ACLs. WAFv2 may send a `NextMarker` with its last page (boto3#3715), so the
/// listing ends at a page without ACLs as well as at one without a marker.
async fn regional_web_acls(
    client: &aws_sdk_wafv2::Client,
    caller: &Caller,
) -> Collected<Vec<WebAclSummary>> {
    let mut acls = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..MAX_ACL_PAGES {
        let page = caller
            .call(
                "ListWebACLs",
                client
                    .list_web_acls()
                    .scope(Scope::Regional)
                    .limit(ACLS_PER_PAGE)
                    .set_next_marker(marker.take())
                    .send(),
            )
            .await?;
        if page.web_acls().is_empty() {
            return Ok(acls);
        }
        acls.extend_from_slice(page.web_acls());
        match page.next_marker() {
            Some(next) => marker = Some(next.to_string()),
            None => return Ok(acls),
        }
    }
    Err(caller.missing("ListWebACLs", "a last page"))
}

async fn web_acl_for_resource(
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
    Ok(output.web_acl().map(web_acl))
}

/// A web ACL's rules in the order WAF runs them: Firewall Manager's first rule groups, the
/// ACL's own rules, Firewall Manager's last rule groups.
fn web_acl(acl: &SdkWebAcl) -> WebAcl {
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
    WebAcl {
        arn: acl.arn().to_string(),
        name: acl.name().to_string(),
        rules,
    }
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
