use super::*;
use crate::testing::{aws_error, caller, mocked_client};
use aws_sdk_ec2::operation::describe_flow_logs::DescribeFlowLogsOutput;
use aws_sdk_ec2::operation::describe_instances::{DescribeInstancesError, DescribeInstancesOutput};
use aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesOutput;
use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput;
use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput;
use aws_sdk_ec2::operation::get_ebs_encryption_by_default::GetEbsEncryptionByDefaultOutput;
use aws_sdk_ec2::operation::get_managed_prefix_list_entries::GetManagedPrefixListEntriesOutput;
use aws_sdk_ec2::types::IpPermission as SdkIpPermission;
use aws_sdk_ec2::types::{
    FlowLog, IpRange, Ipv6Range, NetworkInterface, PrefixListEntry, PrefixListId,
    SecurityGroup as SdkGroup, Volume, Vpc,
};
use aws_smithy_mocks::Rule;

/// One default VPC with an interface in it and an active flow log; one idle custom VPC.
fn network() -> [Rule; 3] {
    [
        mock!(Client::describe_vpcs).then_output(|| {
            DescribeVpcsOutput::builder()
                .vpcs(
                    Vpc::builder()
                        .vpc_id("vpc-default")
                        .is_default(true)
                        .build(),
                )
                .vpcs(Vpc::builder().vpc_id("vpc-idle").is_default(false).build())
                .build()
        }),
        mock!(Client::describe_flow_logs).then_output(|| {
            DescribeFlowLogsOutput::builder()
                .flow_logs(
                    FlowLog::builder()
                        .resource_id("vpc-default")
                        .flow_log_status("ACTIVE")
                        .build(),
                )
                .build()
        }),
        mock!(Client::describe_network_interfaces).then_output(|| {
            DescribeNetworkInterfacesOutput::builder()
                .network_interfaces(NetworkInterface::builder().vpc_id("vpc-default").build())
                .build()
        }),
    ]
}
use aws_sdk_ec2::Client;
use aws_smithy_mocks::mock;
use tomwatch_model::ErrorKind;

fn groups() -> DescribeSecurityGroupsOutput {
    let ssh = SdkIpPermission::builder()
        .ip_protocol("tcp")
        .from_port(22)
        .to_port(22)
        .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
        .build();
    let everything = SdkIpPermission::builder()
        .ip_protocol("-1")
        .from_port(-1)
        .to_port(-1)
        .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
        .build();
    let group = SdkGroup::builder()
        .group_id("sg-1")
        .group_name("default")
        .vpc_id("vpc-1")
        .ip_permissions(ssh)
        .ip_permissions(everything)
        .ip_permissions(
            SdkIpPermission::builder()
                .ip_protocol("tcp")
                .from_port(3389)
                .to_port(3389)
                .prefix_list_ids(PrefixListId::builder().prefix_list_id("pl-vpn").build())
                .build(),
        )
        .build();
    DescribeSecurityGroupsOutput::builder()
        .security_groups(group)
        .build()
}

#[tokio::test]
async fn rules_are_flattened_and_a_throttled_listing_stays_scoped() {
    let instances = mock!(Client::describe_instances)
        .then_error(|| DescribeInstancesError::generic(aws_error("RequestLimitExceeded")));
    let volumes = mock!(Client::describe_volumes).then_output(|| {
        DescribeVolumesOutput::builder()
            .volumes(
                Volume::builder()
                    .volume_id("vol-1")
                    .encrypted(true)
                    .kms_key_id("k")
                    .build(),
            )
            .build()
    });
    let sgs = mock!(Client::describe_security_groups).then_output(groups);
    let vpn_list = mock!(Client::get_managed_prefix_list_entries)
        .match_requests(|r| r.prefix_list_id() == Some("pl-vpn"))
        .then_output(|| {
            GetManagedPrefixListEntriesOutput::builder()
                .entries(PrefixListEntry::builder().cidr("10.8.0.0/16").build())
                .build()
        });
    let by_default = mock!(Client::get_ebs_encryption_by_default).then_output(|| {
        GetEbsEncryptionByDefaultOutput::builder()
            .ebs_encryption_by_default(true)
            .build()
    });
    let routes = mock!(Client::describe_route_tables)
        .then_output(|| DescribeRouteTablesOutput::builder().build());
    let [vpcs, flow_logs, interfaces] = network();
    let client = mocked_client!(
        aws_sdk_ec2,
        instances,
        volumes,
        sgs,
        vpn_list,
        by_default,
        routes,
        vpcs,
        flow_logs,
        interfaces
    );

    let inventory = collect(&client, &caller("eu-west-1", "ec2")).await;
    let vpcs = inventory.vpcs.as_ref().expect("collected");
    assert!(vpcs[0].is_default && vpcs[0].in_use && vpcs[0].flow_logs_active);
    assert!(!vpcs[1].is_default && !vpcs[1].in_use && !vpcs[1].flow_logs_active);
    assert_eq!(
        vpcs[1].arn,
        "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-idle"
    );
    let throttled = inventory.instances.expect_err("throttled");
    assert_eq!(
        (throttled.kind, throttled.operation),
        (ErrorKind::Throttled, "DescribeInstances")
    );
    assert_eq!(throttled.scope.region, "eu-west-1");

    let volumes = inventory.volumes.expect("volumes");
    assert_eq!(
        volumes[0].arn,
        "arn:aws:ec2:eu-west-1:111111111111:volume/vol-1"
    );

    let group = &inventory.security_groups.expect("groups")[0];
    assert_eq!(
        group.arn,
        "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1"
    );
    assert!(group.is_default);
    assert_eq!(group.ingress[0].from_port, Some(22));
    assert_eq!(group.ingress[1].protocol, "-1");
    assert_eq!(
        (group.ingress[1].from_port, group.ingress[1].to_port),
        (None, None),
        "all traffic has no ports"
    );
    assert!(group.ingress[..2]
        .iter()
        .all(|rule| rule.world_source().is_ok_and(|s| s.is_some())));
    let vpn = &group.ingress[2];
    assert_eq!(
        vpn.prefix_lists[0].cidrs,
        Ok(vec!["10.8.0.0/16".to_string()])
    );
    assert_eq!(vpn.world_source(), Ok(None));
}

#[tokio::test]
async fn a_volume_without_its_encrypted_flag_is_an_error_not_false() {
    let instances = mock!(Client::describe_instances)
        .then_output(|| DescribeInstancesOutput::builder().build());
    let volumes = mock!(Client::describe_volumes).then_output(|| {
        DescribeVolumesOutput::builder()
            .volumes(Volume::builder().volume_id("vol-2").build())
            .build()
    });
    let sgs = mock!(Client::describe_security_groups)
        .then_output(|| DescribeSecurityGroupsOutput::builder().build());
    let by_default = mock!(Client::get_ebs_encryption_by_default)
        .then_output(|| GetEbsEncryptionByDefaultOutput::builder().build());
    let routes = mock!(Client::describe_route_tables)
        .then_output(|| DescribeRouteTablesOutput::builder().build());
    let [vpcs, flow_logs, interfaces] = network();
    let client = mocked_client!(
        aws_sdk_ec2,
        instances,
        volumes,
        sgs,
        by_default,
        routes,
        vpcs,
        flow_logs,
        interfaces
    );

    let inventory = collect(&client, &caller("eu-central-1", "ec2")).await;
    let error = inventory.volumes.expect_err("malformed");
    assert_eq!(
        (error.kind, error.operation),
        (ErrorKind::Other, "DescribeVolumes")
    );
    assert_eq!(error.message, "the response lacked Encrypted");
    let setting = inventory
        .ebs_encryption_by_default
        .expect_err("flag missing");
    assert_eq!(
        setting.message,
        "the response lacked EbsEncryptionByDefault"
    );
    assert_eq!(inventory.instances, Ok(vec![]));
}

/// A change event's single group: described by ID with its prefix lists resolved, gone when EC2
/// says it no longer exists, and an error (never "gone") when EC2 refuses to say.
#[tokio::test]
async fn one_group_is_described_again_by_id_and_a_deleted_one_is_gone() {
    use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsError;
    let sg1 = mock!(Client::describe_security_groups)
        .match_requests(|r| r.group_ids() == ["sg-1"])
        .then_output(groups);
    let deleted = mock!(Client::describe_security_groups)
        .match_requests(|r| r.group_ids() == ["sg-gone"])
        .then_error(|| DescribeSecurityGroupsError::generic(aws_error("InvalidGroup.NotFound")));
    let denied = mock!(Client::describe_security_groups)
        .match_requests(|r| r.group_ids() == ["sg-secret"])
        .then_error(|| DescribeSecurityGroupsError::generic(aws_error("UnauthorizedOperation")));
    let vpn_list = mock!(Client::get_managed_prefix_list_entries).then_output(|| {
        GetManagedPrefixListEntriesOutput::builder()
            .entries(PrefixListEntry::builder().cidr("10.8.0.0/16").build())
            .build()
    });
    let client = mocked_client!(aws_sdk_ec2, sg1, deleted, denied, vpn_list);
    let caller = caller("eu-central-1", "ec2");

    let group = one_security_group(&client, &caller, "sg-1")
        .await
        .expect("described")
        .expect("exists");
    assert_eq!(group.group_id, "sg-1");
    assert_eq!(group.ingress.len(), 3);
    assert_eq!(
        group.ingress[2].prefix_lists[0].cidrs,
        Ok(vec!["10.8.0.0/16".to_string()]),
        "the prefix list is resolved as in a full collection"
    );
    assert_eq!(
        one_security_group(&client, &caller, "sg-gone").await,
        Ok(None)
    );
    let error = one_security_group(&client, &caller, "sg-secret")
        .await
        .expect_err("a refusal is not an absence");
    assert_eq!(error.kind, tomwatch_model::ErrorKind::AccessDenied);
}
