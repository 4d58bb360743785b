use super::{describe, world_exposures};
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::inventory::IpPermission;

check! {
    title: "No security group opens SSH or RDP to the internet (admin access only via VPN)",
    resource_type: "AWS::EC2::SecurityGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let admin = &ctx.params.admin_ports;
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.ec2.security_groups,
        "arn:aws:ec2:{region}:{account}:security-group/*",
        |_, group| {
            let exposed = world_exposures(group, |rule| {
                let ports: Vec<String> = admin
                    .iter()
                    .filter(|port| admits_tcp(rule, **port))
                    .map(u16::to_string)
                    .collect();
                (!ports.is_empty())
                    .then(|| format!("{} (admin port {})", describe(rule), ports.join(", ")))
            });
            let verdict = match exposed {
                Err(error) => Verdict::not_collected(error),
                Ok(exposed) if exposed.is_empty() => Verdict::pass(format!(
                    "{} ({}) admits no admin port {admin:?} from the internet",
                    group.group_id, group.group_name
                )),
                Ok(exposed) => Verdict::fail(format!(
                    "{} ({}) opens {} to the internet; admin access must go through the VPN",
                    group.group_id,
                    group.group_name,
                    exposed.join(", ")
                )),
            };
            (group.arn.clone(), verdict)
        },
    )
}

/// Whether the rule lets TCP traffic reach `port`: all traffic does, as does a TCP range over it.
fn admits_tcp(rule: &IpPermission, port: u16) -> bool {
    let port = i32::from(port);
    match rule.protocol.as_str() {
        "-1" => true,
        "tcp" | "6" => match (rule.from_port, rule.to_port) {
            (Some(from), Some(to)) => (from..=to).contains(&port) || (from == -1 && to == -1),
            _ => true,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::SecurityGroup;
    use tomwatch_model::Status;

    fn group(id: &str, rules: Vec<IpPermission>) -> SecurityGroup {
        SecurityGroup {
            arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:security-group/{id}"),
            group_id: id.into(),
            group_name: id.into(),
            vpc_id: Some("vpc-1".into()),
            is_default: false,
            ingress: rules,
            egress: vec![],
        }
    }

    fn rule(protocol: &str, ports: Option<(i32, i32)>, cidr: &str) -> IpPermission {
        IpPermission {
            protocol: protocol.into(),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            ipv4_ranges: vec![cidr.into()],
            ipv6_ranges: vec![],
            prefix_lists: vec![],
        }
    }

    #[test]
    fn world_ssh_rdp_and_all_traffic_fail_vpn_only_ssh_passes() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.security_groups = Ok(vec![
            group("sg-vpn", vec![rule("tcp", Some((22, 22)), "10.8.0.0/16")]),
            group("sg-ssh", vec![rule("tcp", Some((22, 22)), "0.0.0.0/0")]),
            group(
                "sg-range",
                vec![rule("tcp", Some((3000, 4000)), "0.0.0.0/0")],
            ),
            group("sg-all", vec![rule("-1", None, "0.0.0.0/0")]),
            group("sg-web", vec![rule("tcp", Some((443, 443)), "0.0.0.0/0")]),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            vec![
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::Fail,
                Status::Pass
            ]
        );
        assert!(
            findings[2]
                .message
                .contains("tcp/3000-4000 (admin port 3389)"),
            "{}",
            findings[2].message
        );
    }

    #[test]
    fn unlistable_groups_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.security_groups =
            Err(denied("ec2", "DescribeSecurityGroups", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }

    #[test]
    fn a_prefix_list_is_judged_by_its_entries_and_an_unreadable_one_is_unknown() {
        use crate::ec2::fixtures::{unreadable_list, via_prefix_list};
        let world = || Ok(vec!["10.8.0.0/16".to_string(), "0.0.0.0/0".to_string()]);
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.security_groups = Ok(vec![
            group("sg-world-list", vec![via_prefix_list(22, world())]),
            group(
                "sg-vpn-list",
                vec![via_prefix_list(22, Ok(vec!["10.8.0.0/16".into()]))],
            ),
            group("sg-hidden", vec![via_prefix_list(22, unreadable_list())]),
            group(
                "sg-hidden-and-open",
                vec![
                    via_prefix_list(3389, unreadable_list()),
                    rule("tcp", Some((22, 22)), "0.0.0.0/0"),
                ],
            ),
        ]);
        let findings = run(&CHECK, &account);
        let statuses: Vec<Status> = findings.iter().map(|f| f.status).collect();
        assert_eq!(
            statuses,
            [Status::Fail, Status::Pass, Status::Unknown, Status::Fail]
        );
        assert!(
            findings[0]
                .message
                .contains("tcp/22 (admin port 22) through prefix list pl-1 (0.0.0.0/0)"),
            "{}",
            findings[0].message
        );
        assert!(
            findings[2].message.contains("GetManagedPrefixListEntries"),
            "{}",
            findings[2].message
        );
    }
}
