use super::Tags;
use super::{CollectedErrors, ServiceInventory};
use crate::{Collected, CollectionError};

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
    /// Managed prefix lists the rule admits, each with the CIDRs it held when collected.
    pub prefix_lists: Vec<PrefixListSource>,
}

/// A managed prefix list a rule names as its source, resolved with GetManagedPrefixListEntries.
#[derive(Debug, Clone, PartialEq, Eq, CollectedErrors)]
pub struct PrefixListSource {
    pub prefix_list_id: String,
    pub cidrs: Collected<Vec<String>>,
}

fn is_world(cidr: &str) -> bool {
    cidr == "0.0.0.0/0" || cidr == "::/0"
}

/// What opens a rule to the whole internet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorldSource {
    /// The rule names 0.0.0.0/0 or ::/0 itself.
    Cidr(String),
    /// A managed prefix list the rule names holds 0.0.0.0/0 or ::/0.
    PrefixList {
        prefix_list_id: String,
        cidr: String,
    },
}

impl IpPermission {
    /// What opens the rule to the whole internet, directly or through a prefix list; `None`
    /// when nothing does; the error of a prefix list that could not be read when no other
    /// source already proves the rule world-open.
    pub fn world_source(&self) -> Result<Option<WorldSource>, &CollectionError> {
        if let Some(cidr) = self
            .ipv4_ranges
            .iter()
            .chain(&self.ipv6_ranges)
            .find(|c| is_world(c))
        {
            return Ok(Some(WorldSource::Cidr(cidr.clone())));
        }
        let mut unreadable = None;
        for list in &self.prefix_lists {
            match &list.cidrs {
                Ok(cidrs) => {
                    if let Some(cidr) = cidrs.iter().find(|c| is_world(c)) {
                        return Ok(Some(WorldSource::PrefixList {
                            prefix_list_id: list.prefix_list_id.clone(),
                            cidr: cidr.clone(),
                        }));
                    }
                }
                Err(error) => unreadable = unreadable.or(Some(error)),
            }
        }
        unreadable.map_or(Ok(None), Err)
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
