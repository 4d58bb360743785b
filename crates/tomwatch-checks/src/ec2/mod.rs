checks! {
    ec2_ebs_encryption_by_default,
    ec2_security_group_admin_ports_restricted,
    ec2_security_group_default_restricts_all,
    ec2_security_group_world_ingress_web_only,
    ec2_volume_encrypted,
    ec2_vpc_flow_logs_enabled,
}

use tomwatch_model::inventory::{IpPermission, Vpc};
use tomwatch_model::{Collected, CollectionError};

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
    use tomwatch_model::inventory::{IpPermission, SecurityGroup, Vpc};

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
}
