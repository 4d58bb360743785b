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
        Some(Err(error)) => return Err(Verdict::unknown(error)),
        None => {
            return Err(Verdict::not_applicable(format!(
                "region {region} was not scanned"
            )))
        }
    };
    Ok(subnets
        .iter()
        .filter(|subnet| {
            Ec2Inventory::route_table_of(tables, vpc, subnet)
                .is_some_and(|t| t.routes_to_internet_gateway)
        })
        .map(String::as_str)
        .collect())
}
