//! VPCs, whether anything lives in them, and whether their traffic is logged.

use crate::caller::{all_pages, Caller};
use std::collections::BTreeSet;
use tomwatch_model::inventory::Vpc;
use tomwatch_model::Collected;

pub(super) async fn collect(client: &aws_sdk_ec2::Client, caller: &Caller) -> Collected<Vec<Vpc>> {
    let (account, region) = (&caller.scope.account_id, caller.scope.region.as_str());
    let vpcs = all_pages!(caller, "DescribeVpcs", client.describe_vpcs());
    let flow_logs = all_pages!(caller, "DescribeFlowLogs", client.describe_flow_logs());
    let interfaces = all_pages!(
        caller,
        "DescribeNetworkInterfaces",
        client.describe_network_interfaces()
    );
    let (vpcs, flow_logs, interfaces) = tokio::join!(vpcs, flow_logs, interfaces);
    let logged: BTreeSet<String> = flow_logs?
        .iter()
        .flat_map(|p| p.flow_logs())
        .filter(|f| f.flow_log_status() == Some("ACTIVE"))
        .filter_map(|f| f.resource_id().map(str::to_string))
        .collect();
    let used: BTreeSet<String> = interfaces?
        .iter()
        .flat_map(|p| p.network_interfaces())
        .filter_map(|i| i.vpc_id().map(str::to_string))
        .collect();
    let mut out = Vec::new();
    for vpc in vpcs?.iter().flat_map(|p| p.vpcs()) {
        let id = vpc
            .vpc_id()
            .ok_or_else(|| caller.missing("DescribeVpcs", "VpcId"))?;
        out.push(Vpc {
            arn: format!("arn:aws:ec2:{region}:{account}:vpc/{id}"),
            vpc_id: id.to_string(),
            is_default: vpc
                .is_default()
                .ok_or_else(|| caller.missing("DescribeVpcs", "IsDefault"))?,
            in_use: used.contains(id),
            flow_logs_active: logged.contains(id),
        });
    }
    Ok(out)
}
