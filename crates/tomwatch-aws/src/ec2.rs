mod vpcs;

use crate::caller::Caller;
use crate::session::{AwsSession, RegionalCollection};
use aws_sdk_ec2::types::{IpPermission as SdkIpPermission, Tag};
use tomwatch_model::inventory::{
    EbsVolume, Ec2Instance, Ec2Inventory, IpPermission, RouteTable, SecurityGroup, Tags,
};

impl RegionalCollection for Ec2Inventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = session.client(region, |config| aws_sdk_ec2::Client::new(&config));
        collect(&client, &session.caller(region, "ec2")).await
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
                .ok_or_else(|| caller.missing("DescribeInstances", "State.Name"))?
                .as_str()
                .to_string();
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
            let name = group
                .group_name()
                .ok_or_else(|| caller.missing("DescribeSecurityGroups", "GroupName"))?;
            groups.push(SecurityGroup {
                arn: group
                    .security_group_arn()
                    .map(str::to_string)
                    // default: the ARN is built from the ID where the response has none
                    .unwrap_or_else(|| {
                        format!("arn:aws:ec2:{region}:{account}:security-group/{id}")
                    }),
                group_id: id.to_string(),
                group_name: name.to_string(),
                vpc_id: group.vpc_id().map(str::to_string),
                is_default: name == "default",
                ingress: group.ip_permissions().iter().map(ip_permission).collect(),
                egress: group
                    .ip_permissions_egress()
                    .iter()
                    .map(ip_permission)
                    .collect(),
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
                routes_to_internet_gateway: table.routes().iter().any(|route| {
                    let active = route.state().is_none_or(|s| s.as_str() == "active");
                    active && route.gateway_id().is_some_and(|g| g.starts_with("igw-"))
                }),
            });
        }
        Ok(tables)
    };

    let (instances, volumes, security_groups, ebs_encryption_by_default, route_tables, vpcs) = tokio::join!(
        instances,
        volumes,
        security_groups,
        ebs_encryption_by_default,
        route_tables,
        vpcs::collect(client, caller),
    );
    Ec2Inventory {
        instances,
        volumes,
        security_groups,
        ebs_encryption_by_default,
        route_tables,
        vpcs,
    }
}

fn ip_permission(rule: &SdkIpPermission) -> IpPermission {
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
    }
}

fn tags(tags: &[Tag]) -> Tags {
    crate::tags::tag_map(tags.iter().map(|t| (t.key(), t.value())))
}

#[cfg(test)]
mod tests;
