use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;
use std::collections::BTreeMap;

/// Classic Load Balancers (the Elastic Load Balancing API of 2012) in one region.
#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct ElbInventory {
    pub load_balancers: Collected<Vec<ClassicLoadBalancer>>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct ClassicLoadBalancer {
    pub arn: String,
    pub name: String,
    /// `internet-facing` or `internal`.
    pub scheme: String,
    pub listeners: Vec<ClassicListener>,
    /// The load balancer's own policies by name (DescribeLoadBalancerPolicies), read only when a
    /// listener speaks HTTPS or SSL; empty otherwise.
    pub policies: Collected<BTreeMap<String, ClassicPolicy>>,
    /// From `DescribeTags`.
    pub tags: Collected<Tags>,
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct ClassicListener {
    /// Towards clients: HTTP, HTTPS, TCP or SSL.
    pub protocol: String,
    pub port: i32,
    /// Towards the instances: HTTP, HTTPS, TCP or SSL.
    pub instance_protocol: String,
    pub instance_port: i32,
    /// The policies in force on this listener, by name.
    pub policy_names: Vec<String>,
}

impl ClassicListener {
    /// HTTPS or SSL (that is, TLS) towards clients.
    pub fn encrypts_to_clients(&self) -> bool {
        is_tls(&self.protocol)
    }

    /// HTTPS or SSL towards the instances: TLS ends at the load balancer unless it re-encrypts.
    pub fn encrypts_to_instances(&self) -> bool {
        is_tls(&self.instance_protocol)
    }
}

fn is_tls(protocol: &str) -> bool {
    matches!(protocol, "HTTPS" | "SSL")
}

#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct ClassicPolicy {
    /// `SSLNegotiationPolicyType` for the policies that decide TLS versions and ciphers.
    pub type_name: String,
    /// Attribute name to value: `Protocol-TLSv1.2` → `true`, `Reference-Security-Policy` → ...
    pub attributes: BTreeMap<String, String>,
}
