//! Subnet routing shared by the checks that keep data stores out of public subnets.

use crate::check::EvalContext;
use crate::verdict::Verdict;
use tomwatch_model::inventory::Ec2Inventory;

/// The subnets among `subnets` (of `vpc`, in `region`) whose route table sends traffic to an
/// internet gateway; or the verdict to give when the routes are unknown.
pub fn public_subnets<'a>(
    ctx: &EvalContext,
    region: &str,
    vpc: &str,
    subnets: &'a [String],
) -> Result<Vec<&'a str>, Verdict> {
    // The routes live in the EC2 inventory of the same region.
    let tables = match ctx
        .account
        .regions
        .as_ref()
        .ok()
        .and_then(|r| r.get(region))
        .map(|r| &r.ec2.route_tables)
    {
        Some(Ok(tables)) => tables,
        Some(Err(error)) => return Err(Verdict::not_collected(error)),
        None => {
            return Err(Verdict::not_applicable(format!(
                "region {region} was not scanned"
            )))
        }
    };
    let mut public = Vec::new();
    let mut unrouted = Vec::new();
    for subnet in subnets {
        match Ec2Inventory::route_table_of(tables, vpc, subnet) {
            Some(table) if table.routes_to_internet_gateway => public.push(subnet.as_str()),
            Some(_) => {}
            None => unrouted.push(subnet.as_str()),
        }
    }
    // A public subnet proves the FAIL whatever the others are; a subnet no table is found for
    // is not private by default.
    if public.is_empty() && !unrouted.is_empty() {
        let vpc = if vpc.is_empty() {
            "its VPC (none reported)".to_string()
        } else {
            format!("VPC {vpc}")
        };
        return Err(Verdict::undecidable(format!(
            "no route table found for subnet(s) {}: none is associated and no main table of {vpc} was listed",
            unrouted.join(", ")
        )));
    }
    Ok(public)
}
