checks! {
    ec2_ebs_encryption_by_default,
    ec2_security_group_admin_ports_restricted,
    ec2_security_group_default_restricts_all,
    ec2_security_group_world_ingress_web_only,
    ec2_volume_encrypted,
    ec2_vpc_flow_logs_enabled,
}

use tomwatch_model::inventory::{IpPermission, SecurityGroup, Vpc, WorldSource};
use tomwatch_model::{Collected, CollectionError};

/// The ingress rules of `group` open to the whole internet that `offends` objects to, each as
/// `offends` describes it plus the prefix list that opens it, if one does. A rule whose reach
/// hides behind a prefix list that could not be read makes the answer that list's error, unless
/// another rule already proves an exposure: positive evidence stands.
fn world_exposures(
    group: &SecurityGroup,
    offends: impl Fn(&IpPermission) -> Option<String>,
) -> Result<Vec<String>, &CollectionError> {
    let mut exposed = Vec::new();
    let mut unreadable = None;
    for rule in &group.ingress {
        let Some(what) = offends(rule) else { continue };
        match rule.world_source() {
            Ok(None) => {}
            Ok(Some(WorldSource::Cidr(_))) => exposed.push(what),
            Ok(Some(WorldSource::PrefixList {
                prefix_list_id,
                cidr,
            })) => exposed.push(format!(
                "{what} through prefix list {prefix_list_id} ({cidr})"
            )),
            Err(error) => unreadable = unreadable.or(Some(error)),
        }
    }
    match unreadable {
        Some(error) if exposed.is_empty() => Err(error),
        _ => Ok(exposed),
    }
}

/// Whether `vpc_id` is a default VPC without a single network interface.
fn unused_default_vpc<'a>(
    vpcs: &'a Collected<Vec<Vpc>>,
    vpc_id: Option<&str>,
) -> Result<bool, &'a CollectionError> {
    let vpcs = vpcs.as_ref()?;
    Ok(vpc_id
        .and_then(|id| vpcs.iter().find(|v| v.vpc_id == id))
        .is_some_and(|v| v.is_default && !v.in_use))
}

/// `tcp/22`, `tcp/1000-2000`, `all traffic`: a rule as a reader recognises it.
fn describe(rule: &IpPermission) -> String {
    match (rule.protocol.as_str(), rule.from_port, rule.to_port) {
        ("-1", _, _) => "all traffic".to_string(),
        (protocol, Some(from), Some(to)) if from == to => format!("{protocol}/{from}"),
        (protocol, Some(from), Some(to)) => format!("{protocol}/{from}-{to}"),
        (protocol, _, _) => format!("{protocol}/all ports"),
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::ACCOUNT;
    use tomwatch_model::inventory::{IpPermission, PrefixListSource, SecurityGroup, Vpc};
    use tomwatch_model::Collected;

    pub fn vpc(id: &str, is_default: bool, in_use: bool, flow_logs_active: bool) -> Vpc {
        Vpc {
            arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:vpc/{id}"),
            vpc_id: id.into(),
            is_default,
            in_use,
            flow_logs_active,
        }
    }

    /// A VPC's `default` group; `with_rules` gives it AWS's own defaults (all egress, self ingress).
    pub fn default_group(id: &str, vpc: &str, with_rules: bool) -> SecurityGroup {
        let all = IpPermission {
            protocol: "-1".into(),
            from_port: None,
            to_port: None,
            ipv4_ranges: vec!["0.0.0.0/0".into()],
            ipv6_ranges: vec![],
            prefix_lists: vec![],
        };
        SecurityGroup {
            arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:security-group/{id}"),
            group_id: id.into(),
            group_name: "default".into(),
            vpc_id: Some(vpc.into()),
            is_default: true,
            ingress: vec![],
            egress: if with_rules { vec![all] } else { vec![] },
        }
    }

    /// A TCP rule on `port` whose only source is managed prefix list `pl-1` holding `cidrs`.
    pub fn via_prefix_list(port: i32, cidrs: Collected<Vec<String>>) -> IpPermission {
        IpPermission {
            protocol: "tcp".into(),
            from_port: Some(port),
            to_port: Some(port),
            ipv4_ranges: vec![],
            ipv6_ranges: vec![],
            prefix_lists: vec![PrefixListSource {
                prefix_list_id: "pl-1".into(),
                cidrs,
            }],
        }
    }

    pub fn unreadable_list() -> Collected<Vec<String>> {
        Err(crate::testing::denied(
            "ec2",
            "GetManagedPrefixListEntries",
            "eu-central-1",
        ))
    }
}
