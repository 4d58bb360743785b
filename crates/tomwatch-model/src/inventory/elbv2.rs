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
    /// The default action redirects to HTTPS.
    pub redirects_to_https: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct WebAcl {
    pub arn: String,
    pub name: String,
    pub rules: Vec<WafRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct WafRule {
    pub name: String,
    pub statement: WafStatement,
    /// The rule only counts matches (action Count, or override action Count for a group).
    pub count_only: bool,
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
