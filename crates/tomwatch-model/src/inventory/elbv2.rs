use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;
use std::collections::BTreeMap;

/// Elastic Load Balancing v2 in one region, with the WAFv2 web ACL of each load balancer.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct Elbv2Inventory {
    pub load_balancers: Collected<Vec<LoadBalancer>>,
    /// The protocols of every SSL policy a listener uses, from `DescribeSSLPolicies`: the
    /// TLS-version check decides from these, not from a list of policy names.
    pub ssl_policies: Collected<BTreeMap<String, Vec<String>>>,
    /// Every target group of the region, from one paginated `DescribeTargetGroups`: each names
    /// the load balancers that route to it.
    pub target_groups: Collected<Vec<TargetGroup>>,
}

/// Where a load balancer sends requests, and in which protocol.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct TargetGroup {
    pub arn: String,
    pub name: String,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, …; `None` for Lambda targets, which have no protocol.
    pub protocol: Option<String>,
    /// `instance`, `ip`, `lambda` or `alb`.
    pub target_type: String,
    /// The load balancers whose listeners or rules forward to it.
    pub load_balancer_arns: Vec<String>,
}

impl TargetGroup {
    pub fn is_lambda(&self) -> bool {
        self.target_type == "lambda"
    }
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct LoadBalancer {
    pub arn: String,
    pub name: String,
    /// `application`, `network` or `gateway`.
    pub kind: String,
    /// Scheme `internet-facing` (rather than `internal`).
    pub internet_facing: bool,
    pub availability_zones: Vec<String>,
    pub listeners: Collected<Vec<Listener>>,
    /// Application load balancers only: the associated WAFv2 web ACL, `None` if there is none.
    pub web_acl: Option<Collected<Option<WebAcl>>>,
    pub tags: Collected<Tags>,
}

impl LoadBalancer {
    pub fn is_application(&self) -> bool {
        self.kind == "application"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct Listener {
    pub arn: String,
    pub port: i32,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: String,
    pub ssl_policy: Option<String>,
    /// HTTP listeners only (`None` for the others): every rule from `DescribeRules`, the
    /// default rule included, since a rule such as `path /api/*` can forward what the default
    /// action redirects.
    pub http_rules: Option<Collected<Vec<ListenerRule>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct ListenerRule {
    /// Its priority, or `default` for the default rule.
    pub priority: String,
    /// What it matches, as `field value` (`path-pattern /api/*`); empty for the default rule.
    pub conditions: Vec<String>,
    /// Its terminal action (authentication actions run before it).
    pub action: RuleAction,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub enum RuleAction {
    RedirectToHttps,
    /// A redirect that keeps plain HTTP (another host or path, protocol `#{protocol}`).
    RedirectKeepingHttp,
    FixedResponse,
    Forward,
    /// An action type this model does not name, as AWS spells it.
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct WebAcl {
    pub arn: String,
    pub name: String,
    /// In evaluation order: Firewall Manager's first rule groups, the ACL's own rules, then
    /// Firewall Manager's last rule groups.
    pub rules: Vec<WafRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct WafRule {
    pub name: String,
    pub statement: WafStatement,
    /// The rule only counts matches (action Count, or override action Count for a group).
    pub count_only: bool,
    /// Rules inside the group it runs that no longer block: overridden to Count or Allow
    /// (`RuleActionOverrides`) or excluded (legacy `ExcludedRules`, which count).
    pub relaxed_group_rules: Vec<String>,
    /// The group runs only on requests that match its `ScopeDownStatement`.
    pub scoped_down: bool,
    /// A rule group Firewall Manager puts in the ACL (before or after the ACL's own rules).
    pub firewall_manager: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub enum WafStatement {
    /// An AWS or Marketplace managed rule group.
    ManagedRuleGroup {
        vendor: String,
        name: String,
    },
    /// A rule group of the account, by ARN.
    RuleGroupReference {
        arn: String,
    },
    RateBased {
        limit: i64,
    },
    Other,
}
