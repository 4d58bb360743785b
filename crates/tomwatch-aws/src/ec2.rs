use crate::caller::Caller;
use crate::session::AwsSession;
use aws_sdk_ec2::types::{IpPermission as SdkIpPermission, Tag};
use tomwatch_model::inventory::{
    EbsVolume, Ec2Instance, Ec2Inventory, IpPermission, RouteTable, SecurityGroup, Tags,
};

impl AwsSession {
    pub async fn collect_ec2(&self, region: &str) -> Ec2Inventory {
        let client = self.client(region, |config| aws_sdk_ec2::Client::new(&config));
        collect(&client, &self.caller(region, "ec2")).await
    }
}

pub(crate) async fn collect(client: &aws_sdk_ec2::Client, caller: &Caller) -> Ec2Inventory {
    let (account, region) = (&caller.scope.account_id, caller.scope.region.as_str());

    let instances = async {
        let pages = caller
            .call(
                "DescribeInstances",
                client
                    .describe_instances()
                    .into_paginator()
                    .send()
                    .try_collect(),
            )
            .await?;
        let mut instances = Vec::new();
        for instance in pages
            .iter()
            .flat_map(|p| p.reservations())
            .flat_map(|r| r.instances())
        {
            let state = instance
                .state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_string())
                .unwrap_or_default();
            if state == "terminated" || state == "shutting-down" {
                continue;
            }
            let id = instance
                .instance_id()
                .ok_or_else(|| caller.missing("DescribeInstances", "InstanceId"))?;
            instances.push(Ec2Instance {
                arn: format!("arn:aws:ec2:{region}:{account}:instance/{id}"),
                instance_id: id.to_string(),
                state,
                tags: tags(instance.tags()),
            });
        }
        Ok(instances)
    };

    let volumes = async {
        let pages = caller
            .call(
                "DescribeVolumes",
                client
                    .describe_volumes()
                    .into_paginator()
                    .send()
                    .try_collect(),
            )
            .await?;
        let mut volumes = Vec::new();
        for volume in pages.iter().flat_map(|p| p.volumes()) {
            let id = volume
                .volume_id()
                .ok_or_else(|| caller.missing("DescribeVolumes", "VolumeId"))?;
            volumes.push(EbsVolume {
                arn: format!("arn:aws:ec2:{region}:{account}:volume/{id}"),
                volume_id: id.to_string(),
                encrypted: volume
                    .encrypted()
                    .ok_or_else(|| caller.missing("DescribeVolumes", "Encrypted"))?,
                kms_key_id: volume.kms_key_id().map(str::to_string),
                tags: tags(volume.tags()),
            });
        }
        Ok(volumes)
    };

    let security_groups = async {
        let pages = caller
            .call(
                "DescribeSecurityGroups",
                client
                    .describe_security_groups()
                    .into_paginator()
                    .send()
                    .try_collect(),
            )
            .await?;
        let mut groups = Vec::new();
        for group in pages.iter().flat_map(|p| p.security_groups()) {
            let id = group
                .group_id()
                .ok_or_else(|| caller.missing("DescribeSecurityGroups", "GroupId"))?;
            let name = group.group_name().unwrap_or_default();
            groups.push(SecurityGroup {
                arn: group
                    .security_group_arn()
                    .map(str::to_string)
                    .unwrap_or_else(|| {
                        format!("arn:aws:ec2:{region}:{account}:security-group/{id}")
                    }),
                group_id: id.to_string(),
                group_name: name.to_string(),
                vpc_id: group.vpc_id().map(str::to_string),
                is_default: name == "default",
                ingress: group.ip_permissions().iter().map(ip_permission).collect(),
            });
        }
        Ok(groups)
    };

    let ebs_encryption_by_default = async {
        const OP: &str = "GetEbsEncryptionByDefault";
        let output = caller
            .call(OP, client.get_ebs_encryption_by_default().send())
            .await?;
        output
            .ebs_encryption_by_default()
            .ok_or_else(|| caller.missing(OP, "EbsEncryptionByDefault"))
    };

    let route_tables = async {
        const OP: &str = "DescribeRouteTables";
        let pages = caller
            .call(
                OP,
                client
                    .describe_route_tables()
                    .into_paginator()
                    .send()
                    .try_collect(),
            )
            .await?;
        let mut tables = Vec::new();
        for table in pages.iter().flat_map(|p| p.route_tables()) {
            let associations = table.associations();
            tables.push(RouteTable {
                route_table_id: table
                    .route_table_id()
                    .ok_or_else(|| caller.missing(OP, "RouteTableId"))?
                    .to_string(),
                vpc_id: table.vpc_id().unwrap_or_default().to_string(),
                is_main: associations.iter().any(|a| a.main().unwrap_or(false)),
                subnet_ids: associations
                    .iter()
                    .filter_map(|a| a.subnet_id().map(str::to_string))
                    .collect(),
                routes_to_internet_gateway: table.routes().iter().any(|route| {
                    let active = route.state().is_none_or(|s| s.as_str() == "active");
                    active && route.gateway_id().is_some_and(|g| g.starts_with("igw-"))
                }),
            });
        }
        Ok(tables)
    };

    let (instances, volumes, security_groups, ebs_encryption_by_default, route_tables) = tokio::join!(
        instances,
        volumes,
        security_groups,
        ebs_encryption_by_default,
        route_tables
    );
    Ec2Inventory {
        instances,
        volumes,
        security_groups,
        ebs_encryption_by_default,
        route_tables,
    }
}

fn ip_permission(rule: &SdkIpPermission) -> IpPermission {
    let protocol = rule.ip_protocol().unwrap_or("-1").to_string();
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
    }
}

fn tags(tags: &[Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod collector_tests {
    use super::*;
    use crate::testing::{aws_error, caller, mocked_client};
    use aws_sdk_ec2::operation::describe_instances::{
        DescribeInstancesError, DescribeInstancesOutput,
    };
    use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput;
    use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
    use aws_sdk_ec2::operation::describe_volumes::DescribeVolumesOutput;
    use aws_sdk_ec2::operation::get_ebs_encryption_by_default::GetEbsEncryptionByDefaultOutput;
    use aws_sdk_ec2::types::{IpRange, Ipv6Range, SecurityGroup as SdkGroup, Volume};
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
        let by_default = mock!(Client::get_ebs_encryption_by_default).then_output(|| {
            GetEbsEncryptionByDefaultOutput::builder()
                .ebs_encryption_by_default(true)
                .build()
        });
        let routes = mock!(Client::describe_route_tables)
            .then_output(|| DescribeRouteTablesOutput::builder().build());
        let client = mocked_client!(aws_sdk_ec2, instances, volumes, sgs, by_default, routes);

        let inventory = collect(&client, &caller("eu-west-1", "ec2")).await;
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
        assert!(group.ingress.iter().all(IpPermission::is_open_to_world));
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
        let client = mocked_client!(aws_sdk_ec2, instances, volumes, sgs, by_default, routes);

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
}
