pub mod ec2_ebs_encryption_by_default;
pub mod ec2_instance_allowed_region;
pub mod ec2_security_group_admin_ports_restricted;
pub mod ec2_security_group_world_ingress_web_only;
pub mod ec2_volume_allowed_region;
pub mod ec2_volume_encrypted;

use tomwatch_model::inventory::IpPermission;

/// `tcp/22`, `tcp/1000-2000`, `all traffic`: a rule as a reader recognises it.
fn describe(rule: &IpPermission) -> String {
    match (rule.protocol.as_str(), rule.from_port, rule.to_port) {
        ("-1", _, _) => "all traffic".to_string(),
        (protocol, Some(from), Some(to)) if from == to => format!("{protocol}/{from}"),
        (protocol, Some(from), Some(to)) => format!("{protocol}/{from}-{to}"),
        (protocol, _, _) => format!("{protocol}/all ports"),
    }
}
