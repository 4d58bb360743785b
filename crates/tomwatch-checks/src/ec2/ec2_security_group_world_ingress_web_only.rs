use super::{describe, world_exposures};
use crate::check::Evidence;
use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::inventory::IpPermission;

check! {
    title: "Security groups admit the internet only to web ports (TCP 80/443)",
    resource_type: "AWS::EC2::SecurityGroup",
    evaluate,
}

fn evaluate(ctx: &EvalContext) -> Vec<Evidence> {
    let allowed = &ctx.params.world_open_ports;
    CHECK.meta.per_region_item(
        ctx,
        |r| &r.ec2.security_groups,
        "arn:aws:ec2:{region}:{account}:security-group/*",
        |_, group| {
            let offending =
                world_exposures(group, |rule| (!only_allowed_ports(rule, allowed)).then(|| describe(rule)));
            let verdict = match offending {
                Err(error) => Verdict::not_collected(error),
                Ok(offending) if offending.is_empty() => Verdict::pass(format!(
                    "{} ({}) admits the internet to no port beyond {allowed:?}",
                    group.group_id, group.group_name
                )),
                Ok(offending) => Verdict::fail(format!(
                    "{} ({}) is open to the internet on {}",
                    group.group_id,
                    group.group_name,
                    offending.join(", ")
                )),
            };
            (group.arn.clone(), verdict)
        },
    )
}

/// A world-open rule is acceptable only when it is TCP and every port it opens is allowed: the
/// web ports are TCP ports, and UDP on 80/443 is another service than the web (and the
/// amplification surface of one).
fn only_allowed_ports(rule: &IpPermission, allowed: &[u16]) -> bool {
    let tcp = matches!(rule.protocol.as_str(), "tcp" | "6");
    match (tcp, rule.from_port, rule.to_port) {
        (true, Some(from), Some(to)) if from <= to && to - from < 65536 => {
            (from..=to).all(|port| u16::try_from(port).is_ok_and(|p| allowed.contains(&p)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use tomwatch_model::inventory::SecurityGroup;
    use tomwatch_model::Status;

    fn rule(protocol: &str, ports: Option<(i32, i32)>, v4: &str) -> IpPermission {
        IpPermission {
            protocol: protocol.into(),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            ipv4_ranges: vec![v4.into()],
            ipv6_ranges: vec![],
            prefix_lists: vec![],
        }
    }

    fn verdict_of(rules: Vec<IpPermission>) -> Evidence {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.security_groups = Ok(vec![SecurityGroup {
            arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:security-group/sg-1"),
            group_id: "sg-1".into(),
            group_name: "web".into(),
            vpc_id: Some("vpc-1".into()),
            is_default: false,
            ingress: rules,
            egress: vec![],
        }]);
        only(run(&CHECK, &account)).0.clone()
    }

    #[test]
    fn web_ports_from_the_world_and_ssh_from_the_vpn_pass() {
        let finding = verdict_of(vec![
            rule("tcp", Some((443, 443)), "0.0.0.0/0"),
            rule("6", Some((443, 443)), "0.0.0.0/0"),
            rule("tcp", Some((80, 80)), "0.0.0.0/0"),
            rule("tcp", Some((22, 22)), "10.8.0.0/16"),
        ]);
        assert_eq!(finding.status, Status::Pass, "{}", finding.message);
    }

    #[test]
    fn ssh_all_traffic_wide_ranges_and_udp_from_the_world_fail() {
        for (bad, described) in [
            (rule("tcp", Some((22, 22)), "0.0.0.0/0"), "tcp/22"),
            (rule("-1", None, "0.0.0.0/0"), "all traffic"),
            (rule("tcp", Some((80, 443)), "0.0.0.0/0"), "tcp/80-443"),
            (rule("icmp", Some((-1, -1)), "0.0.0.0/0"), "icmp/-1"),
            (rule("udp", Some((443, 443)), "0.0.0.0/0"), "udp/443"),
            (rule("17", Some((80, 80)), "0.0.0.0/0"), "17/80"),
        ] {
            let finding = verdict_of(vec![bad]);
            assert_eq!(finding.status, Status::Fail, "{described}");
            assert!(finding.message.contains(described), "{}", finding.message);
        }
    }

    #[test]
    fn ipv6_world_counts_as_world() {
        let mut v6 = rule("tcp", Some((3389, 3389)), "10.0.0.0/8");
        v6.ipv6_ranges = vec!["::/0".into()];
        assert_eq!(verdict_of(vec![v6]).status, Status::Fail);
    }

    #[test]
    fn unlistable_groups_are_unknown() {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.security_groups =
            Err(denied("ec2", "DescribeSecurityGroups", "eu-central-1"));
        assert_eq!(only(run(&CHECK, &account)).1, Status::Unknown);
    }

    #[test]
    fn prefix_lists_count_by_their_entries_and_only_where_the_port_is_not_web() {
        use crate::ec2::fixtures::{unreadable_list, via_prefix_list};
        let world = || Ok(vec!["::/0".to_string()]);
        let finding = verdict_of(vec![via_prefix_list(5432, world())]);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .message
                .contains("tcp/5432 through prefix list pl-1 (::/0)"),
            "{}",
            finding.message
        );
        assert_eq!(
            verdict_of(vec![via_prefix_list(443, unreadable_list())]).status,
            Status::Pass,
            "a web port is allowed from anywhere, whatever the list holds"
        );
        assert_eq!(
            verdict_of(vec![via_prefix_list(5432, unreadable_list())]).status,
            Status::Unknown
        );
    }
}
