//! EC2 responses as the model holds them: pure functions of one SDK value each, tested on
//! literal values below. The caller only names the scope of a field a response lacked.

use super::prefix_lists::PrefixLists;
use crate::caller::Caller;
use aws_sdk_ec2::types::{
    Instance, IpPermission as SdkIpPermission, RouteTable as SdkRouteTable,
    SecurityGroup as SdkSecurityGroup, Tag, Volume,
};
use tomwatch_model::inventory::{
    EbsVolume, Ec2Instance, IpPermission, PrefixListSource, RouteTable, SecurityGroup, Tags,
};
use tomwatch_model::Collected;

/// A described instance, or `None` for one that is gone or going (terminated, shutting down).
pub(super) fn instance(caller: &Caller, instance: &Instance) -> Collected<Option<Ec2Instance>> {
    const OP: &str = "DescribeInstances";
    let state = instance
        .state()
        .and_then(|s| s.name())
        .ok_or_else(|| caller.missing(OP, "State.Name"))?
        .as_str();
    if state == "terminated" || state == "shutting-down" {
        return Ok(None);
    }
    let id = instance
        .instance_id()
        .ok_or_else(|| caller.missing(OP, "InstanceId"))?;
    let (account, region) = (&caller.scope.account_id, &caller.scope.region);
    Ok(Some(Ec2Instance {
        arn: format!("arn:aws:ec2:{region}:{account}:instance/{id}"),
        instance_id: id.to_string(),
        state: state.to_string(),
        tags: tags(instance.tags()),
    }))
}

pub(super) fn volume(caller: &Caller, volume: &Volume) -> Collected<EbsVolume> {
    const OP: &str = "DescribeVolumes";
    let id = volume
        .volume_id()
        .ok_or_else(|| caller.missing(OP, "VolumeId"))?;
    let (account, region) = (&caller.scope.account_id, &caller.scope.region);
    Ok(EbsVolume {
        arn: format!("arn:aws:ec2:{region}:{account}:volume/{id}"),
        volume_id: id.to_string(),
        encrypted: volume
            .encrypted()
            .ok_or_else(|| caller.missing(OP, "Encrypted"))?,
        kms_key_id: volume.kms_key_id().map(str::to_string),
        tags: tags(volume.tags()),
    })
}

pub(super) fn security_group(
    caller: &Caller,
    group: &SdkSecurityGroup,
    prefix_lists: &PrefixLists,
) -> Collected<SecurityGroup> {
    const OP: &str = "DescribeSecurityGroups";
    let id = group
        .group_id()
        .ok_or_else(|| caller.missing(OP, "GroupId"))?;
    let name = group
        .group_name()
        .ok_or_else(|| caller.missing(OP, "GroupName"))?;
    let (account, region) = (&caller.scope.account_id, &caller.scope.region);
    Ok(SecurityGroup {
        arn: group
            .security_group_arn()
            .map(str::to_string)
            // default: the ARN is built from the ID where the response has none
            .unwrap_or_else(|| format!("arn:aws:ec2:{region}:{account}:security-group/{id}")),
        group_id: id.to_string(),
        group_name: name.to_string(),
        vpc_id: group.vpc_id().map(str::to_string),
        is_default: name == "default",
        ingress: group
            .ip_permissions()
            .iter()
            .map(|rule| ip_permission(rule, prefix_lists))
            .collect(),
        egress: group
            .ip_permissions_egress()
            .iter()
            .map(|rule| ip_permission(rule, prefix_lists))
            .collect(),
    })
}

pub(super) fn route_table(caller: &Caller, table: &SdkRouteTable) -> Collected<RouteTable> {
    const OP: &str = "DescribeRouteTables";
    let associations = table.associations();
    Ok(RouteTable {
        route_table_id: table
            .route_table_id()
            .ok_or_else(|| caller.missing(OP, "RouteTableId"))?
            .to_string(),
        vpc_id: table
            .vpc_id()
            .ok_or_else(|| caller.missing(OP, "VpcId"))?
            .to_string(),
        is_main: associations
            .iter()
            .map(|a| {
                a.main()
                    .ok_or_else(|| caller.missing(OP, "Associations.Main"))
            })
            .collect::<Result<Vec<bool>, _>>()?
            .contains(&true),
        subnet_ids: associations
            .iter()
            .filter_map(|a| a.subnet_id().map(str::to_string))
            .collect(),
        // A blackhole route (its gateway deleted) carries no traffic.
        routes_to_internet_gateway: table.routes().iter().any(|route| {
            let active = route.state().is_none_or(|s| s.as_str() == "active");
            active && route.gateway_id().is_some_and(|g| g.starts_with("igw-"))
        }),
    })
}

pub(super) fn ip_permission(rule: &SdkIpPermission, prefix_lists: &PrefixLists) -> IpPermission {
    let protocol = rule.ip_protocol().unwrap_or("-1").to_string(); // default: no protocol read as all protocols, the widest rule
    let ported = protocol != "-1";
    IpPermission {
        from_port: rule.from_port().filter(|_| ported),
        to_port: rule.to_port().filter(|_| ported),
        protocol,
        ipv4_ranges: rule
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(str::to_string))
            .collect(),
        ipv6_ranges: rule
            .ipv6_ranges()
            .iter()
            .filter_map(|r| r.cidr_ipv6().map(str::to_string))
            .collect(),
        prefix_lists: rule
            .prefix_list_ids()
            .iter()
            .filter_map(|r| r.prefix_list_id())
            .map(|id| PrefixListSource {
                prefix_list_id: id.to_string(),
                cidrs: prefix_lists.cidrs(id),
            })
            .collect(),
    }
}

fn tags(tags: &[Tag]) -> Tags {
    crate::tags::tag_map(tags.iter().map(|t| (t.key(), t.value())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::caller;
    use aws_sdk_ec2::types::{
        InstanceState, InstanceStateName, Route, RouteState, RouteTableAssociation,
    };

    fn ec2() -> Caller {
        caller("eu-central-1", "ec2")
    }

    fn no_prefix_lists() -> PrefixLists {
        PrefixLists::from_entries(&ec2(), Default::default())
    }

    fn running(id: &str, state: InstanceStateName) -> Instance {
        Instance::builder()
            .instance_id(id)
            .state(InstanceState::builder().name(state).build())
            .tags(Tag::builder().key("managed-by").value("terraform").build())
            .build()
    }

    #[test]
    fn an_instance_gets_its_arn_and_tags_and_a_terminated_one_is_left_out() {
        let instance = super::instance(&ec2(), &running("i-1", InstanceStateName::Running))
            .expect("complete")
            .expect("running");
        assert_eq!(
            instance.arn,
            "arn:aws:ec2:eu-central-1:111111111111:instance/i-1"
        );
        assert_eq!(
            instance.tags.get("managed-by").map(String::as_str),
            Some("terraform")
        );
        for gone in [
            InstanceStateName::Terminated,
            InstanceStateName::ShuttingDown,
        ] {
            assert_eq!(super::instance(&ec2(), &running("i-2", gone)), Ok(None));
        }
        let stateless = Instance::builder().instance_id("i-3").build();
        let error = super::instance(&ec2(), &stateless).expect_err("no state");
        assert_eq!(error.message, "the response lacked State.Name");
    }

    #[test]
    fn a_group_without_an_arn_gets_one_and_the_default_group_is_known_by_name() {
        let group = SdkSecurityGroup::builder()
            .group_id("sg-1")
            .group_name("default")
            .build();
        let group = security_group(&ec2(), &group, &no_prefix_lists()).expect("complete");
        assert_eq!(
            group.arn,
            "arn:aws:ec2:eu-central-1:111111111111:security-group/sg-1"
        );
        assert!(group.is_default);
        let nameless = SdkSecurityGroup::builder().group_id("sg-2").build();
        assert!(security_group(&ec2(), &nameless, &no_prefix_lists()).is_err());
    }

    #[test]
    fn only_an_active_route_to_an_internet_gateway_makes_a_table_public() {
        let table = |state: RouteState| {
            SdkRouteTable::builder()
                .route_table_id("rtb-1")
                .vpc_id("vpc-1")
                .associations(
                    RouteTableAssociation::builder()
                        .main(false)
                        .subnet_id("subnet-1")
                        .build(),
                )
                .routes(Route::builder().gateway_id("igw-1").state(state).build())
                .build()
        };
        let active = route_table(&ec2(), &table(RouteState::Active)).expect("complete");
        assert!(active.routes_to_internet_gateway);
        assert_eq!(
            (active.is_main, active.subnet_ids),
            (false, vec!["subnet-1".to_string()])
        );
        let blackhole = route_table(&ec2(), &table(RouteState::Blackhole)).expect("complete");
        assert!(!blackhole.routes_to_internet_gateway);

        let unsure = SdkRouteTable::builder()
            .route_table_id("rtb-2")
            .vpc_id("vpc-1")
            .associations(
                RouteTableAssociation::builder()
                    .subnet_id("subnet-2")
                    .build(),
            )
            .build();
        let error = route_table(&ec2(), &unsure).expect_err("Main is required");
        assert_eq!(error.message, "the response lacked Associations.Main");
    }

    #[test]
    fn all_traffic_rules_have_no_ports() {
        let rule = SdkIpPermission::builder()
            .ip_protocol("-1")
            .from_port(-1)
            .to_port(-1)
            .build();
        let rule = ip_permission(&rule, &no_prefix_lists());
        assert_eq!(
            (rule.protocol.as_str(), rule.from_port, rule.to_port),
            ("-1", None, None)
        );
    }

    #[test]
    fn a_prefix_list_source_carries_its_entries_or_the_error_that_hid_them() {
        use aws_sdk_ec2::types::PrefixListId;
        use tomwatch_model::inventory::WorldSource;
        let denied = ec2().error(
            "GetManagedPrefixListEntries",
            tomwatch_model::ErrorKind::AccessDenied,
            "not authorized".into(),
        );
        let lists = PrefixLists::from_entries(
            &ec2(),
            [
                ("pl-world".to_string(), Ok(vec!["0.0.0.0/0".to_string()])),
                ("pl-hidden".to_string(), Err(denied.clone())),
            ]
            .into(),
        );
        let ssh_from = |id: &str| {
            SdkIpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .prefix_list_ids(PrefixListId::builder().prefix_list_id(id).build())
                .build()
        };
        let world = ip_permission(&ssh_from("pl-world"), &lists);
        assert_eq!(
            world.world_source(),
            Ok(Some(WorldSource::PrefixList {
                prefix_list_id: "pl-world".into(),
                cidr: "0.0.0.0/0".into()
            }))
        );
        let hidden = ip_permission(&ssh_from("pl-hidden"), &lists);
        assert_eq!(hidden.world_source(), Err(&denied));
        let unresolved = ip_permission(&ssh_from("pl-elsewhere"), &lists);
        let error = unresolved.world_source().expect_err("never read");
        assert!(error.message.contains("pl-elsewhere"), "{}", error.message);
    }
}
