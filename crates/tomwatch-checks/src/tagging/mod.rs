//! Checks over every workload resource whose tags tomwatch collects, whatever its service.

checks! {
    tagging_workload_environment_matches,
    tagging_workload_managed_as_code,
}

use crate::check::Evidence;
use crate::check::{CheckMeta, EvalContext};
use crate::kinds::{self, Placed, TagsOf};
use crate::verdict::Verdict;
use tomwatch_model::inventory::Tags;
use tomwatch_model::GLOBAL_REGION;

/// One workload resource and its tags, or the error that kept them (or its whole list) unseen.
struct Workload<'a> {
    region: &'a str,
    resource_type: &'static str,
    arn: String,
    tags: TagsOf<'a>,
}

/// Every workload of the account whose tags tomwatch collects: the tagged kinds of
/// [`kinds::ALL`], region by region, then those listed per account (S3 buckets). A cache
/// cluster in a replication group is judged by its group. A list that could not be collected
/// is one entry with a wildcard ARN.
fn workloads<'a>(ctx: &'a EvalContext) -> Vec<Workload<'a>> {
    let account = ctx.account;
    let tagged = || kinds::ALL.iter().filter(|kind| kind.tagged());
    let mut placed = Vec::new();
    match &account.regions {
        Ok(regions) => {
            for (region, inventory) in regions {
                for kind in tagged() {
                    let listed = kind.in_region(&account.account_id, region, inventory);
                    placed.extend(
                        listed
                            .into_iter()
                            .flatten()
                            .map(|p| (kind.resource_type(), p)),
                    );
                }
            }
        }
        Err(error) => placed.push((
            "AWS::*::*",
            Placed::Unseen {
                region: GLOBAL_REGION,
                wildcard: format!("arn:aws:*:*:{}:*", account.account_id),
                error,
            },
        )),
    }
    for kind in tagged() {
        let listed = kind.in_account(account);
        placed.extend(
            listed
                .into_iter()
                .flatten()
                .map(|p| (kind.resource_type(), p)),
        );
    }
    placed
        .into_iter()
        .filter_map(|(resource_type, placed)| match placed {
            Placed::Resource { region, view } => Some(Workload {
                region: region.unwrap_or(GLOBAL_REGION),
                resource_type,
                arn: view.arn.to_string(),
                tags: view.tags?,
            }),
            Placed::Unseen {
                region,
                wildcard,
                error,
            } => Some(Workload {
                region,
                resource_type,
                arn: wildcard,
                tags: Err(error),
            }),
        })
        .collect()
}

/// Evaluates `judge` on the tags of every workload (UNKNOWN where they could not be seen).
fn per_workload(
    meta: &CheckMeta,
    ctx: &EvalContext,
    judge: impl Fn(&str, &Tags) -> Verdict,
) -> Vec<Evidence> {
    workloads(ctx)
        .into_iter()
        .map(|w| {
            let verdict = match w.tags {
                Ok(tags) => judge(&w.arn, tags),
                Err(error) => Verdict::not_collected(error),
            };
            meta.typed_evidence(w.region, w.resource_type, w.arn, verdict)
        })
        .collect()
}

/// The part of an ARN a reader recognises: `instance/i-1`, `db:orders`, `tw-data`.
fn short(arn: &str) -> &str {
    arn.splitn(6, ':').nth(5).unwrap_or(arn)
}

#[cfg(test)]
pub(crate) mod fixtures {
    use crate::testing::*;
    use tomwatch_model::inventory::{Ec2Instance, Tags};
    use tomwatch_model::AccountInventory;

    pub fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// An account whose only workloads are instances with the given tags, in eu-central-1.
    pub fn instances(tag_sets: Vec<Tags>) -> AccountInventory {
        let mut account = account(&["eu-central-1"]);
        region_mut(&mut account, "eu-central-1").ec2.instances = Ok(tag_sets
            .into_iter()
            .enumerate()
            .map(|(i, tags)| Ec2Instance {
                arn: format!("arn:aws:ec2:eu-central-1:{ACCOUNT}:instance/i-{i}"),
                instance_id: format!("i-{i}"),
                state: "running".into(),
                tags,
            })
            .collect());
        account
    }
}
