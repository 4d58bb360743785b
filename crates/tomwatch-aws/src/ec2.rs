use crate::attempts::sdk_client;
mod convert;
mod prefix_lists;
mod vpcs;

use crate::caller::{all_pages, Caller};
use crate::session::{AwsSession, RegionalCollection};
use tomwatch_model::inventory::{Ec2Inventory, SecurityGroup};
use tomwatch_model::Collected;

impl RegionalCollection for Ec2Inventory {
    async fn collect(session: &AwsSession, region: &str) -> Self {
        let client = sdk_client!(session, region, "ec2", aws_sdk_ec2);
        collect(&client, &session.caller(region, "ec2")).await
    }
}

impl AwsSession {
    /// One security group described again, for a change event that changed it alone (issue
    /// 13): `Ok(None)` when it no longer exists.
    pub async fn security_group(
        &self,
        region: &str,
        group_id: &str,
    ) -> Collected<Option<SecurityGroup>> {
        let client = sdk_client!(self, region, "ec2", aws_sdk_ec2);
        one_security_group(&client, &self.caller(region, "ec2"), group_id).await
    }
}

async fn one_security_group(
    client: &aws_sdk_ec2::Client,
    caller: &Caller,
    group_id: &str,
) -> Collected<Option<SecurityGroup>> {
    let Some(output) = caller
        .call_absent_ok(
            "DescribeSecurityGroups",
            client.describe_security_groups().group_ids(group_id).send(),
            &["InvalidGroup.NotFound"],
        )
        .await?
    else {
        return Ok(None);
    };
    let groups = output
        .security_groups()
        .iter()
        .filter(|g| g.group_id() == Some(group_id))
        .collect();
    Ok(security_groups(client, caller, groups)
        .await?
        .into_iter()
        .next())
}

/// Groups as the model holds them, with the prefix lists their rules name resolved: the same
/// for a region's listing and for one group described again.
async fn security_groups(
    client: &aws_sdk_ec2::Client,
    caller: &Caller,
    groups: Vec<&aws_sdk_ec2::types::SecurityGroup>,
) -> Collected<Vec<SecurityGroup>> {
    let prefix_lists = prefix_lists::resolve(client, caller, &groups).await;
    groups
        .into_iter()
        .map(|g| convert::security_group(caller, g, &prefix_lists))
        .collect()
}

pub(crate) async fn collect(client: &aws_sdk_ec2::Client, caller: &Caller) -> Ec2Inventory {
    let instances = async {
        let pages = all_pages!(caller, "DescribeInstances", client.describe_instances()).await?;
        pages
            .iter()
            .flat_map(|p| p.reservations())
            .flat_map(|r| r.instances())
            .filter_map(|i| convert::instance(caller, i).transpose())
            .collect()
    };

    let volumes = async {
        let pages = all_pages!(caller, "DescribeVolumes", client.describe_volumes()).await?;
        pages
            .iter()
            .flat_map(|p| p.volumes())
            .map(|v| convert::volume(caller, v))
            .collect()
    };

    let security_groups = async {
        let pages = all_pages!(
            caller,
            "DescribeSecurityGroups",
            client.describe_security_groups()
        )
        .await?;
        let groups = pages.iter().flat_map(|p| p.security_groups()).collect();
        security_groups(client, caller, groups).await
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
        let pages = all_pages!(
            caller,
            "DescribeRouteTables",
            client.describe_route_tables()
        )
        .await?;
        pages
            .iter()
            .flat_map(|p| p.route_tables())
            .map(|t| convert::route_table(caller, t))
            .collect()
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

#[cfg(test)]
mod tests;
