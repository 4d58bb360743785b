use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::Collected;

#[derive(Debug, Clone, CollectedErrors, ServiceInventory)]
pub struct Ec2Inventory {
    pub instances: Collected<Vec<Ec2Instance>>,
    pub volumes: Collected<Vec<EbsVolume>>,
    pub security_groups: Collected<Vec<SecurityGroup>>,
    /// The region's account setting that encrypts every new EBS volume.
    pub ebs_encryption_by_default: Collected<bool>,
    pub route_tables: Collected<Vec<RouteTable>>,
    pub vpcs: Collected<Vec<Vpc>>,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct Ec2Instance {
    pub arn: String,
    pub instance_id: String,
    /// `pending`, `running`, `stopped`, ... (terminated instances are not collected).
    pub state: String,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct EbsVolume {
    pub arn: String,
    pub volume_id: String,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, CollectedErrors)]
pub struct SecurityGroup {
    pub arn: String,
    pub group_id: String,
    pub group_name: String,
    pub vpc_id: Option<String>,
    /// The group AWS creates with every VPC (named `default`).
    pub is_default: bool,
    pub ingress: Vec<IpPermission>,
    pub egress: Vec<IpPermission>,
}

/// One ingress rule, flattened to what least-privilege checks need.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct IpPermission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `-1` for all traffic.
    pub protocol: String,
    /// Inclusive port range; `None` where the protocol has no ports (all traffic, ICMP).
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub ipv4_ranges: Vec<String>,
    pub ipv6_ranges: Vec<String>,
}

impl IpPermission {
    /// True when the rule admits the whole internet (0.0.0.0/0 or ::/0).
    pub fn is_open_to_world(&self) -> bool {
        self.ipv4_ranges.iter().any(|c| c == "0.0.0.0/0")
            || self.ipv6_ranges.iter().any(|c| c == "::/0")
    }
}

/// A VPC route table, reduced to what decides whether a subnet is public.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: String,
    /// The VPC's main table: it serves every subnet without an explicit association.
    pub is_main: bool,
    /// Subnets explicitly associated with this table.
    pub subnet_ids: Vec<String>,
    /// An active route whose target is an internet gateway (`igw-…`).
    pub routes_to_internet_gateway: bool,
}

impl Ec2Inventory {
    /// The table that routes `subnet`: its explicit association, else its VPC's main table.
    pub fn route_table_of<'a>(
        tables: &'a [RouteTable],
        vpc_id: &str,
        subnet_id: &str,
    ) -> Option<&'a RouteTable> {
        tables
            .iter()
            .find(|t| t.subnet_ids.iter().any(|s| s == subnet_id))
            .or_else(|| tables.iter().find(|t| t.is_main && t.vpc_id == vpc_id))
    }
}

/// A VPC with what the network checks need to know about it.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct Vpc {
    pub arn: String,
    pub vpc_id: String,
    /// The VPC AWS creates in every region.
    pub is_default: bool,
    /// Some network interface lives in it: an unused default VPC is no workload's network.
    pub in_use: bool,
    /// An ACTIVE flow log records the whole VPC (not only some subnets or interfaces).
    pub flow_logs_active: bool,
}
